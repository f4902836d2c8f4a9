"""Redis Cluster: a local 3-primary cluster (``cluster_support``), started once for the module.

``REDIS_URL`` names one node; the broker finds out it is a cluster and reads through redis-py's
cluster client. The runs' keys fall on different nodes (the arena uses no hash tags): listing
sees every run from every primary, a tail follows its stream's slot when it moves to another
node (MOVED) and through a failover of its primary (primary 0 has a replica for it), and
publishing is the arena's INCR then XADD, which ``smoke`` says. The README's cluster ACL lines
(read from the README itself) let a viewer list and tail and a producer publish; a viewer
missing one of the two cluster grants is told which.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from arena_tui.broker import Event, RunStatus, codec
from arena_tui.broker.follow import follow
from arena_tui.broker.follow_items import Batch, Finished, FollowItem, Reconnected, Reconnecting
from arena_tui.broker.redis import RedisStreamsBroker
from arena_tui.broker.redis.cluster import PUBLISH_NOTE
from tests.broker.cluster_support import LocalCluster
from tests.support.cli import run_cli

pytestmark = pytest.mark.redis


TS = datetime(2026, 6, 7, 12, 0, tzinfo=UTC)


def event(run_id: str, i: int, ts: datetime | None = None) -> Event:
    return Event(run_id, "a", 1 + i // 10, "metric", {"name": "i", "value": float(i)}, ts)


async def test_listing_sees_every_run_on_every_primary(
    cluster: LocalCluster, cluster_broker: RedisStreamsBroker, key_prefix: str
) -> None:
    run_ids = [f"run{i:02d}" for i in range(12)]
    for run_id in run_ids:
        await cluster_broker.open_run(run_id)
        await cluster_broker.publish_many(run_id, [event(run_id, i) for i in range(3)])
    for run_id in run_ids[:6]:
        await cluster_broker.close_run(run_id)
    owners = {
        (cluster.owner(k.open), cluster.owner(k.seq), cluster.owner(k.events))
        for k in map(cluster_broker.keys, run_ids)
    }
    assert {node for triple in owners for node in triple} == {0, 1, 2}
    assert any(len(set(triple)) > 1 for triple in owners)  # a run split across nodes

    infos = {info.run_id: info for info in await cluster_broker.list_runs(stale_after=0.001)}

    assert set(infos) == set(run_ids)
    assert all(info.last_seq == 3 and info.n_events == 3 for info in infos.values())
    assert {r for r, info in infos.items() if info.status is RunStatus.FINISHED} == set(run_ids[:6])
    assert await cluster_broker.live_runs() == run_ids[6:]
    await cluster_broker.reap(run_ids[0])
    assert run_ids[0] not in {info.run_id for info in await cluster_broker.list_runs()}


async def test_publishing_is_incr_then_xadd_with_the_arenas_ids(
    cluster: LocalCluster, cluster_broker: RedisStreamsBroker, key_prefix: str
) -> None:
    await cluster_broker.open_run("r1")
    assert await cluster_broker.publish("r1", event("r1", 0, TS)) == 1
    published = await cluster_broker.publish_many("r1", [event("r1", i) for i in range(1, 4)])
    assert published == [2, 3, 4]
    assert cluster_broker.publish_note == PUBLISH_NOTE
    keys = cluster_broker.keys("r1")
    node = cluster.client(cluster.owner(keys.events))
    entries: Any = node.xrange(keys.events)
    assert [raw_id for raw_id, _ in entries] == [b"1-0", b"2-0", b"3-0", b"4-0"]
    _, fields = entries[0]
    assert fields == dict(codec.encode_event(event("r1", 0, TS)))
    seq_node = cluster.client(cluster.owner(keys.seq))
    assert seq_node.get(keys.seq) == b"4"


async def test_a_tail_follows_its_stream_to_another_node(
    cluster: LocalCluster, cluster_broker: RedisStreamsBroker
) -> None:
    await cluster_broker.open_run("moving")
    await cluster_broker.publish_many("moving", [event("moving", i) for i in range(5)])
    events_key = cluster_broker.keys("moving").events
    got: list[int] = []
    first_five = asyncio.Event()

    async def tail() -> None:
        async for envelope in cluster_broker.stream("moving"):
            got.append(envelope.seq)
            if len(got) == 5:
                first_five.set()

    task = asyncio.create_task(tail())
    await asyncio.wait_for(first_five.wait(), 10)
    source = cluster.owner(events_key)
    await asyncio.to_thread(cluster.migrate, events_key, (source + 1) % 3)
    assert cluster.owner(events_key) == (source + 1) % 3

    await cluster_broker.publish_many("moving", [event("moving", i) for i in range(5, 10)])
    await cluster_broker.close_run("moving")
    await asyncio.wait_for(task, 15)

    assert got == list(range(1, 11))


@pytest.mark.parametrize("how", ["CLUSTER FAILOVER", "kill -9"])
async def test_a_tail_carries_on_through_a_failover(
    cluster: LocalCluster, cluster_broker: RedisStreamsBroker, key_prefix: str, how: str
) -> None:
    """The primary holding the run's stream fails over to its replica under a follow() with the
    app's backoff; the tail goes on from where it was, nothing lost or repeated.

    ``CLUSTER FAILOVER`` on the replica: the old primary unblocks the tail's XREAD (UNBLOCKED)
    and closes its connection, and follow() reconnects to the new primary at once (a tail
    between two reads meets a MOVED instead, which the cluster client follows by itself).
    ``kill -9`` of the primary: reads fail until the cluster promotes the replica (node timeout
    1 s, then an election), and follow() keeps reconnecting till then."""
    keys = cluster_broker.keys
    run_id = next(r for r in map(str, range(100)) if cluster.owner(keys(r).events) == 0)
    await cluster_broker.open_run(run_id)
    await cluster_broker.publish_many(run_id, [event(run_id, i) for i in range(5)])
    viewer = RedisStreamsBroker(cluster.url(2), key_prefix=key_prefix)
    items: list[tuple[float, FollowItem]] = []
    seqs: list[int] = []

    async def tail() -> None:
        async for item in follow(viewer, run_id):
            items.append((time.monotonic(), item))
            if isinstance(item, Batch):
                seqs.extend(envelope.seq for envelope in item.envelopes)

    async def until(what: Callable[[], bool]) -> None:
        deadline = time.monotonic() + 20
        while not what():
            assert time.monotonic() < deadline, (seqs, items)
            await asyncio.sleep(0.01)

    task = asyncio.create_task(tail())
    writer = cluster_broker  # closed twice at worst: harmless
    try:
        await until(lambda: seqs == [1, 2, 3, 4, 5])
        old_primary = cluster.primaries[0]
        started = time.monotonic()
        if how == "CLUSTER FAILOVER":
            await asyncio.to_thread(cluster.failover)
        else:
            killed = await asyncio.to_thread(cluster.crash_primary)
            killed.start()  # from this thread (see crash_primary): it rejoins as a replica
            await asyncio.to_thread(cluster.wait_ok)
        assert cluster.primaries[0] is not old_primary
        assert cluster.owner(keys(run_id).events) == 0  # the former replica serves it now
        # a new producer: the old one's pooled connections to the killed node would fail its
        # next publish after the INCR, a hole the producer makes (what the tail does is tested)
        writer = RedisStreamsBroker(cluster.url(1), key_prefix=key_prefix)
        await writer.publish_many(run_id, [event(run_id, i) for i in range(5, 10)])
        await until(lambda: seqs[-1:] == [10])
        await writer.close_run(run_id)
        await asyncio.wait_for(task, 10)
    finally:
        task.cancel()
        await viewer.aclose()
        await writer.aclose()

    assert seqs == list(range(1, 11))
    notices = [(t - started, item) for t, item in items if not isinstance(item, Batch)]
    if how == "CLUSTER FAILOVER":
        for _, item in notices:
            assert not isinstance(item, Reconnecting) or "(UNBLOCKED)" in item.error_message
    assert all(t < 10.0 for t, item in notices if isinstance(item, Reconnected))
    assert isinstance(notices[-1][1], Finished)


def test_smoke_on_a_cluster_passes_and_says_how_it_publishes(
    cluster: LocalCluster, key_prefix: str
) -> None:
    result = run_cli(
        "smoke",
        env={
            "ARENA_BROKER_BACKEND": "redis",
            "REDIS_URL": cluster.url(2),
            "ARENA_KEY_PREFIX": key_prefix,
        },
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("smoke OK: run ")
    assert result.stderr == f"arena-tui: note: {PUBLISH_NOTE}\n"
