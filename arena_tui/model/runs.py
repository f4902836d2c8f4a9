"""The runs sidebar's state: which runs exist, in what order, and which one the user is on.

The broker is polled every second or two and every poll replaces the list, so the user's place
is kept by run id, never by index: a run that starts above the highlighted one must not move
the highlight to another run. Order: open runs, then stale, then finished. Within a group the
order must not reshuffle on every poll (busy runs would swap places under the user's cursor),
so open and stale runs are ordered by start time, newest first, and finished runs by when
they ended, newest first; the run id breaks ties.

A run the screen saw finish (its tail ended: the ``:open`` sentinel is gone and every event was
read) is finished here too, from that moment, whatever the listing says: the broker's listing
calls a closed run open for a few seconds after its last event (its grace for runs whose
sentinel expired while events keep arriving), and the header must not say "finished" while the
sidebar says open. Like the arena's ``live_runs()``, a run whose ``:open`` is gone is not open;
should events arrive after that (a sentinel that expired under a long run) the run is open again
(and the screen follows it again). The other way round, while the open run's tail reads it live
the listing does not call it finished (``refreshed(live=...)``): the tail says so, at once.

The sidebar shows ``rows`` (``model.groups``): runs grouped by operation, forks under their
parent, folded groups closed. ``highlighted`` is a row id: a run id, or a group row's
``group:…`` id, so the cursor can rest on a group to fold it. A run that disappears into a
folded group hands the highlight to that group's row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType

from arena_tui.broker.models import RunInfo, RunStatus, Seq
from arena_tui.model.groups import GroupRow, Row, RunRow, operation_key, sidebar_rows
from arena_tui.model.summary import short_id
from arena_tui.model.text import clip, safe_text
from arena_tui.model.words import duration

_GROUP = {RunStatus.OPEN: 0, RunStatus.STALE: 1, RunStatus.FINISHED: 2}
ICONS = {RunStatus.OPEN: "●", RunStatus.STALE: "◌", RunStatus.FINISHED: "✓"}


@dataclass(frozen=True, slots=True)
class RunList:
    runs: tuple[RunInfo, ...] = ()
    highlighted: str | None = None
    opened: str | None = None
    loaded: bool = False
    ended: Mapping[str, Seq] = field(default_factory=lambda: MappingProxyType({}))
    """Runs the screen saw finish, with their last seq then."""
    problem: str = ""
    """Why the runs cannot be listed now (refused password, broker unreachable); "" when fine."""
    folded: frozenset[str] = frozenset()
    """The keys of the folded groups (``model.groups.operation_key``)."""
    rows: tuple[Row, ...] = ()
    """What the sidebar draws: ``sidebar_rows(runs, folded)``, kept in step by every change."""

    def refreshed(self, infos: Iterable[RunInfo], *, live: str | None = None) -> RunList:
        """A new listing; ``live`` is the open run while its tail reads it live: the tail, not
        the listing, says when that run finished (the header says it from the tail)."""
        listed = [
            replace(info, status=RunStatus.OPEN)
            if info.run_id == live and info.status is RunStatus.FINISHED
            else info
            for info in infos
        ]
        ended = {
            info.run_id: self.ended[info.run_id]
            for info in listed
            if info.run_id in self.ended and info.last_seq <= self.ended[info.run_id]
        }
        listed = [
            replace(info, status=RunStatus.FINISHED) if info.run_id in ended else info
            for info in listed
        ]
        runs = tuple(sorted(listed, key=_order))
        rows = sidebar_rows(runs, self.folded)
        ids = [row.row_id for row in rows]
        highlighted = self.highlighted
        if highlighted not in ids:
            old = self.row_index(highlighted)
            folded_into = _folded_group(runs, rows, highlighted)
            if folded_into is not None:
                highlighted = folded_into
            elif old is not None and ids:
                highlighted = ids[min(old, len(ids) - 1)]
            else:
                first_run = next((row.row_id for row in rows if isinstance(row, RunRow)), None)
                highlighted = self.opened if self.opened in ids else first_run
        return replace(
            self,
            runs=runs,
            rows=rows,
            highlighted=highlighted,
            loaded=True,
            ended=MappingProxyType(ended),
            problem="",
        )

    def finished(self, run_id: str, last_seq: Seq) -> RunList:
        """The screen saw ``run_id`` finish at ``last_seq`` (its tail ended)."""
        ended = MappingProxyType({**self.ended, run_id: last_seq})
        infos = [
            replace(i, status=RunStatus.FINISHED) if i.run_id == run_id else i for i in self.runs
        ]
        runs = tuple(sorted(infos, key=_order))
        return replace(self, runs=runs, rows=sidebar_rows(runs, self.folded), ended=ended)

    def failed(self, problem: str) -> RunList:
        """The last listing failed: the sidebar says why (the runs it had stay)."""
        return replace(self, problem=problem)

    def highlight(self, run_id: str | None) -> RunList:
        return replace(self, highlighted=run_id)

    def open(self, run_id: str) -> RunList:
        """``run_id`` is shown; a folded group that holds it opens so the cursor can rest on it."""
        runs = self
        for key in self.folded:
            if runs.row_index(run_id) is not None:
                break
            unfolded = runs._with_folded(runs.folded - {key})
            if unfolded.row_index(run_id) is not None:
                runs = unfolded
        return replace(runs, opened=run_id, highlighted=run_id)

    def group_of(self, row_id: str | None) -> GroupRow | None:
        """The group row of ``row_id``: itself when it is a group row, else the group it sits
        in (a run of an operation, or a fork under one of its runs); None for a lone run."""
        index = self.row_index(row_id)
        if index is None:
            return None
        for row in reversed(self.rows[: index + 1]):
            if isinstance(row, GroupRow):
                return row
            if row.depth == 0:
                return None
        return None

    def fold(self, row_id: str | None, folded: bool | None = None) -> RunList:
        """Fold (``True``), unfold (``False``) or toggle (``None``) the group of ``row_id``; a
        cursor inside a group that folds moves to the group's row."""
        group = self.group_of(row_id)
        if group is None:
            return self
        fold = not group.folded if folded is None else folded
        keys = self.folded | {group.key} if fold else self.folded - {group.key}
        runs = self._with_folded(keys)
        if fold:
            runs = replace(runs, highlighted=group.row_id)
        return runs

    def _with_folded(self, folded: frozenset[str]) -> RunList:
        return replace(self, folded=folded, rows=sidebar_rows(self.runs, folded))

    def row_index(self, row_id: str | None) -> int | None:
        if row_id is None:
            return None
        for i, row in enumerate(self.rows):
            if row.row_id == row_id:
                return i
        return None

    def index(self, run_id: str | None) -> int | None:
        for i, info in enumerate(self.runs):
            if info.run_id == run_id:
                return i
        return None

    def get(self, run_id: str | None) -> RunInfo | None:
        index = self.index(run_id)
        return self.runs[index] if index is not None else None

    @property
    def title(self) -> str:
        n_open = sum(1 for r in self.runs if r.status is not RunStatus.FINISHED)
        n_done = len(self.runs) - n_open
        return f"RUNS ({n_open:,} open · {n_done:,} finished)"


def _folded_group(runs: Sequence[RunInfo], rows: Sequence[Row], run_id: str | None) -> str | None:
    """The row id of the folded group that now hides ``run_id`` (None: it is not hidden)."""
    info = next((i for i in runs if i.run_id == run_id), None)
    if info is None:
        return None
    key = operation_key(info)
    for row in rows:
        if isinstance(row, GroupRow) and row.key == key and row.folded:
            return row.row_id
    return None


def _order(info: RunInfo) -> tuple[int, float, str]:
    when = info.last_event_at if info.status is RunStatus.FINISHED else info.meta.started_at
    return (_GROUP[info.status], -when.timestamp() if when else 0.0, info.run_id)


def badge(info: RunInfo) -> str:
    """The label badge (``race``, ``rank``, ``smoke``, ...; ``?`` when the run has none)."""
    label = info.meta.label
    return clip(safe_text(label), 5) if label else "?"


def age(info: RunInfo, now: datetime) -> str:
    """How old the run is for an open run, how long silent when stale, how long ago it ended."""
    if info.status is RunStatus.OPEN:
        since = info.meta.started_at or info.last_event_at
        return duration((now - since).total_seconds()) if since else ""
    if info.last_event_at is None:
        return "stale" if info.status is RunStatus.STALE else "done"
    quiet = duration((now - info.last_event_at).total_seconds())
    return f"stale {quiet}" if info.status is RunStatus.STALE else f"{quiet} ago"


def run_label(info: RunInfo) -> str:
    """``rank 3f2a9c1e…``: how a run is named in titles and notifications."""
    return f"{badge(info)} {short_id(info.run_id)}"
