"""Run status and ordering for ``list_runs``, shared by both backends so they cannot disagree.

A run's status comes from two facts: whether its ``:open`` sentinel exists, and how long ago it
was last active (its newest event, else when it was opened). An open run that has been silent
for longer than ``stale_after`` is stale: the arena's producer died without closing and the
sentinel will linger for up to 6 h. A run without the sentinel whose last event is a few
seconds old (``CLOSED_GRACE_S``) is called open too: events are still arriving, whatever the
sentinel says (its 6 h TTL can expire under a long run). The grace is short so that a run that
was closed properly shows as finished almost at once, not after ``stale_after``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from arena_tui.broker.models import RunInfo, RunStatus

CLOSED_GRACE_S = 5.0
"""How recent the last event of a run without ``:open`` must be for the run to count as open."""

_RANK = {RunStatus.OPEN: 0, RunStatus.STALE: 1, RunStatus.FINISHED: 2}


def run_status(
    *, is_open: bool, last_activity: datetime | None, now: datetime, stale_after: float
) -> RunStatus:
    """The status of a run; with no known activity an open run is open, a closed one finished."""
    if last_activity is None:
        return RunStatus.OPEN if is_open else RunStatus.FINISHED
    quiet = (now - last_activity).total_seconds()
    if is_open:
        return RunStatus.OPEN if quiet <= stale_after else RunStatus.STALE
    return RunStatus.OPEN if quiet <= min(stale_after, CLOSED_GRACE_S) else RunStatus.FINISHED


def sort_key(info: RunInfo) -> tuple[int, float, str]:
    """Open first, then stale, then finished; newest activity first within each; id breaks ties."""
    stamp = info.last_event_at.timestamp() if info.last_event_at is not None else 0.0
    return (_RANK[info.status], -stamp, info.run_id)


def sort_runs(infos: Iterable[RunInfo]) -> list[RunInfo]:
    """``infos`` in ``sort_key`` order."""
    return sorted(infos, key=sort_key)
