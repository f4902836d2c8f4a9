"""One listing from the broker's runs and the logs' runs (``cold-store.md`` §7.3).

* A run in both is one row: the broker's counts and status, the file's label and start time
  when the broker has none (Redis forgets a label with its ``:open`` key), ``source``
  ``broker+cold`` and the file as ``db_path``. (An ``:open`` run whose file is readable has lost
  its writer; the broker already calls it stale once it is silent, and a run that just closed is
  "open" for a few seconds of grace while its file is already readable, so the status stays
  the broker's.)
* A run only a file holds is ``finished``, numbered 1..N, with the file's label and start.
* Only a ``uuid4().hex`` id merges across sources; any other id (the ``ranking`` pseudo-run in
  every rank file, test ids) is keyed by its file: its row id is ``<id>@<file>``, and
  ``arena_id`` keeps the arena's id.
* A file the listing cannot open gets one line in ``notes`` instead of rows; a live run whose
  label matches a locked file and that started within ``ATTACH_S`` after the file's name time
  is taken to be its writer's (``db_path`` set, so the view can say where its events go).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from arena_tui.broker._listing import sort_runs
from arena_tui.broker.cold._db import FileState
from arena_tui.broker.cold.index import HEX32, ColdFile, ColdRun
from arena_tui.broker.models import RunInfo, RunMeta, RunStatus

ATTACH_S = 2.0


def merge(
    infos: Sequence[RunInfo], files: Sequence[ColdFile], relative: Callable[[Path], str]
) -> tuple[list[RunInfo], list[str]]:
    """The merged rows (sorted like ``list_runs``) and one note per unlisted file."""
    by_id = {info.run_id: info for info in infos}
    rows: dict[str, RunInfo] = {}
    notes: list[str] = []
    for file in files:
        if file.state is not FileState.READY:
            notes.append(f"{relative(file.path)}: {file.line()}")
            continue
        for run in file.runs:
            hex_id = HEX32.fullmatch(run.run_id) is not None
            live = by_id.get(run.run_id) if hex_id else None
            if live is not None and run.run_id not in rows:
                rows[run.run_id] = _both(live, file, run, relative)
                continue
            key = run.run_id if hex_id and run.run_id not in rows and live is None else None
            key = key or f"{run.run_id}@{relative(file.path)}"
            rows[key] = _cold_only(key, file, run, relative)
    locked = [f for f in files if f.state is FileState.LOCKED]
    for info in infos:
        if info.run_id in rows:
            continue
        writer = _attached(info, locked)
        rows[info.run_id] = replace(info, db_path=str(writer.path)) if writer is not None else info
    return sort_runs(rows.values()), notes


def _both(info: RunInfo, file: ColdFile, run: ColdRun, relative: Callable[[Path], str]) -> RunInfo:
    meta = RunMeta(
        label=info.meta.label or file.label,
        started_at=info.meta.started_at or file.name.started_at or file.to_utc(run.first_ts),
    )
    return replace(
        info,
        meta=meta,
        source="broker+cold",
        db_path=str(file.path),
        parent=run.parent or info.parent,
    )


def _cold_only(key: str, file: ColdFile, run: ColdRun, relative: Callable[[Path], str]) -> RunInfo:
    return RunInfo(
        run_id=key,
        meta=RunMeta(
            label=file.label, started_at=file.name.started_at or file.to_utc(run.first_ts)
        ),
        status=RunStatus.FINISHED,
        n_events=run.count,
        last_seq=run.count,
        available_from=1 if run.count else 0,
        last_event_at=file.to_utc(run.last_ts),
        source="cold",
        db_path=str(file.path),
        arena_id=run.run_id if key != run.run_id else None,
        parent=run.parent,
    )


def _attached(info: RunInfo, locked: Sequence[ColdFile]) -> ColdFile | None:
    started = info.meta.started_at
    if started is None or info.meta.label is None:
        return None
    for file in locked:
        at = file.name.started_at
        if file.label != info.meta.label or at is None:
            continue
        if 0 <= (started - at).total_seconds() <= ATTACH_S:
            return file
    return None


def locked_candidate(locked: Sequence[ColdFile], info: RunInfo | None) -> ColdFile | None:
    """The locked file that is probably writing ``info``'s run (same label, started with it)."""
    return _attached(info, locked) if info is not None else None
