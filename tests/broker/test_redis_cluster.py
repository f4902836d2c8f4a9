"""Redis Cluster: a local 3-primary cluster (``cluster_support``), started once for the module.

``REDIS_URL`` names one node; the broker finds out it is a cluster and reads through redis-py's
cluster client. The runs' keys fall on different nodes (the arena uses no hash tags): listing
sees every run from every primary, a tail follows its stream's slot when it moves to another
node (MOVED), and publishing is the arena's INCR then XADD, which ``smoke`` says. The README's
cluster ACL lines (read from the README itself) let a viewer list and tail and a producer
publish; a viewer missing one of the two cluster grants is told which.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from arena_tui.broker import BrokerPermissionError, Event, RunStatus, codec
from arena_tui.broker.redis import RedisStreamsBroker
from arena_tui.broker.redis.cluster import PUBLISH_NOTE
from tests.broker.cluster_support import LocalCluster, command
from tests.support.cli import run_cli

pytestmark = pytest.mark.redis


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster() as running:
        yield running


README = Path(__file__).resolve().parents[2] / "README.md"


def readme_cluster_line(role: str) -> list[str]:
    """The README's ``ACL SETUSER <role> ...`` line for a cluster, split into words."""
    (line,) = [
        line
        for line in README.read_text().splitlines()
        if line.startswith(f"ACL SETUSER {role} ") and "+cluster|slots" in line
    ]
    return line.split()


MakeUser = Callable[[list[str]], str]


@pytest.fixture
def cluster_user(cluster: LocalCluster, key_prefix: str) -> Iterator[MakeUser]:
    """Makes an ACL user on every node from an ``ACL SETUSER`` line (its name, password and
    ``~arena:*`` replaced); returns a URL for it; all dropped at teardown."""
    made: list[str] = []

    def make(line: list[str]) -> str:
        name, password = f"u{secrets.token_hex(4)}", secrets.token_hex(8)
        rules = [
            f">{password}" if w.startswith(">") else f"~{key_prefix}:*" if w == "~arena:*" else w
            for w in line[3:]
        ]
        for node in cluster.primaries + cluster.replicas:
            command(cluster.client(node), "ACL", "SETUSER", name, *rules)
        made.append(name)
        return f"redis://{name}:{password}@127.0.0.1:{cluster.primaries[1].port}/0"

    yield make
    for node in cluster.primaries + cluster.replicas:
        if made:
            command(cluster.client(node), "ACL", "DELUSER", *made)


@pytest.fixture
async def broker(cluster: LocalCluster, key_prefix: str) -> AsyncIterator[RedisStreamsBroker]:
    instance = RedisStreamsBroker(cluster.url(1), key_prefix=key_prefix)
    yield instance
    await instance.aclose()


TS = datetime(2026, 6, 7, 12, 0, tzinfo=UTC)


def event(run_id: str, i: int, ts: datetime | None = None) -> Event:
    return Event(run_id, "a", 1 + i // 10, "metric", {"name": "i", "value": float(i)}, ts)


async def test_listing_sees_every_run_on_every_primary(
    cluster: LocalCluster, broker: RedisStreamsBroker, key_prefix: str
) -> None:
    run_ids = [f"run{i:02d}" for i in range(12)]
    for run_id in run_ids:
        await broker.open_run(run_id)
        await broker.publish_many(run_id, [event(run_id, i) for i in range(3)])
    for run_id in run_ids[:6]:
        await broker.close_run(run_id)
    owners = {
        (cluster.owner(k.open), cluster.owner(k.seq), cluster.owner(k.events))
        for k in map(broker.keys, run_ids)
    }
    assert {node for triple in owners for node in triple} == {0, 1, 2}
    assert any(len(set(triple)) > 1 for triple in owners)  # a run split across nodes

    infos = {info.run_id: info for info in await broker.list_runs(stale_after=0.001)}

    assert set(infos) == set(run_ids)
    assert all(info.last_seq == 3 and info.n_events == 3 for info in infos.values())
    assert {r for r, info in infos.items() if info.status is RunStatus.FINISHED} == set(run_ids[:6])
    assert await broker.live_runs() == run_ids[6:]
    await broker.reap(run_ids[0])
    assert run_ids[0] not in {info.run_id for info in await broker.list_runs()}


async def test_publishing_is_incr_then_xadd_with_the_arenas_ids(
    cluster: LocalCluster, broker: RedisStreamsBroker, key_prefix: str
) -> None:
    await broker.open_run("r1")
    assert await broker.publish("r1", event("r1", 0, TS)) == 1
    assert await broker.publish_many("r1", [event("r1", i) for i in range(1, 4)]) == [2, 3, 4]
    assert broker.publish_note == PUBLISH_NOTE
    keys = broker.keys("r1")
    node = cluster.client(cluster.owner(keys.events))
    entries: Any = node.xrange(keys.events)
    assert [raw_id for raw_id, _ in entries] == [b"1-0", b"2-0", b"3-0", b"4-0"]
    _, fields = entries[0]
    assert fields == dict(codec.encode_event(event("r1", 0, TS)))
    seq_node = cluster.client(cluster.owner(keys.seq))
    assert seq_node.get(keys.seq) == b"4"


async def test_a_tail_follows_its_stream_to_another_node(
    cluster: LocalCluster, broker: RedisStreamsBroker
) -> None:
    await broker.open_run("moving")
    await broker.publish_many("moving", [event("moving", i) for i in range(5)])
    events_key = broker.keys("moving").events
    got: list[int] = []
    first_five = asyncio.Event()

    async def tail() -> None:
        async for envelope in broker.stream("moving"):
            got.append(envelope.seq)
            if len(got) == 5:
                first_five.set()

    task = asyncio.create_task(tail())
    await asyncio.wait_for(first_five.wait(), 10)
    source = cluster.owner(events_key)
    await asyncio.to_thread(cluster.migrate, events_key, (source + 1) % 3)
    assert cluster.owner(events_key) == (source + 1) % 3

    await broker.publish_many("moving", [event("moving", i) for i in range(5, 10)])
    await broker.close_run("moving")
    await asyncio.wait_for(task, 15)

    assert got == list(range(1, 11))


async def test_the_readme_viewer_line_lists_and_tails_on_a_cluster(
    broker: RedisStreamsBroker, cluster_user: MakeUser, key_prefix: str
) -> None:
    run_ids = [f"run{i}" for i in range(6)]
    for run_id in run_ids:
        await broker.open_run(run_id)
        await broker.publish_many(run_id, [event(run_id, i) for i in range(3)])
    viewer = RedisStreamsBroker(cluster_user(readme_cluster_line("viewer")), key_prefix=key_prefix)
    try:
        infos = {info.run_id: info for info in await viewer.list_runs()}
        assert sorted(infos) == run_ids
        assert all(info.last_seq == 3 for info in infos.values())
        tail = asyncio.create_task(_seqs(viewer, "run4"))
        await broker.publish_many("run4", [event("run4", i) for i in range(3, 5)])
        await broker.close_run("run4")
        assert await asyncio.wait_for(tail, 10) == [1, 2, 3, 4, 5]
        with pytest.raises(BrokerPermissionError, match="run SET"):
            await viewer.open_run("r2")
    finally:
        await viewer.aclose()


async def test_the_readme_producer_line_publishes_on_a_cluster(
    cluster_user: MakeUser, key_prefix: str
) -> None:
    url = cluster_user(readme_cluster_line("producer"))
    producer = RedisStreamsBroker(url, key_prefix=key_prefix)
    try:
        await producer.open_run("r1")
        assert await producer.publish_many("r1", [event("r1", i) for i in range(3)]) == [1, 2, 3]
        await producer.close_run("r1")
        await producer.reap("r1")
    finally:
        await producer.aclose()


@pytest.mark.parametrize(
    ("dropped", "says"),
    [
        (
            "+info",
            "is a Redis Cluster node (it answered MOVED), but Redis user '{user}' may not run "
            "INFO, which tells a cluster from a single server: grant it with ACL SETUSER {user} "
            "+info +cluster|slots on every node (README: Redis Cluster)",
        ),
        (
            "+cluster|slots",
            "lacks the permission to run CLUSTER SLOTS (NOPERM): grant it with "
            "ACL SETUSER {user} +cluster|slots",
        ),
    ],
)
async def test_a_viewer_without_a_cluster_grant_is_told_which(
    cluster: LocalCluster,
    broker: RedisStreamsBroker,
    cluster_user: MakeUser,
    key_prefix: str,
    dropped: str,
    says: str,
) -> None:
    run_ids: list[str] = []  # till one is listed from the URL's node with a key elsewhere
    while not any(
        cluster.owner(keys.open) == 1 and cluster.owner(keys.seq) != 1
        for keys in map(broker.keys, run_ids)
    ):
        run_ids.append(f"run{len(run_ids)}")
    for run_id in run_ids:
        await broker.open_run(run_id)
        await broker.publish(run_id, event(run_id, 0))
    line = [word for word in readme_cluster_line("viewer") if word != dropped]
    url = cluster_user(line)
    viewer = RedisStreamsBroker(url, key_prefix=key_prefix)
    try:
        with pytest.raises(BrokerPermissionError) as refused:
            await viewer.list_runs()
    finally:
        await viewer.aclose()
    user = url.removeprefix("redis://").split(":")[0]
    assert says.format(user=user) in str(refused.value)


async def test_a_tail_without_info_is_told_too(
    broker: RedisStreamsBroker, cluster_user: MakeUser, key_prefix: str
) -> None:
    await broker.open_run("r1")  # EXISTS of its three keys: CROSSSLOT to a single-server client
    line = [word for word in readme_cluster_line("viewer") if word != "+info"]
    viewer = RedisStreamsBroker(cluster_user(line), key_prefix=key_prefix)
    try:
        with pytest.raises(BrokerPermissionError, match=r"\(it answered CROSSSLOT\), but Redis"):
            await _seqs(viewer, "r1")
    finally:
        await viewer.aclose()


async def _seqs(broker: RedisStreamsBroker, run_id: str) -> list[int]:
    return [envelope.seq async for envelope in broker.stream(run_id)]


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
