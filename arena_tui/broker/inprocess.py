"""The in-process backend: the Redis contract without a server, for the app's demo and tests.

Each run is a bounded buffer of envelopes with the same semantics as the arena's Redis stream:
seqs start at 1, the oldest entries are trimmed beyond ``max_len``, a reader whose next wanted
seq was trimmed gets ``BrokerOverflowError`` from ``stream()``, and ``read_range`` returns the
trimming as data. Readers wait on one ``asyncio.Event`` per run that is set and replaced on every
change (publish, close, reap, aclose), so tailing costs nothing while idle and there is no
polling. Every waiting point is a plain ``Event.wait()``, so cancelling a reader is always safe.

Events are stored as given (no serialization), normalized the way a Redis round trip would
leave them: ``kind`` first in the payload and ``ts`` an aware UTC datetime (now, when unset).
Unlike Redis there are no holes, so the seqs of one run are consecutive.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from arena_tui.broker._listing import run_status, sort_runs
from arena_tui.broker.errors import BrokerClosedError, BrokerOverflowError, RunNotFoundError
from arena_tui.broker.models import Envelope, Event, ReadResult, RunInfo, RunMeta, Seq, fork_parent
from arena_tui.broker.protocol import DEFAULT_STALE_AFTER, Direction


class _Run:
    """One run: the retained entries, the counter, the ``:open`` flag and a change signal.

    ``_entries[_head:]`` are retained; trimmed entries are dropped from the list in amortized
    O(1) by compacting only once the dead prefix is as long as the retained part.
    """

    __slots__ = ("_changed", "_entries", "_head", "last_seq", "meta", "open", "opened_at", "parent")

    def __init__(self) -> None:
        self._entries: list[Envelope] = []
        self._head = 0
        self._changed = asyncio.Event()
        self.last_seq: Seq = 0
        self.open = False
        self.meta = RunMeta()
        self.opened_at: float | None = None
        self.parent: tuple[str, int] | None = None
        """A fork's parent link, from its first event (its ``fork`` event)."""

    @property
    def retained(self) -> int:
        return len(self._entries) - self._head

    @property
    def available_from(self) -> Seq:
        """First retained seq, 0 when nothing is retained."""
        return self._entries[self._head].seq if self.retained else 0

    @property
    def newest(self) -> Envelope | None:
        return self._entries[-1] if self.retained else None

    def append(self, event: Event, max_len: int) -> Seq:
        self.last_seq += 1
        self._entries.append(Envelope(seq=self.last_seq, event=event))
        if self.last_seq == 1:
            self.parent = fork_parent(event)
        excess = self.retained - max_len
        if excess > 0:
            self._head += excess
            if self._head >= self.retained:
                del self._entries[: self._head]
                self._head = 0
        return self.last_seq

    def slice(self, from_seq: Seq, count: int) -> list[Envelope]:
        """Up to ``count`` retained envelopes with seq >= ``from_seq`` (seqs are consecutive)."""
        if not self.retained:
            return []
        start = self._head + max(0, from_seq - self.available_from)
        return self._entries[start : start + count]

    def slice_back(self, to_seq: Seq, count: int) -> list[Envelope]:
        """Up to ``count`` retained envelopes with seq <= ``to_seq``, ascending."""
        if not self.retained or to_seq < self.available_from:
            return []
        stop = self._head + min(to_seq, self.last_seq) - self.available_from + 1
        return self._entries[max(self._head, stop - count) : stop]

    def notify(self) -> None:
        """Wake every reader waiting on this run."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def changed(self) -> None:
        """Wait for the next ``notify``. Check the state first: nothing is remembered."""
        await self._changed.wait()


def _normalize(event: Event) -> Event:
    """What a Redis round trip would give back: ``kind`` first in ``payload``, UTC ``ts``."""
    ts = event.ts if event.ts is not None else datetime.now(UTC)
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    payload = {"kind": event.kind, **{k: v for k, v in event.payload.items() if k != "kind"}}
    return replace(event, payload=payload, ts=ts.astimezone(UTC), t=int(event.t))


class InProcessBroker:
    """``EventBroker`` in this process's memory. Not thread-safe: use it from one event loop."""

    def __init__(self, max_len: int = 10_000) -> None:
        if max_len < 1:
            raise ValueError(f"max_len must be at least 1, got {max_len}")
        self.max_len = max_len
        self._runs: dict[str, _Run] = {}
        self._closed = False

    def __repr__(self) -> str:
        return f"InProcessBroker(max_len={self.max_len}, runs={len(self._runs)})"

    @property
    def description(self) -> str:
        return "in-process"

    def _check(self) -> None:
        if self._closed:
            raise BrokerClosedError("the in-process broker was closed; make a new one")

    def _run(self, run_id: str) -> _Run:
        run = self._runs.get(run_id)
        if run is None:
            run = self._runs[run_id] = _Run()
        return run

    # -- producer side --------------------------------------------------------------------

    async def open_run(self, run_id: str, meta: RunMeta | None = None) -> None:
        self._check()
        run = self._run(run_id)
        run.open = True
        run.meta = meta if meta is not None else RunMeta()
        run.opened_at = time.time()
        run.notify()

    async def publish(self, run_id: str, event: Event) -> Seq:
        self._check()
        run = self._run(run_id)
        seq = run.append(_normalize(event), self.max_len)
        run.notify()
        return seq

    async def publish_many(self, run_id: str, events: Sequence[Event]) -> list[Seq]:
        self._check()
        if not events:
            return []
        run = self._run(run_id)
        seqs = [run.append(_normalize(event), self.max_len) for event in events]
        run.notify()
        return seqs

    async def close_run(self, run_id: str) -> None:
        self._check()
        run = self._runs.get(run_id)
        if run is not None:
            run.open = False
            run.notify()

    async def reap(self, run_id: str) -> None:
        self._check()
        run = self._runs.pop(run_id, None)
        if run is not None:
            run.open = False
            run.notify()

    async def flush(self) -> None:
        """Nothing is queued: every write is done when its coroutine returns."""
        self._check()

    # -- liveness -------------------------------------------------------------------------

    async def is_open(self, run_id: str) -> bool:
        self._check()
        run = self._runs.get(run_id)
        return run is not None and run.open

    async def is_open_remote(self, run_id: str) -> bool:
        return await self.is_open(run_id)

    async def live_runs(self) -> list[str]:
        self._check()
        return sorted(run_id for run_id, run in self._runs.items() if run.open)

    # -- viewer side ----------------------------------------------------------------------

    async def list_runs(self, *, stale_after: float = DEFAULT_STALE_AFTER) -> list[RunInfo]:
        self._check()
        now = datetime.now(UTC)
        infos = []
        for run_id, run in self._runs.items():
            newest = run.newest
            last_event_at = newest.event.ts if newest is not None else None
            opened_at = datetime.fromtimestamp(run.opened_at, UTC) if run.opened_at else None
            status = run_status(
                is_open=run.open,
                last_activity=last_event_at or opened_at,
                now=now,
                stale_after=stale_after,
            )
            infos.append(
                RunInfo(
                    run_id=run_id,
                    meta=run.meta,
                    status=status,
                    n_events=run.retained,
                    last_seq=run.last_seq,
                    available_from=run.available_from,
                    last_event_at=last_event_at,
                    parent=run.parent,
                )
            )
        return sort_runs(infos)

    async def read_range(
        self,
        run_id: str,
        from_seq: Seq,
        *,
        count: int = 200,
        direction: Direction = "forward",
    ) -> ReadResult:
        self._check()
        run = self._runs.get(run_id)
        if run is None:
            raise RunNotFoundError(run_id)
        if direction == "forward":
            requested = max(from_seq, 1)
            envelopes = run.slice(requested, count)
        else:
            requested = from_seq if from_seq > 0 else run.last_seq
            envelopes = run.slice_back(requested, count)
        return ReadResult(
            run_id=run_id,
            requested=requested,
            envelopes=tuple(envelopes),
            available_from=run.available_from,
            last_seq=run.last_seq,
            is_open=run.open,
        )

    async def stream(self, run_id: str, from_seq: Seq = 0) -> AsyncIterator[Envelope]:
        async for batch in self.stream_batches(run_id, from_seq):
            for envelope in batch:
                yield envelope

    async def stream_batches(
        self, run_id: str, from_seq: Seq = 0, *, max_batch: int = 1000
    ) -> AsyncIterator[Sequence[Envelope]]:
        self._check()
        if run_id not in self._runs:
            raise RunNotFoundError(run_id)
        wanted = max(from_seq, 1)
        while not self._closed:
            run = self._runs.get(run_id)
            if run is None:  # reaped: nothing more will ever come
                return
            first = run.available_from
            if first and wanted < first:
                raise BrokerOverflowError(run_id, wanted, first)
            batch = run.slice(wanted, max_batch)
            if batch:
                wanted = batch[-1].seq + 1
                yield batch
                continue
            if not run.open:
                return
            await run.changed()

    async def aclose(self) -> None:
        """End every active stream and refuse further use. Idempotent."""
        if self._closed:
            return
        self._closed = True
        for run in self._runs.values():
            run.notify()
