"""Cancelling followers, fast and often: no connection leak, no shifted reply, no task left.

A follower cancelled while redis-py waits in XREAD is the classic way to poison a pooled
connection (redis-py #2624: the next command on it reads the previous reply). Each test here
cancels hundreds of followers, many of them mid-read, then checks on the same broker that a
publish returns the right seq and a read returns the right entries, and counts the server's
connections with CLIENT LIST.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from arena_tui.broker.redis import RedisStreamsBroker
from tests.support.events import counted
from tests.support.follow import Recorder
from tests.support.pilot import WIDE, live_app, pane, shown_seqs, tail_workers, until, watch
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.redis

RUNS = 10
EVENTS = 20
SWITCHES = 40
MAX_CONNECTIONS = 12
"""Bound on the server's clients after the switching: the pool's few plus our raw client."""


@pytest.fixture
async def seeded() -> AsyncIterator[tuple[RedisServer, RedisStreamsBroker]]:
    with RedisServer() as server:
        broker = RedisStreamsBroker(server.url, key_prefix="rel")
        try:
            for r in range(RUNS):
                await broker.open_run(f"r{r}")
                await broker.publish_many(f"r{r}", [counted(f"r{r}", i) for i in range(EVENTS)])
            yield server, broker
        finally:
            await broker.aclose()


def client_count(server: RedisServer) -> int:
    raw = server.client()
    try:
        return len(raw.client_list())
    finally:
        raw.close()


def other_tasks() -> list[asyncio.Task[object]]:
    me = asyncio.current_task()
    return [t for t in asyncio.all_tasks() if t is not me and not t.done()]


async def assert_replies_line_up(broker: RedisStreamsBroker) -> None:
    """A publish and a read on the cancelled followers' pool get their own replies."""
    for r in range(RUNS):
        assert await broker.publish(f"r{r}", counted(f"r{r}", EVENTS)) == EVENTS + 1
        got = await broker.read_range(f"r{r}", EVENTS, count=5)
        assert [e.seq for e in got.envelopes] == [EVENTS, EVENTS + 1]
        assert {e.event.run_id for e in got.envelopes} == {f"r{r}"}


async def test_500_cancelled_followers_leave_no_task_no_leak_and_no_shifted_reply(
    seeded: tuple[RedisServer, RedisStreamsBroker],
) -> None:
    server, broker = seeded
    before = client_count(server)
    for i in range(500):
        follower = Recorder(broker, f"r{i % RUNS}", from_seq=1 + i % EVENTS)
        # read a little; from seq 20 the follower is blocked in XREAD when cancelled
        await follower.wait_until(lambda f: len(f.seqs) >= 1)
        await follower.stop()
    after = client_count(server)
    await assert_replies_line_up(broker)
    assert other_tasks() == []
    assert after <= MAX_CONNECTIONS
    print(f"\nCLIENT LIST: {before} before, {after} after 500 switches")


async def test_switching_runs_in_the_app_keeps_one_tail_and_quitting_leaves_nothing(
    seeded: tuple[RedisServer, RedisStreamsBroker],
) -> None:
    server, broker = seeded
    viewer = RedisStreamsBroker(server.url, key_prefix="rel")
    opened: set[str] = set()
    try:
        app = live_app(viewer)
        async with app.run_test(size=WIDE) as pilot:
            screen = watch(app)
            await until(pilot, lambda: len(screen.sidebar.runs.runs) == RUNS, what="runs")
            await until(pilot, lambda: len(shown_seqs(app)) == EVENTS, what="first run")
            for i in range(SWITCHES):
                screen.sidebar.focus()
                await pilot.press("down" if i % 2 == 0 else "up", "enter")
                opened.add(pane(app).view.run_id)
                assert tail_workers(app) <= 1
            await until(pilot, lambda: len(shown_seqs(app)) == EVENTS and tail_workers(app) == 1)
            await pilot.pause(0.3)  # the tail is now blocked in XREAD on a quiet run
            assert tail_workers(app) == 1
            connections = client_count(server)
            await pilot.press("q")
        assert other_tasks() == []
    finally:
        await viewer.aclose()
    assert len(opened) == 2
    assert connections <= MAX_CONNECTIONS
    await assert_replies_line_up(broker)
    print(f"\napp: {SWITCHES} switches, {connections} server clients while tailing")
