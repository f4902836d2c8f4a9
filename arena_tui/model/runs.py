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
should events arrive after that (a sentinel that expired under a long run) the run is open again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType

from arena_tui.broker.models import RunInfo, RunStatus, Seq
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

    def refreshed(self, infos: Iterable[RunInfo]) -> RunList:
        listed = list(infos)
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
        ids = [info.run_id for info in runs]
        highlighted = self.highlighted
        if highlighted not in ids:
            old = self.index(highlighted) if highlighted is not None else None
            if old is not None and ids:
                highlighted = ids[min(old, len(ids) - 1)]
            else:
                highlighted = self.opened if self.opened in ids else (ids[0] if ids else None)
        return replace(
            self,
            runs=runs,
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
        return replace(self, runs=tuple(sorted(infos, key=_order)), ended=ended)

    def failed(self, problem: str) -> RunList:
        """The last listing failed: the sidebar says why (the runs it had stay)."""
        return replace(self, problem=problem)

    def highlight(self, run_id: str | None) -> RunList:
        return replace(self, highlighted=run_id)

    def open(self, run_id: str) -> RunList:
        return replace(self, opened=run_id, highlighted=run_id)

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
