"""Runs grouped by operation, as the arena's dashboard groups them, for the sidebar.

One ``rank`` or ``race`` operation is many runs. A run's operation is its log file when it has
one (``db_path``: one file per operation, cold runs and live runs whose locked file was found
alike), else its label and ``started_at`` (the arena's sink gives every run of an operation the
same ``started_at``). A run with neither stands alone. Forks are shown under their parent when
the parent is listed (``RunInfo.parent``), whatever their own operation.

``sidebar_rows`` lays the list out as rows: a ``GroupRow`` (label, start, run count, status)
before the runs of each operation of two or more runs, the runs themselves (``RunRow``, with
their depth: 1 inside a group, one more under a parent), nothing under a folded group. Groups
keep the order of their first run in the input (the run list's own order), and the runs keep
their order inside a group, so a poll never reshuffles what the user is looking at.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from arena_tui.broker.models import RunInfo, RunStatus

_RANK = {RunStatus.OPEN: 0, RunStatus.STALE: 1, RunStatus.FINISHED: 2}


def operation_key(info: RunInfo) -> str | None:
    """The key of the operation ``info`` belongs to (None: a run on its own)."""
    if info.db_path is not None:
        return f"file:{info.db_path}"
    if info.meta.label and info.meta.started_at is not None:
        return f"live:{info.meta.label}:{info.meta.started_at.isoformat()}"
    return None


@dataclass(frozen=True, slots=True)
class GroupRow:
    key: str
    label: str
    started_at: datetime | None
    count: int
    status: RunStatus
    """The liveliest status among its runs (open, else stale, else finished)."""
    folded: bool

    @property
    def row_id(self) -> str:
        return f"group:{self.key}"


@dataclass(frozen=True, slots=True)
class RunRow:
    info: RunInfo
    depth: int = 0

    @property
    def row_id(self) -> str:
        return self.info.run_id


Row = GroupRow | RunRow


def sidebar_rows(runs: Sequence[RunInfo], folded: Iterable[str] = ()) -> tuple[Row, ...]:
    """The rows of ``runs`` (already in list order); ``folded`` holds group keys."""
    folded = set(folded)
    listed = {info.arena_id or info.run_id for info in runs}
    children: dict[str, list[RunInfo]] = {}
    top: list[RunInfo] = []
    for info in runs:
        parent = info.parent[0] if info.parent is not None else None
        if parent is not None and parent in listed and parent != info.run_id:
            children.setdefault(parent, []).append(info)
        else:
            top.append(info)
    groups: dict[str | None, list[RunInfo]] = {}
    order: list[str | RunInfo] = []
    for info in top:
        key = operation_key(info)
        if key is None:
            order.append(info)
            continue
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(info)
    rows: list[Row] = []

    def add(info: RunInfo, depth: int) -> None:
        rows.append(RunRow(info, depth))
        for child in children.get(info.arena_id or info.run_id, ()):
            add(child, depth + 1)

    for item in order:
        if isinstance(item, RunInfo):
            add(item, 0)
            continue
        members = groups[item]
        if len(members) == 1:
            add(members[0], 0)
            continue
        first = members[0]
        status = min((m.status for m in members), key=_RANK.__getitem__)
        rows.append(
            GroupRow(
                key=item,
                label=first.meta.label or "?",
                started_at=first.meta.started_at,
                count=len(members),
                status=status,
                folded=item in folded,
            )
        )
        if item not in folded:
            for member in members:
                add(member, 1)
    return tuple(rows)
