"""A run's keys are deleted while it is followed, and its producer carries on (the soak's flush).

The producer's next publish starts the run over at seq 1 and it opens the run again. The
follower must say so with ``Reset`` before any event of the new run, and must never hand out
the new run's events as if they continued the old one (seqs above the last one it delivered).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from arena_tui.broker import Envelope, Event
from arena_tui.broker.follow_items import Batch, Finished, Reset
from arena_tui.broker.redis import RedisStreamsBroker
from tests.support.events import counted
from tests.support.follow import Recorder
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.redis


@pytest.fixture
async def server_and_brokers() -> AsyncIterator[tuple[RedisServer, list[RedisStreamsBroker]]]:
    made: list[RedisStreamsBroker] = []
    with RedisServer() as server:
        yield server, made
        for broker in made:
            await broker.aclose()


def new_event(run_id: str, i: int) -> Event:
    return Event(run_id, "new", 1, "metric", {"name": "new", "value": float(i)}, None)


def around_reset(follower: Recorder) -> tuple[list[Envelope], list[Envelope]]:
    """The envelopes delivered before the first Reset, and those after it."""
    at = follower.items.index(follower.of(Reset)[0])
    before, after = follower.items[:at], follower.items[at + 1 :]
    return (
        [e for item in before if isinstance(item, Batch) for e in item.envelopes],
        [e for item in after if isinstance(item, Batch) for e in item.envelopes],
    )


@pytest.mark.parametrize("republished", [20, 80], ids=["below-cursor", "past-cursor"])
async def test_keys_deleted_and_run_republished_while_followed_is_a_reset(
    server_and_brokers: tuple[RedisServer, list[RedisStreamsBroker]], republished: int
) -> None:
    server, made = server_and_brokers
    writer = RedisStreamsBroker(server.url, key_prefix="rel")
    reader = RedisStreamsBroker(server.url, key_prefix="rel")
    made += [writer, reader]
    await writer.open_run("r1")
    await writer.publish_many("r1", [counted("r1", i) for i in range(50)])
    follower = Recorder(reader, "r1")
    await follower.wait_until(lambda f: len(f.seqs) == 50)

    raw = server.client()
    raw.delete("rel:run:r1:open", "rel:run:r1:seq", "rel:run:r1:events")
    raw.close()
    # the producer carries on at once: seq 1 again, and it opens the run again
    await writer.publish("r1", new_event("r1", 0))
    await writer.open_run("r1")
    for i in range(1, republished):
        await writer.publish("r1", new_event("r1", i))
        await asyncio.sleep(0.005)
    await follower.wait_until(lambda f: bool(f.of(Reset)) or len(f.seqs) > 50, within=10)
    await asyncio.sleep(0.5)
    await writer.close_run("r1")
    await follower.wait_until(lambda f: bool(f.of(Finished)), within=10)

    assert follower.of(Reset), f"no reset: {follower.items[-4:]}"
    old, new = around_reset(follower)
    assert {e.event.agent_id for e in old} == {"9c1e"}  # nothing of the new run before the reset
    assert [e.seq for e in new] == list(range(1, republished + 1))
    assert {e.event.agent_id for e in new} == {"new"}
    assert follower.of(Finished) == [Finished(republished)]


async def test_a_run_republished_past_the_cursor_within_one_blocking_read_is_a_reset(
    server_and_brokers: tuple[RedisServer, list[RedisStreamsBroker]],
) -> None:
    """The new run outgrows the tail's cursor at once (one batched publish of 80 after the
    delete), so the counter never shows below the cursor between two blocking reads: the tail
    must still not hand out seqs 51..80 of the new run as if they continued the old one."""
    server, made = server_and_brokers
    writer = RedisStreamsBroker(server.url, key_prefix="rel")
    reader = RedisStreamsBroker(server.url, key_prefix="rel")
    made += [writer, reader]
    await writer.open_run("r1")
    await writer.publish_many("r1", [counted("r1", i) for i in range(50)])
    follower = Recorder(reader, "r1")
    await follower.wait_until(lambda f: len(f.seqs) == 50)

    raw = server.client()
    pipe = raw.pipeline(transaction=True)  # the delete and the new run land between two reads
    pipe.delete("rel:run:r1:open", "rel:run:r1:seq", "rel:run:r1:events")
    pipe.execute()
    raw.close()
    await writer.publish_many("r1", [new_event("r1", i) for i in range(80)])
    await writer.open_run("r1")
    await follower.wait_until(lambda f: bool(f.of(Reset)) or len(f.seqs) > 50, within=10)
    await asyncio.sleep(0.3)
    await writer.close_run("r1")
    await follower.wait_until(lambda f: bool(f.of(Finished)), within=10)

    assert follower.of(Reset), f"no reset: {[type(item).__name__ for item in follower.items]}"
    old, new = around_reset(follower)
    assert {e.event.agent_id for e in old} == {"9c1e"}  # nothing of the new run before the reset
    assert [e.seq for e in new] == list(range(1, 81))
    assert {e.event.agent_id for e in new} == {"new"}
