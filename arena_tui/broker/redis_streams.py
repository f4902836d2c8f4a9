"""The Redis Streams backend, byte-compatible with the arena's broker (``wire-format.md``).

Three clients, each with one job:

* ``_client`` (a pool) for ordinary commands: reads, listing, the ``:open`` sentinel. It retries
  transient connection errors once, never an authentication error (see ``_redis_errors``).
* ``_publisher`` (a pool) runs the atomic publish scripts with **no** retry: a script re-sent
  after a lost reply would publish the events twice, so a failed publish surfaces as
  ``BrokerUnavailableError`` and the producer decides. (Stale pooled sockets are still replaced
  before use: redis-py checks a connection for EOF when it leaves the pool.)
* every active ``stream`` gets a private single-connection client for its blocking XREADs
  (``BLOCK block_ms``, far below ``socket_timeout``) and its head probes. It never retries:
  a tail silently reconnected by redis-py to a server restarted without persistence would wait
  at its old cursor for a seq that now means another event. A lost connection surfaces as
  ``BrokerUnavailableError`` and ``follow`` reconnects, checking the run was not reset.
  Cancelling a stream, or ``aclose()`` on it, can therefore only ever drop that private
  connection: the shared clients never see a half-read reply (redis-py #2624), and the finally
  block closes it.

A tail is a loop of bounded blocking reads with a stop flag, so ``aclose()`` ends every stream
within ``block_ms``. After an empty read it checks ``EXISTS :open``; when the run is closed it
reads once more (the producer's last events precede its close) and ends. Overflow: XREAD from a
trimmed cursor silently starts at the head, so the head is probed (``XRANGE - + COUNT 1``)
before the first read and whenever a read starts above the wanted seq; a head above the wanted
seq is an overflow, anything else is a hole and the envelopes carry the seq jump as they are.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import sys
from collections.abc import AsyncIterator, Awaitable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import redis.asyncio as aioredis
from redis.backoff import ExponentialWithJitterBackoff, NoBackoff

from arena_tui.broker import codec
from arena_tui.broker._listing import run_status, sort_runs
from arena_tui.broker._redis_errors import NoAuthRetry, translate_errors
from arena_tui.broker._redis_url import parse_redis_url
from arena_tui.broker._scripts import (
    PUBLISH_MANY,
    PUBLISH_ONE,
    RUN_SUMMARIES,
    RUN_SUMMARY_WIDTH,
)
from arena_tui.broker.errors import (
    BrokerClosedError,
    BrokerConfigError,
    BrokerOverflowError,
    RunNotFoundError,
    mask_url,
    url_display,
)
from arena_tui.broker.models import Envelope, Event, ReadResult, RunInfo, RunMeta, Seq
from arena_tui.broker.protocol import DEFAULT_STALE_AFTER, Direction

T = TypeVar("T")
_Entry = tuple[bytes, dict[bytes, bytes]]
"""One stream entry as redis-py returns it with RESP2 and bytes replies."""

OPEN_TTL_S = 21_600
"""The ``:open`` sentinel's TTL: 6 h, set at open and never renewed."""
_SUFFIXES = (b":open", b":seq", b":events")
_GLOB_SPECIAL = b"\\*?[]"
_SCAN_COUNT = 1000
_LIST_CHUNK = 500
"""Runs per ``RUN_SUMMARIES`` call: bounds how long one call blocks the server (a few ms)."""


def glob_escape(raw: bytes) -> bytes:
    """Escape ``\\ * ? [ ]`` so ``raw`` matches only itself in a SCAN MATCH pattern."""
    out = bytearray()
    for byte in raw:
        if byte in _GLOB_SPECIAL:
            out += b"\\"
        out.append(byte)
    return bytes(out)


def _encode_id(run_id: str) -> bytes:
    return run_id.encode("utf-8", "surrogateescape")


def _decode_id(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


@dataclass(frozen=True, slots=True)
class RunKeys:
    """The three keys of one run."""

    open: bytes
    seq: bytes
    events: bytes


class RedisStreamsBroker:
    """``EventBroker`` on Redis Streams, sharing keys and bytes with the arena's producers."""

    def __init__(
        self,
        url: str,
        *,
        key_prefix: str = "arena",
        max_len: int = 10_000,
        block_ms: int = 100,
        socket_timeout: float = 5.0,
        connect_timeout: float = 2.0,
        command_retries: int = 1,
        max_connections: int = 50,
    ) -> None:
        if max_len < 1:
            raise BrokerConfigError(f"max_len must be at least 1, got {max_len}")
        if not 0 < block_ms / 1000 <= socket_timeout / 2:
            raise BrokerConfigError(
                f"block_ms={block_ms} must be positive and at most half of "
                f"socket_timeout={socket_timeout}s, or redis-py re-sends the blocking read"
            )
        self._url = url
        self.key_prefix = key_prefix
        self.max_len = max_len
        self.block_ms = block_ms
        address = parse_redis_url(url)
        self._conn_kwargs: dict[str, Any] = {
            "host": address.host,
            "port": address.port,
            "db": address.db,
            "username": address.username,
            "password": address.password,
            "ssl": address.ssl,
            "socket_timeout": socket_timeout,
            "socket_connect_timeout": connect_timeout,
            "decode_responses": False,
            "protocol": 2,
        }
        backoff = ExponentialWithJitterBackoff(base=0.05, cap=0.5)
        self._client = aioredis.Redis(
            **self._conn_kwargs,
            retry=NoAuthRetry(backoff, command_retries),
            max_connections=max_connections,
        )
        self._publisher = aioredis.Redis(
            **self._conn_kwargs, retry=NoAuthRetry(NoBackoff(), 0), max_connections=4
        )
        self._publish_one = self._publisher.register_script(PUBLISH_ONE)
        self._publish_many = self._publisher.register_script(PUBLISH_MANY)
        self._run_summaries = self._client.register_script(RUN_SUMMARIES)
        self._run_head = _encode_id(key_prefix) + b":run:"
        self._readers: set[_Reader] = set()
        self._meta_seen: dict[str, RunMeta] = {}
        self._closed = False

    def __repr__(self) -> str:
        return (
            f"RedisStreamsBroker(url={mask_url(self._url)!r}, "
            f"key_prefix={self.key_prefix!r}, max_len={self.max_len})"
        )

    @property
    def description(self) -> str:
        return url_display(self._url)

    # -- plumbing -------------------------------------------------------------------------

    def keys(self, run_id: str) -> RunKeys:
        base = self._run_head + _encode_id(run_id)
        return RunKeys(open=base + b":open", seq=base + b":seq", events=base + b":events")

    def _run_id_of(self, key: bytes) -> tuple[str, bytes] | None:
        """``(run_id, suffix)`` of one of our keys: cut the fixed head and tail, never split."""
        if not key.startswith(self._run_head):
            return None
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and len(key) > len(self._run_head) + len(suffix):
                return _decode_id(key[len(self._run_head) : -len(suffix)]), suffix
        return None

    async def _call(self, awaitable: Awaitable[T]) -> T:
        """Await one command on the shared clients, errors translated (see ``_Reader.call``)."""
        if self._closed:
            if inspect.iscoroutine(awaitable):
                awaitable.close()  # never started: do not leave it to warn "never awaited"
            raise BrokerClosedError(f"the broker for {self.description} was closed")
        with translate_errors(self._url):
            result = await awaitable
        _raise_swallowed_cancel()
        return result

    async def _scan(self, pattern: bytes) -> list[bytes]:
        async def collect() -> list[bytes]:
            return [key async for key in self._client.scan_iter(match=pattern, count=_SCAN_COUNT)]

        return await self._call(collect())

    # -- producer side --------------------------------------------------------------------

    async def open_run(self, run_id: str, meta: RunMeta | None = None) -> None:
        await self._call(
            self._client.set(self.keys(run_id).open, codec.encode_meta(meta), ex=OPEN_TTL_S)
        )
        if meta is not None:
            self._meta_seen[run_id] = meta

    async def publish(self, run_id: str, event: Event) -> Seq:
        keys = self.keys(run_id)
        args: list[bytes | int] = [self.max_len]
        for name, value in codec.encode_event(event).items():
            args += (name, value)
        seq = await self._call(self._publish_one(keys=[keys.seq, keys.events], args=args))
        return int(seq)

    async def publish_many(self, run_id: str, events: Sequence[Event]) -> list[Seq]:
        if not events:
            return []
        keys = self.keys(run_id)
        args: list[bytes | int] = [self.max_len, 2 * len(codec.FIELD_ORDER)]
        for event in events:
            for name, value in codec.encode_event(event).items():
                args += (name, value)
        first = int(await self._call(self._publish_many(keys=[keys.seq, keys.events], args=args)))
        return list(range(first, first + len(events)))

    async def close_run(self, run_id: str) -> None:
        await self._call(self._client.delete(self.keys(run_id).open))

    async def reap(self, run_id: str) -> None:
        keys = self.keys(run_id)
        await self._call(self._client.delete(keys.open, keys.seq, keys.events))
        self._meta_seen.pop(run_id, None)

    async def flush(self) -> None:
        """Nothing is queued: every write has reached Redis when its coroutine returns."""
        if self._closed:
            raise BrokerClosedError(f"the broker for {self.description} was closed")

    # -- liveness -------------------------------------------------------------------------

    async def is_open(self, run_id: str) -> bool:
        return bool(await self._call(self._client.exists(self.keys(run_id).open)))

    async def is_open_remote(self, run_id: str) -> bool:
        return await self.is_open(run_id)

    async def live_runs(self) -> list[str]:
        pattern = glob_escape(self._run_head) + b"*:open"
        ids = {found[0] for key in await self._scan(pattern) if (found := self._run_id_of(key))}
        return sorted(ids)

    # -- viewer side ----------------------------------------------------------------------

    async def list_runs(self, *, stale_after: float = DEFAULT_STALE_AFTER) -> list[RunInfo]:
        """One SCAN, then one pipeline of ``RUN_SUMMARIES`` calls, ``_LIST_CHUNK`` runs each.

        The ``:open`` sentinel, and with it the label, is deleted at close; labels this broker
        has seen (at ``open_run`` or in an earlier listing) are remembered for finished runs.
        """
        ids = sorted(
            {found[0] for key in await self._scan(glob_escape(self._run_head) + b"*")
             if (found := self._run_id_of(key))}
        )  # fmt: skip
        if not ids:
            return []
        pipe = self._client.pipeline(transaction=False)
        for start in range(0, len(ids), _LIST_CHUNK):
            keys: list[bytes] = []
            for run_id in ids[start : start + _LIST_CHUNK]:
                run_keys = self.keys(run_id)
                keys += (run_keys.open, run_keys.seq, run_keys.events)
            await self._run_summaries(keys=keys, client=pipe)  # queued, sent by execute()
        replies: list[list[Any]] = await self._call(pipe.execute())
        now = datetime.now(UTC)
        infos = []
        run_ids = iter(ids)
        for reply in replies:
            for i in range(0, len(reply), RUN_SUMMARY_WIDTH):
                summary = reply[i : i + RUN_SUMMARY_WIDTH]
                infos.append(self._run_info(next(run_ids), summary, now, stale_after))
        return sort_runs(infos)

    def _run_info(
        self, run_id: str, summary: Sequence[Any], now: datetime, stale_after: float
    ) -> RunInfo:
        """One run's ``RunInfo`` from its ``RUN_SUMMARIES`` values."""
        sentinel, pttl, seq_raw, length, first_id, last_id, last_ts = summary
        is_open = sentinel is not None
        meta = codec.decode_meta(sentinel) if is_open else RunMeta()
        if is_open and (meta.label or meta.started_at):
            self._meta_seen[run_id] = meta
        elif not is_open:
            meta = self._meta_seen.get(run_id, meta)
        first_seq = codec.parse_entry_id(first_id)[0] if first_id is not None else 0
        last_entry_seq = codec.parse_entry_id(last_id)[0] if last_id is not None else 0
        last_seq = max(_int(seq_raw), last_entry_seq)
        last_event_at = codec.decode_ts(last_ts)
        opened_at = None
        if is_open and pttl > 0:
            opened_at = now - timedelta(milliseconds=OPEN_TTL_S * 1000 - pttl)
        status = run_status(
            is_open=is_open,
            last_activity=last_event_at or meta.started_at or opened_at,
            now=now,
            stale_after=stale_after,
        )
        return RunInfo(
            run_id=run_id,
            meta=meta,
            status=status,
            n_events=int(length),
            last_seq=last_seq,
            first_seq=first_seq,
            last_event_at=last_event_at,
        )

    async def read_range(
        self,
        run_id: str,
        from_seq: Seq,
        *,
        count: int = 200,
        direction: Direction = "forward",
    ) -> ReadResult:
        """One pipeline: sentinel, counter, both ends of the stream and the range itself."""
        keys = self.keys(run_id)
        pipe = self._client.pipeline(transaction=False)
        pipe.exists(keys.open)
        pipe.get(keys.seq)
        pipe.xrange(keys.events, "-", "+", count=1)
        pipe.xrevrange(keys.events, "+", "-", count=1)
        if direction == "forward":
            requested = max(from_seq, 1)
            pipe.xrange(keys.events, codec.entry_id(requested), "+", count=count)
        else:
            requested = from_seq
            top = codec.entry_id(from_seq) if from_seq > 0 else "+"
            pipe.xrevrange(keys.events, top, "-", count=count)
        is_open, seq_raw, head, tail, entries = await self._call(pipe.execute())
        if not is_open and seq_raw is None and not head:
            raise RunNotFoundError(run_id, f"no keys under {self.key_prefix}:run:")
        last_seq = max(_int(seq_raw), codec.parse_entry_id(tail[0][0])[0] if tail else 0)
        if direction == "backward":
            entries = entries[::-1]
            if requested <= 0:
                requested = last_seq
        return ReadResult(
            run_id=run_id,
            requested=requested,
            envelopes=tuple(codec.decode_entry(raw_id, fields) for raw_id, fields in entries),
            first_available=codec.parse_entry_id(head[0][0])[0] if head else 0,
            last_seq=last_seq,
            is_open=bool(is_open),
        )

    async def stream(self, run_id: str, from_seq: Seq = 0) -> AsyncIterator[Envelope]:
        async for batch in self.stream_batches(run_id, from_seq):
            for envelope in batch:
                yield envelope

    async def stream_batches(
        self, run_id: str, from_seq: Seq = 0, *, max_batch: int = 1000
    ) -> AsyncIterator[Sequence[Envelope]]:
        keys = self.keys(run_id)
        wanted = max(from_seq, 1)
        async with self._reader() as reader:
            exists: int = await reader.call(reader.client.exists(keys.open, keys.seq, keys.events))
            if not exists:
                raise RunNotFoundError(run_id, f"no keys under {self.key_prefix}:run:")
            await self._check_head(reader, run_id, keys, wanted)
            cursor = codec.entry_id(wanted - 1)
            while not self._closed:
                xread = reader.client.xread
                reply: Any = await reader.call(
                    xread({keys.events: cursor}, count=max_batch, block=self.block_ms)
                )
                if not reply:
                    if self._closed or await reader.call(reader.client.exists(keys.open)):
                        continue
                    # closed: whatever was published before the close is in the stream by now
                    reply = await reader.call(xread({keys.events: cursor}, count=max_batch))
                    if not reply:
                        return
                if self._closed:
                    return
                entries: list[_Entry] = reply[0][1]
                if codec.parse_entry_id(entries[0][0])[0] > wanted:
                    await self._check_head(reader, run_id, keys, wanted)
                batch = [codec.decode_entry(raw_id, fields) for raw_id, fields in entries]
                # the cursor is the last id read, never one rebuilt from its seq: after a
                # foreign "5-1" entry, "5-0" would return that entry again, for ever
                cursor, wanted = entries[-1][0], max(wanted, batch[-1].seq + 1)
                yield batch

    @staticmethod
    async def _check_head(reader: _Reader, run_id: str, keys: RunKeys, wanted: Seq) -> None:
        """Raise ``BrokerOverflowError`` if the stream's first entry is above ``wanted``."""
        head: list[_Entry] = await reader.call(reader.client.xrange(keys.events, "-", "+", count=1))
        if head:
            first = codec.parse_entry_id(head[0][0])[0]
            if first > wanted:
                raise BrokerOverflowError(run_id, wanted, first)

    @asynccontextmanager
    async def _reader(self) -> AsyncIterator[_Reader]:
        """A private single-connection client for one stream, always closed on exit."""
        if self._closed:
            raise BrokerClosedError(f"the broker for {self.description} was closed")
        client = aioredis.Redis(
            **self._conn_kwargs, retry=NoAuthRetry(NoBackoff(), 0), single_connection_client=True
        )
        reader = _Reader(client, self._url)
        self._readers.add(reader)
        try:
            yield reader
        finally:
            self._readers.discard(reader)
            await asyncio.shield(client.aclose())

    async def aclose(self) -> None:
        """End every stream and close all connections. Idempotent.

        A stream inside a blocking read notices the stop flag within ``block_ms``; its reply
        is awaited (never cut off) before its connection is closed. A stream whose consumer is
        not iterating is idle, and its connection is closed at once.
        """
        if self._closed:
            return
        self._closed = True
        readers = list(self._readers)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(2 * self.block_ms / 1000 + 1.0):
                for reader in readers:
                    await reader.idle.wait()
        for reader in readers:
            await reader.client.aclose()
        await self._publisher.aclose()
        await self._client.aclose()


class _Reader:
    """One stream's private client, and whether a command is in flight on it."""

    __slots__ = ("_url", "client", "idle")

    def __init__(self, client: aioredis.Redis, url: str) -> None:
        self.client = client
        self.idle = asyncio.Event()
        self.idle.set()
        self._url = url

    async def call(self, awaitable: Awaitable[Any]) -> Any:
        """Await one command on this stream's connection, errors translated.

        The command runs in its own task and a cancellation of the caller is honoured at once:
        redis-py would swallow one that lands while it sends (``_raise_swallowed_cancel``) and
        only re-raise it after the blocking read's ``block_ms``. The abandoned command finishes
        (or fails) on this private connection, which the stream closes on its way out.
        """
        self.idle.clear()
        command = asyncio.ensure_future(self._translated(awaitable))
        command.add_done_callback(self._done)
        return await asyncio.shield(command)

    async def _translated(self, awaitable: Awaitable[Any]) -> Any:
        with translate_errors(self._url):
            return await awaitable

    def _done(self, command: asyncio.Future[Any]) -> None:
        self.idle.set()
        if not command.cancelled():
            command.exception()  # retrieved: an abandoned command's failure is not news


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


def _int(raw: bytes | None) -> int:
    try:
        return int(raw) if raw is not None else 0
    except ValueError:
        return 0
