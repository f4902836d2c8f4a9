"""``ColdAwareBroker``: the configured broker plus the arena's logs, as one ``EventBroker``.

Everything a viewer does goes through the ``EventBroker`` protocol, so wrapping the broker is
what makes every view work on finished runs from the logs (scrubbing, search, time seek,
export, ``tail``) without knowing about files:

* ``list_runs`` merges the broker's runs with the logs' (``listing``): one row per run.
* ``read_range``, ``stream`` and ``stream_batches`` of a run only a log holds read it by pages
  (a closed, complete stream: ``available_from`` 1, never open, no tail, no overflow). This
  module decides which source answers; ``reads`` builds the answer.
* For a run Redis trimmed whose log is readable and aligns exactly (``stitch``), reads below
  the first retained seq come from the log, marked ``source="cold"``, and the run reads from
  seq 1 with no overflow. Any other alignment leaves the broker's answer as it is; ``prefix``
  says what the log holds (a shifted copy, or a locked file) for the views that show it.

The producer side and liveness pass straight through.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Sequence

from arena_tui.broker.cold import listing, reads
from arena_tui.broker.cold.index import ColdFile, ColdRun
from arena_tui.broker.cold.reader import ColdReader
from arena_tui.broker.cold.stitch import BLOCK, Alignment, State, exact_offset, find_block
from arena_tui.broker.cold.store import ColdStore
from arena_tui.broker.errors import RunNotFoundError
from arena_tui.broker.models import Envelope, ReadResult, RunInfo, Seq
from arena_tui.broker.passthrough import PassThrough
from arena_tui.broker.protocol import DEFAULT_STALE_AFTER, Direction, EventBroker

REFRESH_S = 2.0
"""How long a look at the logs root stays fresh for reads (a listing always looks again)."""


class ColdAwareBroker(PassThrough):
    def __init__(self, inner: EventBroker, store: ColdStore) -> None:
        self.inner = inner
        self.store = store
        self.notes: list[str] = []
        """One line per log file whose runs are not listed (locked, foreign, empty, newer)."""
        self._alignments: dict[str, tuple[tuple[object, ...], Alignment | None]] = {}
        self._refreshed_at = -math.inf
        self._background: set[asyncio.Future[list[ColdFile]]] = set()
        self._listed: dict[str, RunInfo] = {}

    def _target(self) -> EventBroker:
        return self.inner  # the producer's side and liveness pass through as they are

    @property
    def publish_note(self) -> str | None:
        """The inner broker's, e.g. a Redis Cluster's two-step publish (``produce``/``smoke``)."""
        note: str | None = getattr(self.inner, "publish_note", None)
        return note

    async def aclose(self) -> None:
        for task in list(self._background):
            task.cancel()
        await self.inner.aclose()
        await self.store.aclose()

    # -- listing ----------------------------------------------------------------------------

    async def list_runs(self, *, stale_after: float = DEFAULT_STALE_AFTER) -> list[RunInfo]:
        infos, files = await asyncio.gather(
            self.inner.list_runs(stale_after=stale_after), self._refresh()
        )
        merged, self.notes = listing.merge(infos, files, self.store.relative)
        self._listed = {info.run_id: info for info in infos}
        return merged

    async def _refresh(self) -> list[ColdFile]:
        files = await self.store.refresh()
        self._refreshed_at = time.monotonic()
        return files

    async def _cold(self, run_id: str) -> tuple[ColdFile, ColdRun] | None:
        """The log copy of ``run_id`` in the index. The first call reads the root; later, a
        run the index lacks starts a fresh look in the background at most every
        ``REFRESH_S`` (a read of a run no log holds never waits for a glob or a scan: the
        next read, or the next listing, sees what it found)."""
        found = self.store.find(run_id)
        if found is not None:
            return found
        if self._refreshed_at == -math.inf:
            await self._refresh()
            return self.store.find(run_id)
        if time.monotonic() - self._refreshed_at > REFRESH_S:
            self._refreshed_at = time.monotonic()
            task = asyncio.ensure_future(self._refresh())
            self._background.add(task)
            task.add_done_callback(self._background.discard)
        return None

    # -- reading ----------------------------------------------------------------------------

    async def read_range(
        self,
        run_id: str,
        from_seq: Seq,
        *,
        count: int = 200,
        direction: Direction = "forward",
    ) -> ReadResult:
        try:
            result = await self.inner.read_range(run_id, from_seq, count=count, direction=direction)
        except RunNotFoundError:
            found = await self._cold(run_id)
            if found is None:
                raise
            return await reads.cold_range(self.store, run_id, found, from_seq, count, direction)
        if result.available_from <= 1:
            return result
        alignment = await self.alignment(run_id, result.available_from)
        if alignment is None or alignment.state != "exact":
            return result
        reader = self._reader_for(alignment)
        return await reads.stitched_range(self.store, result, reader, from_seq, count, direction)

    def stream(self, run_id: str, from_seq: Seq = 0) -> AsyncIterator[Envelope]:
        return self._stream(run_id, from_seq)

    async def _stream(self, run_id: str, from_seq: Seq) -> AsyncIterator[Envelope]:
        async for batch in self.stream_batches(run_id, from_seq):
            for envelope in batch:
                yield envelope

    def stream_batches(
        self, run_id: str, from_seq: Seq = 0, *, max_batch: int = 1000
    ) -> AsyncIterator[Sequence[Envelope]]:
        return self._stream_batches(run_id, from_seq, max_batch)

    async def _stream_batches(
        self, run_id: str, from_seq: Seq, max_batch: int
    ) -> AsyncIterator[Sequence[Envelope]]:
        wanted = max(from_seq, 1)
        try:
            probe = await self.inner.read_range(run_id, wanted, count=1)
        except RunNotFoundError:
            found = await self._cold(run_id)
            if found is None:
                raise
            reader = self.store.reader(*found)
            async for page in reads.pages(self.store, reader, wanted, found[1].count, max_batch):
                yield page
            return
        if probe.available_from > 1 and wanted < probe.available_from:
            alignment = await self.alignment(run_id, probe.available_from)
            if alignment is not None and alignment.state == "exact":
                reader = self._reader_for(alignment)
                end = probe.available_from - 1
                async for page in reads.pages(self.store, reader, wanted, end, max_batch):
                    yield page
                wanted = probe.available_from
        inner = self.inner.stream_batches(run_id, wanted, max_batch=max_batch)
        try:
            async for batch in inner:
                yield batch
        finally:
            aclose = getattr(inner, "aclose", None)
            if aclose is not None:
                await aclose()

    # -- stitching --------------------------------------------------------------------------

    def _reader_for(self, alignment: Alignment) -> ColdReader:
        found = self.store.find(alignment.run_id)
        assert found is not None  # an alignment exists only for a run the index holds
        return self.store.reader(*found, ts_offset=alignment.ts_offset)

    async def alignment(self, run_id: str, available_from: Seq) -> Alignment | None:
        """How the log relates to the run's trimmed prefix ``1..available_from-1`` (None: no log
        has the run and no locked file may). Cached until ``available_from`` or the file changes."""
        found = await self._cold(run_id)
        stamp: tuple[object, ...] = (
            available_from,
            (found[0].path, found[0].stat) if found else None,
            tuple(f.path for f in self.store.index.locked_files()),
        )
        cached = self._alignments.get(run_id)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        alignment = await self._align(run_id, available_from, found)
        self._alignments[run_id] = (stamp, alignment)
        return alignment

    async def _align(
        self, run_id: str, available_from: Seq, found: tuple[ColdFile, ColdRun] | None
    ) -> Alignment | None:
        if found is None:
            locked_files = self.store.index.locked_files()
            if not locked_files:
                return None
            info = self._listed.get(run_id)
            if info is None:
                infos = await self.inner.list_runs()
                info = next((i for i in infos if i.run_id == run_id), None)
            locked = listing.locked_candidate(locked_files, info)
            if locked is None:
                return None
            return Alignment("locked", run_id, available_from, locked.path)
        file, run = found
        head = await self.inner.read_range(run_id, available_from, count=BLOCK)
        block = [e for e in head.envelopes if not e.broken][:BLOCK]
        reader = self.store.reader(file, run)
        at = await asyncio.to_thread(find_block, reader, block, available_from)
        if at is None:
            return Alignment("unaligned", run_id, available_from, file.path, run.count)
        offset = await asyncio.to_thread(exact_offset, reader, at, block[0])
        state: State = "exact" if at == available_from else "shifted"
        return Alignment(state, run_id, available_from, file.path, run.count, at, offset)

    async def disk_range(
        self, run_id: str, available_from: Seq, from_row: int, *, count: int, direction: Direction
    ) -> ReadResult:
        """A page of the log rows shown unnumbered above ``available_from``
        (``Alignment.shown_rows``): ``count`` rows from row ``from_row`` on or back; each
        envelope's seq is its row in the log, not a seq. Empty when no such rows are known."""
        alignment = await self.alignment(run_id, available_from)
        end = alignment.shown_rows if alignment is not None else 0
        if direction == "forward":
            start = max(from_row, 1)
            stop = min(end, start + count - 1)
        else:
            stop = min(from_row, end)
            start = max(1, stop - count + 1)
        envelopes: list[Envelope] = []
        if alignment is not None and stop >= start:
            envelopes = await self.store.read(self._reader_for(alignment), start, stop - start + 1)
        return ReadResult(run_id, from_row, tuple(envelopes), available_from, 0, is_open=False)

    async def disk_rows(self, alignment: Alignment) -> AsyncIterator[list[Envelope]]:
        """The log's rows before a shifted alignment's block, in pages (cold seqs)."""
        reader = self._reader_for(alignment)
        async for batch in reads.pages(self.store, reader, 1, alignment.disk_rows, reads.PAGE):
            yield batch
