"""A local Redis Cluster for the tests: 3 primaries on free ports, slots assigned here.

``LocalCluster`` starts ``redis-server --cluster-enabled yes`` nodes on ports P whose cluster bus
port P + 10000 is free too, gives node i the i-th third of the 16,384 slots
(``CLUSTER ADDSLOTSRANGE``), joins them with ``CLUSTER MEET`` and waits until every node says
``cluster_state:ok``. ``migrate(key, to)`` moves the slot of ``key`` to another primary the
way ``redis-cli --cluster reshard`` does (IMPORTING, MIGRATING, MIGRATE, SETSLOT NODE), so
clients get MOVED. Nodes are ``RedisServer``s with cluster arguments. ``replicas=N`` gives
primary 0 replicas; ``failover()`` runs ``CLUSTER FAILOVER`` on the first and swaps it with
primary 0 in the lists once every node agrees; ``crash_primary()`` kills primary 0 instead and
waits for the cluster to promote the replica. Nodes are started from the main thread only.
"""

from __future__ import annotations

import secrets
import socket
import time
from types import TracebackType
from typing import Any

import redis

from tests.support.redis_server import RedisServer

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


def node(password: str) -> RedisServer:
    """One cluster-mode ``RedisServer`` (its own temp dir and ``nodes.conf``); not started."""
    return RedisServer(
        password=password,
        port=cluster_port(),
        extra_args=[
            "--cluster-enabled", "yes",
            "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", "1000",
            "--masterauth", password,
            "--repl-diskless-sync-delay", "0",  # a replica syncs at once, not after 5 s
        ],
    )  # fmt: skip


class LocalCluster:
    """``primaries`` cluster nodes sharing the slots, and ``replicas`` replicas of primary 0."""

    def __init__(self, primaries: int = 3, replicas: int = 0) -> None:
        self.password = secrets.token_hex(12)
        self.primaries = [node(self.password) for _ in range(primaries)]
        self.replicas = [node(self.password) for _ in range(replicas)]
        self._clients: dict[int, redis.Redis] = {}

    def url(self, node: int = 0) -> str:
        return self.primaries[node].url

    def client(self, server: RedisServer | int) -> redis.Redis:
        """A kept client of one node (a primary by index, or any node)."""
        if isinstance(server, int):
            server = self.primaries[server]
        if server.port not in self._clients:
            self._clients[server.port] = server.client()
        return self._clients[server.port]

    def node_id(self, server: RedisServer) -> str:
        return str(command(self.client(server), "CLUSTER", "MYID").decode())

    def start(self) -> None:
        for server in self.primaries + self.replicas:
            server.start()
        share = SLOTS // len(self.primaries)
        for i in range(len(self.primaries)):
            last = SLOTS - 1 if i == len(self.primaries) - 1 else (i + 1) * share - 1
            command(self.client(i), "CLUSTER", "ADDSLOTSRANGE", i * share, last)
        for server in self.primaries[1:] + self.replicas:
            command(self.client(0), "CLUSTER", "MEET", "127.0.0.1", server.port)
        self.wait_ok(replicas_as_primaries=True)
        if self.replicas:
            primary = self.node_id(self.primaries[0])
            for replica in self.replicas:
                command(self.client(replica), "CLUSTER", "REPLICATE", primary)
            self.wait_ok()

    def wait_ok(self, *, replicas_as_primaries: bool = False) -> None:
        """Until every node says ``cluster_state:ok``, sees every node in its role and each
        replica is in sync with its primary."""
        deadline = time.monotonic() + WAIT_S
        roles = {n.port: "master" for n in self.primaries}
        roles |= {n.port: "master" if replicas_as_primaries else "slave" for n in self.replicas}
        nodes = self.primaries + self.replicas
        while True:
            infos = [command(self.client(n), "CLUSTER", "INFO").decode() for n in nodes]
            synced = replicas_as_primaries or all(
                self.client(r).info("replication").get("master_link_status") == "up"
                for r in self.replicas
            )
            if (
                synced
                and all("cluster_state:ok" in info for info in infos)
                and all(self._roles(n) == roles for n in nodes)
            ):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"the cluster did not settle: {infos}")
            time.sleep(0.05)

    def _roles(self, server: RedisServer) -> dict[int, str]:
        """What ``server`` thinks each node is: ``{port: "master" | "slave"}``."""
        roles = {}
        for line in command(self.client(server), "CLUSTER", "NODES").decode().splitlines():
            _, address, flags, *_ = line.split()
            port = int(address.split("@")[0].rsplit(":", 1)[1])
            roles[port] = "slave" if "slave" in flags.split(",") else "master"
        return roles

    def failover(self) -> None:
        """``CLUSTER FAILOVER`` on replica 0: it becomes primary 0 (the old one its replica)
        once every node agrees."""
        replica = self.replicas[0]
        command(self.client(replica), "CLUSTER", "FAILOVER")
        self.primaries[0], self.replicas[0] = replica, self.primaries[0]
        self.wait_ok()

    def crash_primary(self) -> RedisServer:
        """SIGKILL primary 0 and wait until its replica is promoted (the cluster's own failover:
        a node timeout of 1 s, then an election). The killed node, now listed as the replica, is
        returned stopped: ``start()`` it from the main thread (a node's death signal follows the
        thread that started it, so one started in ``to_thread`` dies with that worker), then
        ``wait_ok()`` while it rejoins empty as the new primary's replica."""
        old, replica = self.primaries[0], self.replicas[0]
        old.kill()
        self._clients.pop(old.port).close()
        deadline = time.monotonic() + WAIT_S
        while self.client(replica).info("replication").get("role") != "master":
            if time.monotonic() > deadline:
                raise RuntimeError("the replica was not promoted")
            time.sleep(0.05)
        self.primaries[0], self.replicas[0] = replica, old
        return old

    def slot(self, key: bytes | str) -> int:
        return int(command(self.client(0), "CLUSTER", "KEYSLOT", key))

    def owner(self, key: bytes | str) -> int:
        """The index of the primary that serves ``key``'s slot."""
        slot = self.slot(key)
        for start, end, primary, *_ in command(self.client(0), "CLUSTER", "SLOTS"):
            if start <= slot <= end:
                port = primary[1]
                return next(i for i, n in enumerate(self.primaries) if n.port == port)
        raise LookupError(slot)

    def migrate(self, key: bytes | str, to: int) -> None:
        """Move ``key``'s slot (and the key) from its primary to primary ``to``."""
        slot, source = self.slot(key), self.owner(key)
        source_id = self.node_id(self.primaries[source])
        target_id = self.node_id(self.primaries[to])
        command(self.client(to), "CLUSTER", "SETSLOT", slot, "IMPORTING", source_id)
        command(self.client(source), "CLUSTER", "SETSLOT", slot, "MIGRATING", target_id)
        while keys := command(self.client(source), "CLUSTER", "GETKEYSINSLOT", slot, 100):
            command(self.client(source),
                "MIGRATE", "127.0.0.1", self.primaries[to].port, "", 0, 5000,
                "AUTH", self.password, "KEYS", *keys,
            )  # fmt: skip
        for i in range(len(self.primaries)):
            command(self.client(i), "CLUSTER", "SETSLOT", slot, "NODE", target_id)

    def stop(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()
        for server in self.primaries + self.replicas:
            server.close()

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
