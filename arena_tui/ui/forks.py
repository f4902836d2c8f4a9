"""``u``: from a fork to its parent run, opened at the turn the fork branched from.

A fork names its parent in its first event: ``fork`` with ``parent_run_id`` and ``parent_t``.
Which fork the user means: the ``fork`` event under the log's cursor, else the run highlighted
in the sidebar when the sidebar has focus, else the open run. Its parent link comes from that
event, or from the listing (``RunInfo.parent``: the run's log file was read), or, for a live
fork only Redis holds, from a read of the run's first events. The parent is opened like any
run (from Redis or a log file: the cold-aware broker answers both) at the first event of turn
``parent_t`` (``reading.seek.find_turn``), so the user lands where the fork branched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from arena_tui.broker.errors import BrokerError, RunNotFoundError
from arena_tui.broker.models import Envelope, RunInfo, Seq, fork_parent
from arena_tui.model.rows import EventRow
from arena_tui.model.runs import RunList
from arena_tui.model.summary import short_id
from arena_tui.reading.seek import TurnNotFound, find_turn

if TYPE_CHECKING:
    from arena_tui.ui.screens.watch import WatchScreen

FIRST_EVENTS = 3
"""A fork's ``fork`` event is its first; the read looks a little further (a broken entry)."""


def parent_of(envelope: Envelope) -> tuple[str, int] | None:
    """``(parent_run_id, parent_t)`` of a ``fork`` event (None for any other event)."""
    return fork_parent(envelope.event)


def listed_parent(runs: RunList, parent: str) -> RunInfo | None:
    """The listed run the arena calls ``parent`` (an arena id may be listed as ``id@file``)."""
    return next((i for i in runs.runs if parent in (i.run_id, i.arena_id)), None)


def open_parent(screen: WatchScreen) -> None:
    """The ``u`` key: find the fork the user means and open its parent at the fork's turn."""
    pane, runs = screen.log_pane, screen.sidebar.runs
    fork, link = screen.run_id, None
    if screen.sidebar.has_focus and runs.get(runs.highlighted) is not None:
        fork = runs.highlighted or fork
    elif (index := pane.display_cursor()) is not None:
        row = pane.view.rows[index]
        link = parent_of(row.envelope) if isinstance(row, EventRow) else None
    if not fork and link is None:
        screen.notify("no run is open: open a fork, then u opens its parent")
        return
    screen.run_worker(_open_parent(screen, fork, link), exclusive=True, group="fork-parent")


async def _open_parent(screen: WatchScreen, fork: str, link: tuple[str, int] | None) -> None:
    if link is None:
        info = screen.sidebar.runs.get(fork)
        link = info.parent if info is not None else None
    if link is None:
        link = await _read_link(screen, fork)
    if link is None:
        screen.notify(f"{short_id(fork)} is not a fork: its first event is not a fork event")
        return
    parent, turn = link
    info = listed_parent(screen.sidebar.runs, parent)
    run_id = info.run_id if info is not None else parent
    try:
        seq: Seq | None = await find_turn(screen.broker, run_id, turn)
    except RunNotFoundError:
        screen.notify(
            f"the parent run {short_id(parent)} is in neither the broker nor the logs",
            severity="warning",
        )
        return
    except TurnNotFound:
        seq = None
    except BrokerError as exc:
        screen.notify(f"could not read the parent run: {exc}", severity="error")
        return
    if screen.closing:
        return
    screen.open_run(run_id, seq)
    where = f"turn {turn}" if seq is not None else f"its end (turn {turn} is not there)"
    screen.notify(f"parent {short_id(parent)} of fork {short_id(fork)}, at {where}")


async def _read_link(screen: WatchScreen, fork: str) -> tuple[str, int] | None:
    try:
        first = await screen.broker.read_range(fork, 1, count=FIRST_EVENTS)
    except BrokerError:
        return None
    return next((link for e in first.envelopes if (link := parent_of(e)) is not None), None)
