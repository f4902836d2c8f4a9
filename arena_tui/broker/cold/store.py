"""``ColdStore``: the arena's logs under one root, read off the event loop.

The async face of ``index`` and ``reader``: every call that touches a file runs in a worker
thread (``asyncio.to_thread``), which is also where duckdb is first imported, so neither the
app's startup nor its UI thread ever pays for it. A root with no ``*.duckdb`` file never
imports duckdb at all.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from arena_tui.broker.cold.index import ColdFile, ColdIndex, ColdRun
from arena_tui.broker.cold.reader import ColdReader, Connections
from arena_tui.broker.models import Envelope, Seq

_READERS = 64


class ColdStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.connections = Connections()
        self.index = ColdIndex(root, self.connections)
        self._readers: dict[tuple[Path, tuple[int, int], str, timedelta | None], ColdReader] = {}
        self._refreshing: asyncio.Task[list[ColdFile]] | None = None
        self._indexing: dict[ColdReader, asyncio.Future[list[int]]] = {}

    @property
    def files(self) -> list[ColdFile]:
        """The files of the last ``refresh``, newest first."""
        return self.index.files

    async def refresh(self) -> list[ColdFile]:
        """Re-glob the root and scan new or changed files (one refresh at a time)."""
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = asyncio.ensure_future(asyncio.to_thread(self.index.refresh))
        files = await asyncio.shield(self._refreshing)
        await asyncio.to_thread(self.connections.sweep)
        return files

    def find(self, run_id: str) -> tuple[ColdFile, ColdRun] | None:
        """``run_id`` as a listing names it: an arena id (newest file wins) or ``id@file``."""
        head, at, rel = run_id.rpartition("@")
        if at:
            for file, run in self.index.runs():
                if run.run_id == head and self.relative(file.path) == rel:
                    return file, run
        return self.index.find(run_id)

    def relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def reader(
        self, file: ColdFile, run: ColdRun, *, ts_offset: timedelta | None = None
    ) -> ColdReader:
        offset = ts_offset if ts_offset is not None else file.ts_offset
        key = (file.path, file.stat, run.run_id, offset)
        found = self._readers.get(key)
        if found is None:
            if len(self._readers) >= _READERS:
                self._readers.pop(next(iter(self._readers)))
            found = ColdReader(
                self.connections,
                file.path,
                run.run_id,
                run.count,
                ts_offset=offset,
                first_rowid=run.first_rowid,
                last_rowid=run.last_rowid,
            )
            self._readers[key] = found
        return found

    async def read(self, reader: ColdReader, from_seq: Seq, count: int) -> list[Envelope]:
        """A page of ``reader``'s run; a run that needs a sparse index gets it built in the
        background from its first read on, off the path of the user's first seek."""
        envelopes = await asyncio.to_thread(reader.read, from_seq, count)
        if not reader.indexed and reader not in self._indexing:
            task = asyncio.ensure_future(asyncio.to_thread(reader.checkpoints))
            self._indexing[reader] = task
            task.add_done_callback(lambda _t: self._indexing.pop(reader, None))
        return envelopes

    async def aclose(self) -> None:
        if self._refreshing is not None and not self._refreshing.done():
            self._refreshing.cancel()
        for task in list(self._indexing.values()):
            task.cancel()
        await asyncio.to_thread(self.connections.close)
