"""``RedisStreamsBroker``: the ``EventBroker`` on Redis Streams, byte-compatible with the arena.

The keys and bytes are the arena's (``wire-format.md``): ``keys`` holds the layout, ``codec``
the fields, ``scripts`` the atomic publish. The clients and how every command is awaited live in
``connection``, the listing in ``listing``, the blocking tail in ``tail``; every redis-py error
becomes a ``BrokerError`` in ``errors``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from arena_tui.broker import codec
from arena_tui.broker.errors import BrokerConfigError, RunNotFoundError, mask_url, url_display
from arena_tui.broker.models import Envelope, Event, ReadResult, RunInfo, RunMeta, Seq
from arena_tui.broker.protocol import DEFAULT_STALE_AFTER, Direction
from arena_tui.broker.redis.cluster import PUBLISH_NOTE
from arena_tui.broker.redis.connection import Connections
from arena_tui.broker.redis.keys import OPEN_TTL_S, KeyLayout, RunKeys
from arena_tui.broker.redis.listing import RunLister
from arena_tui.broker.redis.replies import decode
from arena_tui.broker.redis.scripts import PUBLISH_MANY, PUBLISH_ONE
from arena_tui.broker.redis.summary import int_or_zero
from arena_tui.broker.redis.tail import stream_batches


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
        username: str | None = None,
    ) -> None:
        """``username`` is used when the URL names none (``REDIS_USERNAME``)."""
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
        self._conns = Connections(
            url,
            socket_timeout=socket_timeout,
            connect_timeout=connect_timeout,
            command_retries=command_retries,
            max_connections=max_connections,
            username=username,
        )
        self._layout = KeyLayout(key_prefix)
        self._lister = RunLister(self._conns, self._layout)
        self._publish_one = self._conns.publisher.register_script(PUBLISH_ONE)
        self._publish_many = self._conns.publisher.register_script(PUBLISH_MANY)

    def __repr__(self) -> str:
        return (
            f"RedisStreamsBroker(url={mask_url(self._url)!r}, "
            f"key_prefix={self.key_prefix!r}, max_len={self.max_len})"
        )

    @property
    def description(self) -> str:
        return url_display(self._url)

    @property
    def _client(self) -> Any:
        """The shared client of the moment (standalone, or cluster once detected)."""
        return self._conns.client

    def keys(self, run_id: str) -> RunKeys:
        return self._layout.keys(run_id)

    # -- producer side --------------------------------------------------------------------

    async def open_run(self, run_id: str, meta: RunMeta | None = None) -> None:
        await self._conns.ready()
        await self._conns.call(
            self._conns.client.set(self.keys(run_id).open, codec.encode_meta(meta), ex=OPEN_TTL_S)
        )
        self._lister.forget(run_id)
        if meta is not None:
            self._lister.meta_seen[run_id] = meta

    async def publish(self, run_id: str, event: Event) -> Seq:
        await self._conns.ready()
        if self._conns.is_cluster:
            (seq,) = await self._publish_in_two_steps(run_id, [event])
            return seq
        keys = self.keys(run_id)
        args: list[bytes | int] = [self.max_len]
        for name, value in codec.encode_event(event).items():
            args += (name, value)
        seq = await self._conns.call(self._publish_one(keys=[keys.seq, keys.events], args=args))
        return int(seq)

    async def publish_many(self, run_id: str, events: Sequence[Event]) -> list[Seq]:
        if not events:
            return []
        await self._conns.ready()
        if self._conns.is_cluster:
            return await self._publish_in_two_steps(run_id, events)
        keys = self.keys(run_id)
        args: list[bytes | int] = [self.max_len, 2 * len(codec.FIELD_ORDER)]
        for event in events:
            for name, value in codec.encode_event(event).items():
                args += (name, value)
        script = self._publish_many(keys=[keys.seq, keys.events], args=args)
        first = int(await self._conns.call(script))
        return list(range(first, first + len(events)))

    async def _publish_in_two_steps(self, run_id: str, events: Sequence[Event]) -> list[Seq]:
        """The arena's publish, for a cluster: ``INCRBY :seq n``, then the XADDs (``cluster``)."""
        keys = self.keys(run_id)
        last = int(await self._conns.call(self._conns.publisher.incrby(keys.seq, len(events))))
        first = last - len(events) + 1
        pipe = self._conns.publisher.pipeline(transaction=False)
        for seq, event in enumerate(events, start=first):
            fields: Any = codec.encode_event(event)
            pipe.xadd(
                keys.events, fields, id=codec.entry_id(seq), maxlen=self.max_len, approximate=True
            )
        await self._conns.call(pipe.execute())
        return list(range(first, last + 1))

    @property
    def publish_note(self) -> str | None:
        """How publishing differs from the atomic default here, once known (else ``None``)."""
        return PUBLISH_NOTE if self._conns.is_cluster else None

    async def close_run(self, run_id: str) -> None:
        await self._conns.ready()
        await self._conns.call(self._conns.client.delete(self.keys(run_id).open))

    async def reap(self, run_id: str) -> None:
        await self._conns.ready()
        keys = self.keys(run_id)
        await self._conns.call(self._conns.client.delete(keys.open, keys.seq, keys.events))
        self._lister.forget(run_id)
        self._lister.meta_seen.pop(run_id, None)

    async def flush(self) -> None:
        """Nothing is queued: every write has reached Redis when its coroutine returns."""
        self._conns.check_open()

    # -- liveness -------------------------------------------------------------------------

    async def is_open(self, run_id: str) -> bool:
        await self._conns.ready()
        return bool(await self._conns.call(self._conns.client.exists(self.keys(run_id).open)))

    async def is_open_remote(self, run_id: str) -> bool:
        return await self.is_open(run_id)

    async def live_runs(self) -> list[str]:
        return await self._lister.live_runs()

    # -- viewer side ----------------------------------------------------------------------

    async def list_runs(self, *, stale_after: float = DEFAULT_STALE_AFTER) -> list[RunInfo]:
        return await self._lister.list_runs(stale_after=stale_after)

    async def read_range(
        self,
        run_id: str,
        from_seq: Seq,
        *,
        count: int = 200,
        direction: Direction = "forward",
    ) -> ReadResult:
        """One pipeline: sentinel, counter, both ends of the stream and the range itself."""
        await self._conns.ready()
        keys = self.keys(run_id)
        pipe = self._conns.client.pipeline(transaction=False)
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
        is_open, seq_raw, head, tail, entries = await self._conns.call(pipe.execute())
        if not is_open and seq_raw is None and not head:
            raise RunNotFoundError(run_id, f"no keys under {self.key_prefix}:run:")
        last_seq = max(int_or_zero(seq_raw), codec.parse_entry_id(tail[0][0])[0] if tail else 0)
        if direction == "backward":
            entries = entries[::-1]
            if requested <= 0:
                requested = last_seq
        return ReadResult(
            run_id=run_id,
            requested=requested,
            envelopes=tuple(decode(entries)),
            available_from=codec.parse_entry_id(head[0][0])[0] if head else 0,
            last_seq=last_seq,
            is_open=bool(is_open),
        )

    async def stream(self, run_id: str, from_seq: Seq = 0) -> AsyncIterator[Envelope]:
        async for batch in self.stream_batches(run_id, from_seq):
            for envelope in batch:
                yield envelope

    def stream_batches(
        self, run_id: str, from_seq: Seq = 0, *, max_batch: int = 1000
    ) -> AsyncIterator[Sequence[Envelope]]:
        return stream_batches(
            self._conns,
            self._layout,
            run_id,
            from_seq,
            max_batch=max_batch,
            block_ms=self.block_ms,
        )

    async def aclose(self) -> None:
        """End every stream and close all connections. Idempotent (see ``Connections``)."""
        if self._conns.closed:
            return
        await self._conns.aclose(2 * self.block_ms / 1000 + 1.0)
