"""A local Redis Cluster for the tests: 3 primaries on free ports, slots assigned here.

``LocalCluster`` starts ``redis-server --cluster-enabled yes`` nodes on ports P whose cluster bus
port P + 10000 is free too, gives node i the i-th third of the 16,384 slots
(``CLUSTER ADDSLOTSRANGE``), joins them with ``CLUSTER MEET`` and waits until every node says
``cluster_state:ok``. ``migrate(key, to)`` moves the slot of ``key`` to another primary the
way ``redis-cli --cluster reshard`` does (IMPORTING, MIGRATING, MIGRATE, SETSLOT NODE), so
clients get MOVED.
"""

from __future__ import annotations

import secrets
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import redis

from tests.support.redis_server import _die_with_parent, find_server_binary

SLOTS = 16_384


def command(client: redis.Redis, *args: Any) -> Any:
    """``client.execute_command(*args)`` (untyped in redis-py)."""
    return client.execute_command(*args)  # type: ignore[no-untyped-call]


WAIT_S = 20.0


def _free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def cluster_port() -> int:
    """A free port P below 55536 whose bus port P + 10000 is free too."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port + 10_000 < 65_536 and _free(port + 10_000):
            return port


class Node:
    def __init__(self, directory: Path, password: str) -> None:
        self.port = cluster_port()
        self.dir = directory / str(self.port)
        self.dir.mkdir()
        self.password = password
        args = [
                find_server_binary(),
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--cluster-enabled", "yes",
                "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", "1000",
                "--requirepass", password,
                "--masterauth", password,
                "--dir", str(self.dir),
                "--save", "",
                "--appendonly", "no",
                "--logfile", str(self.dir / "redis.log"),
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        self.client = redis.Redis(port=self.port, password=password, socket_timeout=5)

    def wait_up(self) -> None:
        deadline = time.monotonic() + WAIT_S
        while True:
            try:
                self.client.ping()
                return
            except redis.ConnectionError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"cluster node did not start; see {self.dir}") from None
                time.sleep(0.05)

    @property
    def node_id(self) -> str:
        return str(command(self.client, "CLUSTER", "MYID").decode())

    def stop(self) -> None:
        self.client.close()
        self.proc.kill()
        self.proc.wait()


class LocalCluster:
    def __init__(self, directory: Path, primaries: int = 3) -> None:
        self.dir = directory
        self.password = secrets.token_hex(12)
        self.primaries: list[Node] = []
        self.replicas: list[Node] = []
        self._count = primaries

    def url(self, node: int = 0) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.primaries[node].port}/0"

    def start(self) -> None:
        self.primaries = [Node(self.dir, self.password) for _ in range(self._count)]
        for node in self.primaries:
            node.wait_up()
        share = SLOTS // self._count
        for i, node in enumerate(self.primaries):
            last = SLOTS - 1 if i == self._count - 1 else (i + 1) * share - 1
            command(node.client, "CLUSTER", "ADDSLOTSRANGE", i * share, last)
        for node in self.primaries[1:]:
            command(self.primaries[0].client, "CLUSTER", "MEET", "127.0.0.1", node.port)
        self.wait_ok()

    def wait_ok(self) -> None:
        deadline = time.monotonic() + WAIT_S
        nodes = self.primaries + self.replicas
        while True:
            infos = [command(node.client, "CLUSTER", "INFO").decode() for node in nodes]
            if all("cluster_state:ok" in info for info in infos) and all(
                f"cluster_known_nodes:{len(nodes)}" in info for info in infos
            ):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"the cluster did not settle: {infos}")
            time.sleep(0.1)

    def slot(self, key: bytes | str) -> int:
        return int(command(self.primaries[0].client, "CLUSTER", "KEYSLOT", key))

    def owner(self, key: bytes | str) -> int:
        """The index of the primary that serves ``key``'s slot."""
        slot = self.slot(key)
        for start, end, primary, *_ in command(self.primaries[0].client, "CLUSTER", "SLOTS"):
            if start <= slot <= end:
                port = primary[1]
                return next(i for i, n in enumerate(self.primaries) if n.port == port)
        raise LookupError(slot)

    def migrate(self, key: bytes | str, to: int) -> None:
        """Move ``key``'s slot (and the key) from its primary to primary ``to``."""
        slot, source = self.slot(key), self.primaries[self.owner(key)]
        target = self.primaries[to]
        command(target.client, "CLUSTER", "SETSLOT", slot, "IMPORTING", source.node_id)
        command(source.client, "CLUSTER", "SETSLOT", slot, "MIGRATING", target.node_id)
        while keys := command(source.client, "CLUSTER", "GETKEYSINSLOT", slot, 100):
            command(source.client,
                "MIGRATE", "127.0.0.1", target.port, "", 0, 5000, "AUTH", self.password,
                "KEYS", *keys,
            )  # fmt: skip
        for node in self.primaries:
            command(node.client, "CLUSTER", "SETSLOT", slot, "NODE", target.node_id)

    def stop(self) -> None:
        for node in self.primaries + self.replicas:
            node.stop()

    def __enter__(self) -> LocalCluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
