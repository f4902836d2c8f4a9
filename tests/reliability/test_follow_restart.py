"""Redis goes away under a follower: restarts with and without persistence, down at start.

Each test owns a ``redis-server`` it kills and starts again on the same port and dir; server
starts run in a thread so producers and followers keep running (and failing) meanwhile.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator

import pytest

from arena_tui.broker import Event, RunNotFoundError
from arena_tui.broker.backoff import Backoff
from arena_tui.broker.follow import follow
from arena_tui.broker.follow_items import (
    Batch,
    Finished,
    Following,
    Reconnected,
    Reconnecting,
    Reset,
)
from arena_tui.broker.redis import RedisStreamsBroker
from tests.support.events import counted
from tests.support.follow import WAIT, Producer, Recorder
from tests.support.redis_server import RedisServer, free_port
from tests.support.wire import republish

pytestmark = pytest.mark.redis

SECRET = "s3cr@t:/#%pw"


@pytest.fixture
async def brokers() -> AsyncIterator[list[RedisStreamsBroker]]:
    made: list[RedisStreamsBroker] = []
    yield made
    for broker in made:
        await broker.aclose()


def broker_on(server: RedisServer, made: list[RedisStreamsBroker]) -> RedisStreamsBroker:
    made.append(RedisStreamsBroker(server.url, key_prefix="rel"))
    return made[-1]


@pytest.mark.parametrize("how", ["kill", "stop"])
async def test_restart_with_appendonly_delivers_every_seq_once(
    brokers: list[RedisStreamsBroker], how: str
) -> None:
    with RedisServer(appendonly=True) as server:
        writer, reader = broker_on(server, brokers), broker_on(server, brokers)
        await writer.open_run("r1")
        producer = Producer(writer, "r1")
        producer.start()
        await producer.wait_for(30)
        follower = Recorder(reader, "r1")
        await follower.wait_until(lambda f: len(f.seqs) >= 30)

        await asyncio.to_thread(server.kill if how == "kill" else server.stop)
        await follower.wait_until(lambda f: len(f.of(Reconnecting)) >= 2)
        await asyncio.to_thread(server.start)
        await follower.wait_until(lambda f: bool(f.of(Reconnected)))
        published = len(producer.seqs)
        await producer.wait_for(published + 30)
        await producer.stop()
        await writer.close_run("r1")
        await follower.wait_until(lambda f: bool(f.of(Finished)))

        last = int(server.client().get("rel:run:r1:seq") or 0)
    assert follower.seqs == list(range(1, last + 1))  # every seq once, in order, no hole
    assert set(producer.seqs) <= set(follower.seqs)
    assert producer.failures > 0  # the producer did see the outage and retried
    reconnected = follower.of(Reconnected)
    assert len(reconnected) == 1
    kinds = [type(item) for item in follower.items if not isinstance(item, Batch)]
    assert follower.items[0] == Following(1)
    assert kinds[1] is Reconnecting
    assert kinds[-2:] == [Reconnected, Finished]
    assert follower.of(Finished) == [Finished(last)]
    print(f"\n{how}: {last} seqs, reconnected after {reconnected[0].after_s:.2f} s")


@pytest.mark.parametrize("republished", [5, 45], ids=["fewer", "more-than-seen"])
async def test_restart_without_persistence_is_reported_as_a_reset(
    brokers: list[RedisStreamsBroker], republished: int
) -> None:
    """The old run is gone and a producer starts again at seq 1, before the follower is back
    (its first retry is 1 s away): ``Reset``, then exactly the new run's events.

    With 45 new events the new counter is above the 30 seen, so only comparing the entry at
    seq 30 with the one delivered tells the runs apart."""
    with RedisServer(appendonly=False) as server:
        writer, reader = broker_on(server, brokers), broker_on(server, brokers)
        await writer.open_run("r1")
        await writer.publish_many("r1", [counted("r1", i) for i in range(30)])
        follower = Recorder(reader, "r1", backoff=Backoff(initial=1.0, jitter=0.0))
        await follower.wait_until(lambda f: len(f.seqs) == 30)

        def restart_and_republish() -> None:
            server.kill()
            server.start()
            raw = server.client()
            republish(raw, "r1", republished)
            raw.close()

        await asyncio.to_thread(restart_and_republish)
        await follower.wait_until(lambda f: len(f.seqs) >= 30 + republished)
        await writer.close_run("r1")
        await follower.wait_until(lambda f: bool(f.of(Finished)))

    assert follower.of(Reset) == [Reset(last_seen_seq=30, new_last_seq=republished)]
    after_reset = follower.items[follower.items.index(follower.of(Reset)[0]) + 1 :]
    new = [e for item in after_reset if isinstance(item, Batch) for e in item.envelopes]
    assert [e.seq for e in new] == list(range(1, republished + 1))
    assert {e.event.agent_id for e in new} == {"new"}  # the new run's events, not old data
    assert follower.of(Finished) == [Finished(republished)]


async def test_unreachable_at_start_retries_with_growing_backoff_then_follows(
    brokers: list[RedisStreamsBroker],
) -> None:
    port = free_port()
    url = f"redis://:{SECRET}@127.0.0.1:{port}/0"
    broker = RedisStreamsBroker(url, key_prefix="rel")
    brokers.append(broker)
    follower = Recorder(broker, "r1", backoff=Backoff(initial=0.05, maximum=2.0, jitter=0.25))
    await follower.wait_until(lambda f: len(f.of(Reconnecting)) >= 4)

    retries = follower.of(Reconnecting)[:4]
    assert [r.attempt for r in retries] == [1, 2, 3, 4]
    delays = [r.next_in_s for r in retries]
    assert delays == sorted(delays)
    assert delays[-1] > 2 * delays[0]
    for retry in retries:
        assert f"redis://127.0.0.1:{port}/0 (password hidden)" in retry.error_message
        assert "just arena-infra-up" in retry.error_message
        assert "s3cr" not in retry.error_message
        assert SECRET not in repr(retry)
    assert "s3cr" not in repr(broker) + broker.description

    with RedisServer(password=SECRET, port=port) as server:
        publisher = RedisStreamsBroker(server.url, key_prefix="rel")
        brokers.append(publisher)
        await publisher.open_run("r1")
        await publisher.publish("r1", Event("r1", "a", 1, "metric", {}, None))
        await follower.wait_until(lambda f: f.seqs == [1])
        assert len(follower.of(Reconnected)) == 1
        await follower.stop()


async def test_follow_of_an_unknown_run_raises_at_once(
    brokers: list[RedisStreamsBroker], redis_server: RedisServer
) -> None:
    broker = broker_on(redis_server, brokers)  # on the session server: nothing is killed here
    items = follow(broker, f"nope-{secrets.token_hex(2)}")
    with pytest.raises(RunNotFoundError):
        await asyncio.wait_for(anext(items), WAIT)
