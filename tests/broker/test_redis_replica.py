"""A read-only replica (``replica-read-only yes``, Redis's default): viewing works, writing says so.

The module starts a primary and a replica of it (real ``redis-server`` processes, once). A
viewer on the replica lists, reads and tails what producers write to the primary, and the
replica's command statistics show that nothing it did was a write or was refused. ``produce``
and ``smoke`` against the replica fail with one line that names the replica.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from arena_tui.broker import BrokerError, Event, RunStatus
from arena_tui.broker.redis import RedisStreamsBroker
from tests.support.cli import run_cli
from tests.support.redis_server import RedisServer, _die_with_parent, find_server_binary, free_port

pytestmark = pytest.mark.redis


class Replica:
    """``redis-server --replicaof`` the given primary, read-only, with the primary's password."""

    def __init__(self, primary: RedisServer, directory: Path) -> None:
        self.port = free_port()
        self.password = primary.password
        args = [
            find_server_binary(),
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--replicaof", "127.0.0.1", str(primary.port),
            "--masterauth", primary.password,
            "--requirepass", primary.password,
            "--replica-read-only", "yes",
            "--dir", str(directory),
            "--save", "",
            "--logfile", str(directory / "redis.log"),
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, preexec_fn=_die_with_parent
        )
        self.client = redis.Redis(port=self.port, password=self.password, socket_timeout=5)
        deadline = time.monotonic() + 20
        while True:
            try:
                if self.client.info("replication").get("master_link_status") == "up":
                    break
            except redis.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the replica did not sync; see {directory}")
            time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.client.close()
        self.proc.kill()
        self.proc.wait()


@pytest.fixture(scope="module")
def primary() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture(scope="module")
def replica(primary: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replica]:
    running = Replica(primary, tmp_path_factory.mktemp("replica"))
    yield running
    running.stop()


def event(run_id: str, i: int) -> Event:
    return Event(run_id, "a", 1, "metric", {"name": "i", "value": float(i)}, None)


def refusals(replica: Replica) -> dict[str, int]:
    """The replica's READONLY answers and refused or failed commands, so far. (The primary's
    writes reach it through replication and are not refusals; redis-py's CLIENT SETINFO on
    connect is unknown to Redis 7.0 and is not counted.)"""
    out = {
        name: int(stat.get("rejected_calls", 0)) + int(stat.get("failed_calls", 0))
        for name, stat in replica.client.info("commandstats").items()
        if name != "cmdstat_client|setinfo"
    }
    errors = replica.client.info("errorstats")
    out["READONLY"] = int(errors.get("errorstat_READONLY", {}).get("count", 0))
    return {name: n for name, n in out.items() if n}


async def test_a_viewer_on_the_replica_lists_reads_and_tails_and_writes_nothing(
    primary: RedisServer, replica: Replica, key_prefix: str
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


async def test_publishing_to_the_replica_says_it_is_a_replica(replica: Replica) -> None:
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
    replica: Replica, command: list[str]
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
