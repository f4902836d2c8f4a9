"""ACL users on the Redis Cluster: the README's cluster lines, read from the README itself.

The viewer line (the standalone one plus ``+info +cluster|slots``, made on every node) lists
and tails; the producer line publishes the arena's two-step way. A viewer missing ``+info``
(the node is then read as a single server and answers MOVED or CROSSSLOT) or ``+cluster|slots``
(redis-py's cluster client cannot map the slots) is told which grant is missing.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from arena_tui.broker import BrokerPermissionError, Event
from arena_tui.broker.redis import RedisStreamsBroker
from tests.broker.cluster_support import LocalCluster, command

pytestmark = pytest.mark.redis

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


def event(run_id: str, i: int) -> Event:
    return Event(run_id, "a", 1 + i // 10, "metric", {"name": "i", "value": float(i)}, None)


async def test_the_readme_viewer_line_lists_and_tails_on_a_cluster(
    cluster_broker: RedisStreamsBroker, cluster_user: MakeUser, key_prefix: str
) -> None:
    run_ids = [f"run{i}" for i in range(6)]
    for run_id in run_ids:
        await cluster_broker.open_run(run_id)
        await cluster_broker.publish_many(run_id, [event(run_id, i) for i in range(3)])
    viewer = RedisStreamsBroker(cluster_user(readme_cluster_line("viewer")), key_prefix=key_prefix)
    try:
        infos = {info.run_id: info for info in await viewer.list_runs()}
        assert sorted(infos) == run_ids
        assert all(info.last_seq == 3 for info in infos.values())
        tail = asyncio.create_task(_seqs(viewer, "run4"))
        await cluster_broker.publish_many("run4", [event("run4", i) for i in range(3, 5)])
        await cluster_broker.close_run("run4")
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
            "+info",  # the listing reads :seq and :open keys of many slots in one MGET
            "is a Redis Cluster node (it answered CROSSSLOT), but Redis user '{user}' may not run "
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
    cluster_broker: RedisStreamsBroker,
    cluster_user: MakeUser,
    key_prefix: str,
    dropped: str,
    says: str,
) -> None:
    run_ids: list[str] = []  # till one is listed from the URL's node with a key elsewhere
    while not any(
        cluster.owner(keys.open) == 1 and cluster.owner(keys.seq) != 1
        for keys in map(cluster_broker.keys, run_ids)
    ):
        run_ids.append(f"run{len(run_ids)}")
    for run_id in run_ids:
        await cluster_broker.open_run(run_id)
        await cluster_broker.publish(run_id, event(run_id, 0))
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
    cluster_broker: RedisStreamsBroker, cluster_user: MakeUser, key_prefix: str
) -> None:
    await cluster_broker.open_run("r1")  # a tail's EXISTS of its keys: CROSSSLOT on one node
    line = [word for word in readme_cluster_line("viewer") if word != "+info"]
    viewer = RedisStreamsBroker(cluster_user(line), key_prefix=key_prefix)
    try:
        with pytest.raises(BrokerPermissionError, match=r"\(it answered CROSSSLOT\), but Redis"):
            await _seqs(viewer, "r1")
    finally:
        await viewer.aclose()


async def _seqs(cluster_broker: RedisStreamsBroker, run_id: str) -> list[int]:
    return [envelope.seq async for envelope in cluster_broker.stream(run_id)]
