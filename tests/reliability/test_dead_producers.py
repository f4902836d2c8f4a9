"""Producers that die: a run left ``:open`` goes stale; a run that lost ``:open`` but still gets
events is not finished.

``ARENA_STALE_AFTER`` is one second here so nothing waits long; the closed-run grace
(``_listing.CLOSED_GRACE_S``, 5 s) is the broker's own and is waited out once.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import pytest

from arena_tui.broker import RunStatus
from arena_tui.broker._listing import CLOSED_GRACE_S
from arena_tui.broker.follow_items import Finished
from arena_tui.broker.redis import RedisStreamsBroker
from tests.support.cli import redis_env_for, run_cli
from tests.support.events import counted
from tests.support.follow import Producer, Recorder
from tests.support.pilot import WIDE, live_app, screen_text, status_text, until
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.redis

STALE_AFTER = 1.0


@pytest.fixture
async def broker(
    redis_server: RedisServer, key_prefix: str
) -> AsyncIterator[tuple[RedisServer, RedisStreamsBroker]]:
    """A broker on the session server, under this test's own prefix (nothing is killed here)."""
    made = RedisStreamsBroker(redis_server.url, key_prefix=key_prefix)
    try:
        yield redis_server, made
    finally:
        await made.aclose()


async def status_of(broker: RedisStreamsBroker, run_id: str) -> RunStatus:
    infos = {i.run_id: i for i in await broker.list_runs(stale_after=STALE_AFTER)}
    return infos[run_id].status


async def test_open_but_silent_run_is_stale_in_listing_cli_and_app(
    broker: tuple[RedisServer, RedisStreamsBroker], key_prefix: str
) -> None:
    server, made = broker
    await made.open_run("dead")
    await made.publish_many("dead", [counted("dead", i) for i in range(3)])
    assert await status_of(made, "dead") is RunStatus.OPEN

    app = live_app(  # the app closes its broker when it quits
        RedisStreamsBroker(server.url, key_prefix=key_prefix),
        run_id="dead",
        stale_after=STALE_AFTER,
    )
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: "stale since" in status_text(app), what="stale", within=8)
        await until(pilot, lambda: "◌" in screen_text(app), what="◌ in the sidebar")
        bar = status_text(app)
    assert await status_of(made, "dead") is RunStatus.STALE
    env = redis_env_for(server, key_prefix)
    listed = run_cli("runs", "--json", env=env | {"ARENA_STALE_AFTER": "1"})
    assert [r["status"] for r in json.loads(listed.stdout)] == ["stale"]
    human = run_cli("runs", env=env | {"ARENA_STALE_AFTER": "1"})
    assert " stale " in human.stdout
    print(f"\napp status bar: {bar.split(' · ')[0]!r}")


async def test_events_without_open_keep_the_run_open_until_they_stop(
    broker: tuple[RedisServer, RedisStreamsBroker], key_prefix: str
) -> None:
    server, made = broker
    await made.open_run("orphan")
    producer = Producer(made, "orphan", interval=0.05)
    producer.start()
    await producer.wait_for(5)
    follower = Recorder(made, "orphan")
    raw = server.client()
    raw.delete(f"{key_prefix}:run:orphan:open")  # the 6 h TTL ran out under a long run
    raw.close()
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:  # events keep coming: open, and never finished
        assert await status_of(made, "orphan") is RunStatus.OPEN
        await asyncio.sleep(0.25)
    assert not follower.of(Finished)
    await producer.stop()
    last = producer.seqs[-1]
    await follower.wait_until(lambda f: bool(f.of(Finished)))
    assert follower.seqs == list(range(1, last + 1))
    assert follower.of(Finished) == [Finished(last)]
    await asyncio.sleep(CLOSED_GRACE_S)
    assert await status_of(made, "orphan") is RunStatus.FINISHED
