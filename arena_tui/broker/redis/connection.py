"""The backend's Redis clients, each with one job, and the one way every command is awaited.

* ``client`` (a pool) for ordinary commands: reads, listing, the ``:open`` sentinel. It retries
  transient connection errors once, never an authentication error (see ``errors``).
* ``publisher`` (a pool) runs the atomic publish scripts with **no** retry: a script re-sent
  after a lost reply would publish the events twice, so a failed publish surfaces as
  ``BrokerUnavailableError`` and the producer decides. (Stale pooled sockets are still replaced
  before use: redis-py checks a connection for EOF when it leaves the pool.)
On a Redis Cluster (``ready()`` asks the node once) the shared clients are redis-py's cluster
client instead, and each tail gets a private one: see ``cluster``.

* every active tail gets a private single-connection client (``reader()``) for its blocking
  XREADs and its head probes. It never retries: a tail silently reconnected by redis-py to a
  server restarted without persistence would wait at its old cursor for a seq that now means
  another event. A lost connection surfaces as ``BrokerUnavailableError`` and ``follow``
  reconnects, checking the run was not reset. Cancelling a tail can therefore only ever drop
  that private connection: the shared clients never see a half-read reply (redis-py #2624).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import sys
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import redis.asyncio as aioredis
from redis import exceptions as rex
from redis.backoff import ExponentialWithJitterBackoff, NoBackoff

from arena_tui.broker.errors import (
    BrokerClosedError,
    BrokerPermissionError,
    url_display,
)
from arena_tui.broker.redis import bulk
from arena_tui.broker.redis.bulk import Command
from arena_tui.broker.redis.cluster import close_client, cluster_client
from arena_tui.broker.redis.diagnose import diagnose
from arena_tui.broker.redis.errors import (
    NoAuthRetry,
    SuspectTLS,
    translate_errors,
)
from arena_tui.broker.redis.replies import keep_raw
from arena_tui.broker.redis.url import RedisAddress, parse_redis_url

T = TypeVar("T")

MGET_BATCH = 100
"""Keys per MGET: a short command (well under a millisecond of server time)."""


class Connections:
    """The shared clients of one broker, the tails' private ones, and whether it was closed."""

    def __init__(
        self,
        url: str,
        *,
        socket_timeout: float,
        connect_timeout: float,
        command_retries: int,
        max_connections: int,
        username: str | None = None,
    ) -> None:
        self.url = url
        self.address = address = parse_redis_url(url)
        self.user = address.username or username
        self.kwargs: dict[str, Any] = {
            "host": address.host,
            "port": address.port,
            "db": address.db,
            "username": self.user,
            "password": address.password,
            "ssl": address.ssl,
            **address.tls,
            "socket_timeout": socket_timeout,
            "socket_connect_timeout": connect_timeout,
            "decode_responses": False,
            "protocol": 2,
        }
        self._retry = NoAuthRetry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), command_retries)
        self._max_connections = max_connections
        self.client: Any = keep_raw(
            aioredis.Redis(**self.kwargs, retry=self._retry, max_connections=max_connections)
        )
        """``redis.asyncio.Redis``, or ``RedisCluster`` once ``ready()`` found a cluster."""
        self.publisher: Any = aioredis.Redis(
            **self.kwargs, retry=NoAuthRetry(NoBackoff(), 0), max_connections=4
        )
        self.is_cluster = False
        self._mode_known = False
        self.readers: set[Reader] = set()
        self.closed = False

    async def ready(self) -> None:
        """Find out, once, whether the URL names a Redis Cluster node, and if so read and write
        through redis-py's cluster client from then on (``cluster``). Call before building a
        command. A user refused ``INFO`` (the README's viewer line) is taken as standalone."""
        if self._mode_known:
            return
        try:
            info = await self.call(self.client.info("cluster"))
        except BrokerPermissionError:
            info = {}
        if not self._mode_known:  # another task may have switched meanwhile
            self._mode_known = True
            if str(info.get("cluster_enabled", "0")) == "1":
                await self._become_cluster()

    async def _become_cluster(self) -> None:
        old = (self.client, self.publisher)
        self.client = keep_raw(
            cluster_client(
                self.kwargs, self.url, retry=self._retry, max_connections=self._max_connections
            )
        )
        self.publisher = cluster_client(
            self.kwargs, self.url, retry=NoAuthRetry(NoBackoff(), 0), max_connections=4
        )
        self.is_cluster = True
        for client in old:
            await client.aclose()

    def check_open(self) -> None:
        if self.closed:
            raise BrokerClosedError(f"the broker for {url_display(self.url)} was closed")

    async def call(self, awaitable: Awaitable[T]) -> T:
        """Await one command on the shared clients, errors translated (see ``Reader.call``)."""
        if self.closed:
            if inspect.iscoroutine(awaitable):
                awaitable.close()  # never started: do not leave it to warn "never awaited"
            self.check_open()
        try:
            with translate_errors(self.url, self.user):
                result = await awaitable
        except SuspectTLS as exc:
            raise await diagnose(exc, self.address, self.url) from exc.__cause__
        _raise_swallowed_cancel()
        return result

    async def get_many(self, keys: list[bytes]) -> list[bytes | None]:
        """The values of ``keys`` (``None`` where missing), in ``MGET``s of ``MGET_BATCH``."""
        return self.values_of(await self.read_many(self.get_commands(keys)))

    def get_commands(self, keys: list[bytes]) -> list[Command]:
        """The reads of ``keys``: ``MGET``s of ``MGET_BATCH``, or on a cluster (the keys sit in
        many slots) one GET each. ``values_of`` turns their replies into the values."""
        if self.is_cluster:
            return [("GET", key) for key in keys]
        return [("MGET", *keys[i : i + MGET_BATCH]) for i in range(0, len(keys), MGET_BATCH)]

    def values_of(self, replies: list[Any]) -> list[bytes | None]:
        if self.is_cluster:
            return replies
        return [value for reply in replies for value in reply]

    async def read_many(self, commands: list[Command]) -> list[Any]:
        """The raw replies of many reads, in order (``bulk``; a pipeline on a cluster). The
        first error reply is raised, translated, but for a missing stream's ``XINFO`` (the
        run was reaped since it was listed), which reads as ``None``."""
        if self.is_cluster:
            pipe = self.client.pipeline(transaction=False)
            for name, *args in commands:
                pipe.execute_command(name, *args)
            pending = pipe.execute(raise_on_error=False)
        else:
            timeout = self.kwargs["socket_timeout"]
            pending = self._retry.call_with_retry(
                lambda: bulk.read_many(self.client, commands, timeout), _no_cleanup
            )
        replies: list[Any] = await self.call(pending)
        for i, reply in enumerate(replies):
            if isinstance(reply, Exception):
                if isinstance(reply, rex.ResponseError) and str(reply) == "no such key":
                    replies[i] = None
                    continue
                with translate_errors(self.url, self.user):
                    raise reply
        return replies

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[Reader]:
        """A private single-connection client for one tail, always closed on exit."""
        self.check_open()
        client: Any
        if self.is_cluster:  # follows MOVED/ASK itself; a failover ends the tail for follow()
            client = cluster_client(self.kwargs, self.url, retry=NoAuthRetry(NoBackoff(), 0))
        else:
            client = aioredis.Redis(
                **self.kwargs, retry=NoAuthRetry(NoBackoff(), 0), single_connection_client=True
            )
        reader = Reader(keep_raw(client), self.url, self.address, self.user)
        self.readers.add(reader)
        try:
            yield reader
        finally:
            self.readers.discard(reader)
            await asyncio.shield(close_client(client))

    async def aclose(self, grace_s: float) -> None:
        """Close every connection; a tail inside a blocking read gets ``grace_s`` to return.

        Its reply is awaited (never cut off) before its connection is closed. A tail whose
        consumer is not iterating is idle, and its connection is closed at once.
        """
        self.closed = True
        readers = list(self.readers)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(grace_s):
                for reader in readers:
                    await reader.idle.wait()
        for reader in readers:
            await close_client(reader.client)
        await close_client(self.publisher)
        await close_client(self.client)


class Reader:
    """One tail's private client, and whether a command is in flight on it."""

    __slots__ = ("_address", "_url", "_user", "client", "idle")

    def __init__(self, client: Any, url: str, address: RedisAddress, user: str | None) -> None:
        self.client = client
        self.idle = asyncio.Event()
        self.idle.set()
        self._url = url
        self._address = address
        self._user = user

    async def call(self, awaitable: Awaitable[Any]) -> Any:
        """Await one command on this tail's connection, errors translated.

        The command runs in its own task and a cancellation of the caller is honoured at once:
        redis-py would swallow one that lands while it sends (``_raise_swallowed_cancel``) and
        only re-raise it after the blocking read's ``block_ms``. The abandoned command finishes
        (or fails) on this private connection, which the tail closes on its way out.
        """
        self.idle.clear()
        command = asyncio.ensure_future(self._translated(awaitable))
        command.add_done_callback(self._done)
        return await asyncio.shield(command)

    async def _translated(self, awaitable: Awaitable[Any]) -> Any:
        try:
            with translate_errors(self._url, self._user):
                return await awaitable
        except SuspectTLS as exc:
            raise await diagnose(exc, self._address, self._url) from exc.__cause__

    def _done(self, command: asyncio.Future[Any]) -> None:
        self.idle.set()
        if not command.cancelled():
            command.exception()  # retrieved: an abandoned command's failure is not news


async def _no_cleanup(_error: Exception) -> None:
    """Nothing to undo between attempts: ``bulk`` has dropped the failed connection."""


def _raise_swallowed_cancel() -> None:
    """Re-raise a cancellation that redis-py swallowed.

    redis-py sends every command through ``asyncio.wait_for``, which on Python 3.11 returns the
    result and drops a cancellation that arrives just as the send completes (CPython gh-86296,
    fixed in 3.12). The command then completes as if nothing happened and a tail loop would
    run forever in state "cancelling". The task still counts the request, so honour it here.
    """
    if sys.version_info >= (3, 12):
        return
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
