"""Paged reads of one cold run, by ``rowid``: never the whole file, whatever its size.

A run's cold seq is its row's 1-based position in ``rowid`` (insertion) order among the run's
rows: the order the arena's persister consumed the broker, which keeps a fork's ``fork`` and
``world_mutation`` first (the arena's own ``ORDER BY t, rowid`` moves them; ``cold-store.md``
§4.4). There is no seq column. When a run's rows sit in one block of rowids (``max - min + 1
== count``: a run alone in its file, a race of one, every fork), seq ``n`` is rowid ``first +
n - 1`` and a page is one ``rowid >= ?`` query, which duckdb pushes into the scan: a few
milliseconds anywhere in a million-event run, from the first seek on (bench figure ``cold``).
A run whose rows interleave with others' (the runs of a rank operation) needs a sparse index:
the ``rowid`` of every ``STEP``-th row, one scan, which the store builds in the background once
the run is opened (``ColdStore.read``), so a seek usually finds it built; a page then starts
at the checkpoint at or below ``n``.

Connections are read-only and cached per file while reads come (``Connections``): opening a
file costs ~20-90 ms, too much per page while a user scrolls. ``sweep`` closes the idle ones,
so a file is never held open for long (a reader blocks a writer's read-write open). Each file's
connection is used by one thread at a time. Rows decode through the broker's never-fail codec,
so a broken row shows as broken, never raises.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from arena_tui.broker import codec
from arena_tui.broker.cold._db import connect
from arena_tui.broker.models import Envelope, Seq

STEP = 1024
IDLE_S = 5.0
_CHECKPOINTS_SQL = (
    "SELECT rowid FROM events WHERE run_id = ? "
    "QUALIFY (row_number() OVER (ORDER BY rowid) - 1) % ? = 0 ORDER BY rowid"
)
_COLUMNS = "agent_id, t, kind, payload_json, ts, schema_version"
_PAGE_SQL = (
    f"SELECT {_COLUMNS} FROM events WHERE run_id = ? AND rowid >= ? ORDER BY rowid LIMIT ? OFFSET ?"
)
_TAIL_SQL = (
    f"SELECT {_COLUMNS} FROM (SELECT rowid AS r, * FROM events WHERE run_id = ? "
    "ORDER BY rowid DESC LIMIT ?) ORDER BY r"
)
_LIKE_SQL = (
    "SELECT n FROM (SELECT row_number() OVER (ORDER BY rowid) AS n, agent_id, t, kind "
    "FROM events WHERE run_id = ?) WHERE agent_id = ? AND t = ? AND kind = ? ORDER BY n LIMIT ?"
)
TAIL_ROWS = 5_000
"""A read this close to the run's end needs no sparse index (a top-N query from the end):
opening a run at its newest events pays for no index scan."""


class Connections:
    """Read-only connections kept per file while in use; ``sweep`` closes idle ones."""

    def __init__(self, idle_s: float = IDLE_S) -> None:
        self.idle_s = idle_s
        self._lock = threading.Lock()
        self._open: dict[Path, tuple[Any, threading.Lock, list[float]]] = {}

    @contextmanager
    def use(self, path: Path) -> Iterator[Any]:
        with self._lock:
            entry = self._open.get(path)
            if entry is None:
                entry = (None, threading.Lock(), [0.0])
                self._open[path] = entry
        _, file_lock, _ = entry
        with file_lock:
            conn, _, used = self._open.get(path, entry)
            if conn is None:
                conn = connect(path)  # raises duckdb's error: the caller classifies it
                with self._lock:
                    self._open[path] = entry = (conn, file_lock, used)
            used[0] = time.monotonic()
            yield conn
            used[0] = time.monotonic()

    def sweep(self, *, everything: bool = False) -> None:
        now = time.monotonic()
        with self._lock:
            items = list(self._open.items())
        for path, (conn, file_lock, used) in items:
            if conn is None or not (everything or now - used[0] > self.idle_s):
                continue
            if file_lock.acquire(blocking=everything):
                try:
                    with self._lock:
                        if self._open.get(path, (None,))[0] is conn:
                            del self._open[path]
                    conn.close()
                finally:
                    file_lock.release()

    def close(self) -> None:
        self.sweep(everything=True)


class ColdReader:
    """Reads one run of one file by seq (blocking: call from a worker thread)."""

    def __init__(
        self,
        connections: Connections,
        path: Path,
        run_id: str,
        count: int,
        *,
        ts_offset: timedelta | None = None,
        step: int = STEP,
        first_rowid: int | None = None,
        last_rowid: int | None = None,
    ) -> None:
        self.connections = connections
        self.path = path
        self.run_id = run_id
        self.count = count
        self.ts_offset = ts_offset or timedelta()
        self.step = step
        self.first_rowid = first_rowid
        self.contiguous = (
            first_rowid is not None
            and last_rowid is not None
            and last_rowid - first_rowid + 1 == count
        )
        """The run's rows are one block of rowids: seq ``n`` is rowid ``first_rowid + n - 1``."""
        self._checkpoints: list[int] | None = None
        self._building = threading.Lock()

    @property
    def indexed(self) -> bool:
        """A page anywhere is one cheap query (contiguous, or the sparse index is built)."""
        return self.contiguous or self._checkpoints is not None

    def checkpoints(self) -> list[int]:
        with self._building:
            if self._checkpoints is None:
                with self.connections.use(self.path) as conn:
                    rows = conn.execute(_CHECKPOINTS_SQL, [self.run_id, self.step]).fetchall()
                self._checkpoints = [int(row[0]) for row in rows]
        return self._checkpoints

    def seqs_like(self, agent_id: str, t: int, kind: str, limit: int) -> list[Seq]:
        """The first ``limit`` seqs of the run whose row has this agent, turn and kind: one
        query, so a content search reads only the rows that can match."""
        with self.connections.use(self.path) as conn:
            found = conn.execute(_LIKE_SQL, [self.run_id, agent_id, t, kind, limit]).fetchall()
        return [int(row[0]) for row in found]

    def rows(self, from_seq: Seq, count: int) -> list[tuple[Any, ...]]:
        """Up to ``count`` raw rows ``(agent_id, t, kind, payload_json, ts, schema_version)``
        from seq ``from_seq`` (1-based), in rowid order."""
        first = max(from_seq, 1)
        count = min(count, self.count - first + 1)
        if count <= 0:
            return []
        if self.contiguous and self.first_rowid is not None:
            with self.connections.use(self.path) as conn:
                block: list[tuple[Any, ...]] = conn.execute(
                    _PAGE_SQL, [self.run_id, self.first_rowid + first - 1, count, 0]
                ).fetchall()
            return block
        if first + count - 1 == self.count and count <= self.count - first + 1 <= TAIL_ROWS:
            with self.connections.use(self.path) as conn:
                tail: list[tuple[Any, ...]] = conn.execute(
                    _TAIL_SQL, [self.run_id, self.count - first + 1]
                ).fetchall()
            return tail
        if first <= self.step and self.first_rowid is not None and self._checkpoints is None:
            with self.connections.use(self.path) as conn:
                head: list[tuple[Any, ...]] = conn.execute(
                    _PAGE_SQL, [self.run_id, self.first_rowid, count, first - 1]
                ).fetchall()
            return head
        checkpoints = self.checkpoints()
        if not checkpoints:
            return []
        k = min((first - 1) // self.step, len(checkpoints) - 1)
        skip = (first - 1) - k * self.step
        with self.connections.use(self.path) as conn:
            rows: list[tuple[Any, ...]] = conn.execute(
                _PAGE_SQL, [self.run_id, checkpoints[k], count, skip]
            ).fetchall()
        return rows

    def read(self, from_seq: Seq, count: int) -> list[Envelope]:
        """Up to ``count`` envelopes from seq ``from_seq`` (1-based), ascending."""
        first = max(from_seq, 1)
        return [self.envelope(first + i, row) for i, row in enumerate(self.rows(first, count))]

    def envelope(self, seq: Seq, row: tuple[Any, ...]) -> Envelope:
        agent_id, t, kind, payload_json, ts, version = row
        fields: dict[bytes, bytes] = {b"r": self.run_id.encode()}
        for name, value in ((b"a", agent_id), (b"t", t), (b"k", kind), (b"p", payload_json)):
            if value is not None:
                fields[name] = str(value).encode()
        if isinstance(ts, datetime):
            fields[b"ts"] = codec.format_ts((ts - self.ts_offset).replace(tzinfo=UTC)).encode()
        if version is not None:
            fields[b"v"] = str(version).encode()
        decoded = codec.decode_entry(codec.entry_id(seq), fields)
        return Envelope(seq, decoded.event, decoded.problems, decoded.raw, "cold")
