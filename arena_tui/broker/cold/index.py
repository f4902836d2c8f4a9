"""The cold index: what each of the arena's log files holds, cached per file.

A closed arena file never changes, so a scan is cached under the file's ``(size, mtime_ns)``
and reused until that stat changes; a refresh re-globs (cheap) and opens only new or changed
files, each with one short-lived read-only connection (``cold-store.md`` §7.3). Per file one
query groups the rows by ``run_id`` (count, first and last ``ts``, first ``rowid``), a second
reads the ``fork`` rows (the parent link) and each run's first ``turn_start`` (its profile).

Everything here blocks: ``ColdStore`` runs it in a worker thread.

``ts`` is a ``TIMESTAMP`` without a zone holding the writer's local wall-clock time (duckdb
casts the arena's aware UTC datetimes with the session ``TimeZone``: pinned by a test under
``TZ=Asia/Tokyo``). The file name's time is UTC, so the writer's offset is estimated as the
first ``ts`` minus the name's time, rounded to 15 minutes (``ts_offset``); a run also found in
Redis gets the exact offset from a matching event instead (``stitch``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from arena_tui.broker.cold._db import FileState, classify, duckdb_module
from arena_tui.broker.cold.layout import FileName, discover, parse_name
from arena_tui.broker.cold.reader import Connections

HEX32 = re.compile(r"[0-9a-f]{32}")
QUARTER = timedelta(minutes=15)

_RUNS_SQL = (
    "SELECT run_id, count(*), min(ts), max(ts), min(rowid), max(rowid) FROM events "
    "GROUP BY run_id ORDER BY min(rowid)"
)
_FIRSTS_SQL = (
    "SELECT run_id, kind, arg_min(payload_json, rowid) FROM events "
    "WHERE kind IN ('fork', 'turn_start') GROUP BY run_id, kind"
)


@dataclass(frozen=True, slots=True)
class ColdRun:
    """One run in one file. ``first_ts``/``last_ts`` are the stored (writer-local) values."""

    run_id: str
    path: Path
    count: int
    first_ts: datetime | None
    last_ts: datetime | None
    first_rowid: int
    last_rowid: int | None = None
    """With ``first_rowid`` and ``count``: whether the run's rows sit in one block (reader)."""
    parent: tuple[str, int] | None = None
    """``(parent_run_id, parent_t)`` from the run's ``fork`` event, for a fork."""
    profile: str | None = None


@dataclass(frozen=True, slots=True)
class ColdFile:
    path: Path
    name: FileName
    state: FileState
    message: str = ""
    runs: tuple[ColdRun, ...] = ()
    ts_offset: timedelta | None = None
    """Writer-local minus UTC, estimated from the name (None: unknown, taken as UTC)."""
    stat: tuple[int, int] = (0, 0)

    @property
    def label(self) -> str:
        return self.name.label

    def to_utc(self, naive: datetime | None) -> datetime | None:
        """A stored ``ts`` as an aware UTC instant, with the file's estimated offset."""
        if naive is None:
            return None
        return (naive - (self.ts_offset or timedelta())).replace(tzinfo=UTC)

    def line(self) -> str:
        """The one line a listing shows for a file whose runs it cannot list."""
        started = (
            f" started {self.name.started_at:%Y-%m-%d %H:%M:%S} UTC" if self.name.started_at else ""
        )
        if self.state is FileState.LOCKED:
            return (
                f"{self.label}{started}: {self.message}; its runs are readable "
                "when the operation ends"
            )
        if self.state is FileState.EMPTY:
            return f"{self.label}{started}: empty (no events)"
        return f"{self.label}{started}: {self.message}"


@dataclass(slots=True)
class ColdIndex:
    """The files under one root, refreshed by ``refresh`` (blocking; run it in a thread).

    Scans go through ``connections``, so the connection a scan opened serves the first reads
    of the file too (opening a file costs more than the scan on a small one)."""

    root: Path
    connections: Connections = field(default_factory=Connections)
    files: list[ColdFile] = field(default_factory=list)
    _cache: dict[Path, ColdFile] = field(default_factory=dict)

    def refresh(self) -> list[ColdFile]:
        paths = discover(self.root)
        files = []
        for path in paths:
            try:
                stat = path.stat()
            except OSError:
                continue
            key = (stat.st_size, stat.st_mtime_ns)
            cached = self._cache.get(path)
            if cached is None or cached.stat != key or cached.state is FileState.LOCKED:
                cached = scan_file(path, key, self.connections)
                self._cache[path] = cached
            files.append(cached)
        for gone in set(self._cache) - set(paths):
            del self._cache[gone]
        self.files = files
        return files

    def runs(self) -> list[tuple[ColdFile, ColdRun]]:
        return [(f, run) for f in self.files for run in f.runs]

    def find(self, run_id: str) -> tuple[ColdFile, ColdRun] | None:
        """The newest readable file's copy of ``run_id`` (the arena's choice too)."""
        return next(((f, r) for f, r in self.runs() if r.run_id == run_id), None)

    def locked_files(self) -> list[ColdFile]:
        return [f for f in self.files if f.state is FileState.LOCKED]


def scan_file(path: Path, stat: tuple[int, int], connections: Connections) -> ColdFile:
    """Open ``path`` read-only and summarise it; a failure becomes the file's state."""
    name = parse_name(path)
    duckdb = duckdb_module()
    try:
        with connections.use(path) as conn:
            rows = conn.execute(_RUNS_SQL).fetchall()
            firsts = conn.execute(_FIRSTS_SQL).fetchall()
    except duckdb.Error as exc:
        state, message = classify(exc)
        return ColdFile(path, name, state, message, stat=stat)
    if not rows:
        return ColdFile(path, name, FileState.EMPTY, "empty (no events)", stat=stat)
    parents: dict[str, tuple[str, int]] = {}
    profiles: dict[str, str] = {}
    for run_id, kind, payload_json in firsts:
        payload = _json_object(payload_json)
        if kind == "fork" and isinstance(payload.get("parent_run_id"), str):
            parent_t = payload.get("parent_t")
            parents[run_id] = (
                payload["parent_run_id"],
                parent_t if isinstance(parent_t, int) else 0,
            )
        elif kind == "turn_start" and isinstance(payload.get("profile_name"), str):
            profiles[run_id] = payload["profile_name"]
    runs = tuple(
        ColdRun(
            run_id=str(run_id),
            path=path,
            count=int(count),
            first_ts=first,
            last_ts=last,
            first_rowid=int(first_rowid),
            last_rowid=int(last_rowid),
            parent=parents.get(run_id),
            profile=profiles.get(run_id),
        )
        for run_id, count, first, last, first_rowid, last_rowid in rows
    )
    return ColdFile(
        path, name, FileState.READY, runs=runs, ts_offset=_offset(name, runs), stat=stat
    )


def _offset(name: FileName, runs: tuple[ColdRun, ...]) -> timedelta | None:
    firsts = [run.first_ts for run in runs if run.first_ts is not None]
    if name.started_at is None or not firsts:
        return None
    naive_start = name.started_at.replace(tzinfo=None)
    return round((min(firsts) - naive_start) / QUARTER) * QUARTER


def _json_object(text: Any) -> dict[str, Any]:
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
