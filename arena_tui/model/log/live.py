"""What the live tail brings to the log view: events, trims, reconnects, resets, the end.

Live events are appended only while the window holds the newest event (``at_head``); otherwise
they are counted (``new_count``, only those the filter shows) and reached later by a read. A
trim the tail fell behind becomes a gap row and a toast; a reset (the run started over) starts
the window again from a mark row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from arena_tui.broker.models import Envelope, Seq
from arena_tui.model.log.edits import append, newer_world, notify, settle
from arena_tui.model.rows import GapKind, GapRow, MarkRow, add_span, rows_from
from arena_tui.model.words import jump_text, reset_text

if TYPE_CHECKING:
    from arena_tui.model.log.view import LogView


def on_events(view: LogView, batch: Sequence[Envelope]) -> LogView:
    """Live events from the tail, in seq order. Appended when at the head, else counted."""
    if not batch:
        return view
    newest = batch[-1].seq
    seen = replace(
        view,
        tail_seq=max(view.tail_seq, newest),
        last_seq=max(view.last_seq, newest),
        world=newer_world(view.world, batch),
        finished=False,  # a tail that finished was started again: the run goes on
    )
    last = view.last_covered
    fresh = [e for e in batch if last is None or e.seq > last]
    if not fresh:
        return seen
    if not view.at_head:
        if view.following:  # a head read is on its way; it will bring these
            return seen
        return replace(seen, new_count=seen.new_count + _shown_count(view, fresh))
    if view.following and len(fresh) >= view.max_rows:
        # A burst bigger than the window replaces it: build only the rows that will be kept.
        rows = tuple(rows_from(fresh[-view.max_rows :]))
        return settle(replace(seen, rows=rows, cursor=len(rows) - 1, at_start=False))
    added = rows_from(fresh, after=last)
    if not view.following:
        seen = replace(seen, new_count=seen.new_count + _shown_count(view, fresh))
        excess = len(view.rows) + len(added) - view.max_rows
        if excess > 0 and view.cursor - excess < view.height:
            # Appending would push the cursor's page out: stop appending, count instead.
            return replace(seen, at_head=False)
    return append(seen, added)


def _shown_count(view: LogView, fresh: Sequence[Envelope]) -> int:
    flt = view.count_filter
    return sum(1 for e in fresh if flt.matches(e)) if flt.active else len(fresh)


def on_trimmed(view: LogView, requested: Seq, available_from: Seq) -> LogView:
    """The tail fell behind a trimming stream: ``[requested, available_from)`` is gone."""
    trimmed = replace(
        view,
        available_from=max(view.available_from, available_from),
        tail_seq=max(view.tail_seq, available_from - 1),
        last_seq=max(view.last_seq, available_from - 1),
        lost=add_span(view.lost, requested, available_from - 1),
    )
    trimmed = notify(trimmed, jump_text(requested, available_from), "warning")
    if not view.at_head:
        return trimmed
    return append(trimmed, [GapRow(GapKind.TRIMMED, requested, available_from - 1)])


def on_reconnected(view: LogView, seconds: float) -> LogView:
    """The tail is back after ``seconds``: a mark row where it happened (at the head)."""
    if not view.at_head or not view.rows:
        return view
    return append(view, [MarkRow(view.rows[-1].last, f"⟳ reconnected after {seconds:.0f} s")])


def on_reset(view: LogView, last_seen_seq: Seq, new_last_seq: Seq) -> LogView:
    """The run started over (Redis restarted without persistence): what the window holds
    is another run's past. Start again from a mark row; the new run's events follow it."""
    text = f"{reset_text(last_seen_seq)}; showing the new run"
    fresh = replace(
        view,
        rows=(MarkRow(0, f"⟲ {text}"),),
        cursor=0,
        top=0,
        following=True,
        new_count=0,
        at_head=True,
        at_start=True,
        loaded=True,
        finished=False,
        available_from=0,
        last_seq=new_last_seq,
        tail_seq=0,
        lost=(),
        want=None,
        world=None,
        disk=None,
    )
    return notify(fresh, text, "warning")


def on_finished(view: LogView) -> LogView:
    return replace(view, finished=True)


def on_run_info(view: LogView, available_from: Seq, last_seq: Seq) -> LogView:
    """What the run listing says about this run now (first retained and newest seq)."""
    return replace(
        view,
        available_from=available_from or view.available_from,
        last_seq=max(view.last_seq, last_seq),
    )
