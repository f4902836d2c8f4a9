"""A read-only replica (``replica-read-only yes``, Redis's default): viewing works, writing says so.

The module starts a primary and a replica of it (real ``redis-server`` processes, once). A
viewer on the replica lists, reads and tails what producers write to the primary, and the
replica's command statistics show that nothing it did was a write or was refused. ``produce``
and ``smoke`` against the replica fail with one line that names the replica.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from arena_tui.broker import BrokerError, Event, RunStatus
from arena_tui.broker.redis import RedisStreamsBroker
from tests.support.cli import run_cli
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.redis


@pytest.fixture(scope="module")
def primary() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture(scope="module")
def replica(primary: RedisServer) -> Iterator[RedisServer]:
    """A read-only ``--replicaof`` the primary, with its password, once in sync."""
    replicaof = ["--replicaof", "127.0.0.1", str(primary.port), "--masterauth", primary.password]
    extra = [*replicaof, "--replica-read-only", "yes"]
    with RedisServer(password=primary.password, extra_args=extra) as server, server.client() as c:
        deadline = time.monotonic() + 20
        while c.info("replication").get("master_link_status") != "up":
            if time.monotonic() > deadline:
                raise RuntimeError(f"the replica did not sync; see {server.log_path}")
            time.sleep(0.05)
        yield server


def event(run_id: str, i: int) -> Event:
    return Event(run_id, "a", 1, "metric", {"name": "i", "value": float(i)}, None)


def refusals(replica: RedisServer) -> dict[str, int]:
    """The replica's READONLY answers and refused or failed commands, so far. (The primary's
    writes reach it through replication and are not refusals; redis-py's CLIENT SETINFO on
    connect is unknown to Redis 7.0 and is not counted.)"""
    with replica.client() as client:
        stats, errors = client.info("commandstats"), client.info("errorstats")
    out = {
        name: int(stat.get("rejected_calls", 0)) + int(stat.get("failed_calls", 0))
        for name, stat in stats.items()
        if name != "cmdstat_client|setinfo"
    }
    out["READONLY"] = int(errors.get("errorstat_READONLY", {}).get("count", 0))
    return {name: n for name, n in out.items() if n}


async def test_a_viewer_on_the_replica_lists_reads_and_tails_and_writes_nothing(
    primary: RedisServer, replica: RedisServer, key_prefix: str
) -> None:
    writer = RedisStreamsBroker(primary.url, key_prefix=key_prefix)
    viewer = RedisStreamsBroker(replica.url, key_prefix=key_prefix)
    before = refusals(replica)
    try:
        await writer.open_run("r1")
        await writer.publish_many("r1", [event("r1", i) for i in range(4)])
        with primary.client() as raw:
            raw.execute_command("WAIT", 1, 5000)  # the replica has it

        (info,) = await viewer.list_runs()
        assert (info.run_id, info.last_seq, info.status) == ("r1", 4, RunStatus.OPEN)
        assert await viewer.live_runs() == ["r1"]
        assert [e.seq for e in (await viewer.read_range("r1", 3)).envelopes] == [3, 4]
        task = asyncio.create_task(_seqs(viewer, "r1"))
        await writer.publish("r1", event("r1", 4))
        await writer.close_run("r1")
        assert await asyncio.wait_for(task, 15) == [1, 2, 3, 4, 5]
    finally:
        await writer.aclose()
        await viewer.aclose()
    assert refusals(replica) == before  # nothing the viewer sent was refused as a write


async def _seqs(broker: RedisStreamsBroker, run_id: str) -> list[int]:
    return [envelope.seq async for envelope in broker.stream(run_id)]


async def test_publishing_to_the_replica_says_it_is_a_replica(replica: RedisServer) -> None:
    broker = RedisStreamsBroker(replica.url, key_prefix="replica")
    try:
        with pytest.raises(BrokerError) as refused:
            await broker.open_run("r1")
    finally:
        await broker.aclose()
    assert str(refused.value) == (
        f"Redis at redis://127.0.0.1:{replica.port}/0 (password hidden) is a read-only replica: "
        "it refused a write. Viewing works on a replica; produce and smoke must point "
        "REDIS_URL at the primary"
    )


@pytest.mark.parametrize("command", [["produce", "--runs", "1", "--turns", "2"], ["smoke"]])
def test_produce_and_smoke_on_the_replica_fail_with_one_line(
    replica: RedisServer, command: list[str]
) -> None:
    result = run_cli(
        *command,
        env={"ARENA_BROKER_BACKEND": "redis", "REDIS_URL": replica.url},
        timeout=60,
    )
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("arena-tui: error: Redis at redis://127.0.0.1:")
    assert "is a read-only replica" in line
    assert replica.password not in result.stderr
