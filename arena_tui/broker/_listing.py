"""Run status and ordering for ``list_runs``, shared by both backends so they cannot disagree.

A run's status comes from two facts: whether its ``:open`` sentinel exists, and how long ago it
was last active (its newest event, else when it was opened). An open run that has been silent
for longer than ``stale_after`` is stale: the arena's producer died without closing and the
sentinel will linger for up to 6 h. A run without the sentinel whose last event is still recent
is called open too: events are arriving, whatever the sentinel says.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from arena_tui.broker.models import RunInfo, RunStatus

_RANK = {RunStatus.OPEN: 0, RunStatus.STALE: 1, RunStatus.FINISHED: 2}


def run_status(
    *, is_open: bool, last_activity: datetime | None, now: datetime, stale_after: float
) -> RunStatus:
    """The status of a run; with no known activity an open run is open, a closed one finished."""
    recent = last_activity is not None and (now - last_activity).total_seconds() <= stale_after
    if is_open:
        return RunStatus.OPEN if recent or last_activity is None else RunStatus.STALE
    return RunStatus.OPEN if recent else RunStatus.FINISHED


def sort_runs(infos: Iterable[RunInfo]) -> list[RunInfo]:
    """Open first, then stale, then finished; newest activity first within each; id breaks ties."""

    def key(info: RunInfo) -> tuple[int, float, str]:
        stamp = info.last_event_at.timestamp() if info.last_event_at is not None else 0.0
        return (_RANK[info.status], -stamp, info.run_id)

    return sorted(infos, key=key)
