"""A ``Fetch``'s result coming back to the log view: a new window, or a page above or below.

Only the latest request counts: a result whose ``Fetch.id`` is not ``view.want``'s, or that is
for another run, is dropped. A result that starts above what was asked for means the broker
trimmed the difference: a gap row and a toast say so, and ``lost`` counts it.

``prefix_readable``: the run's trimmed prefix can be read after all (its DuckDB log, locked by
the arena's writer while the gap was shown, was released and lines up exactly). The start gap
row gives way to those events in place: it is dropped and the page above the window is read,
as when the cursor moves above it, so the cursor stays on its event; they are not lost.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from arena_tui.broker.models import ReadResult, Seq
from arena_tui.model.log import disk
from arena_tui.model.log.edits import (
    append,
    beyond_end,
    jump,
    jumped,
    newer_world,
    notify,
    settle,
    trim_window,
    want,
    with_start_gap,
)
from arena_tui.model.log.requests import Fetch, Purpose
from arena_tui.model.rows import EventRow, GapKind, GapRow, Row, rows_from

if TYPE_CHECKING:
    from arena_tui.model.log.view import LogView


def on_fetched(view: LogView, fetch: Fetch, result: ReadResult, target: Seq | None) -> LogView:
    """Apply the read ``fetch`` asked for; ``target`` is the resolved seq of a turn seek."""
    if view.want is None or fetch.id != view.want.id or result.run_id != view.run_id:
        return view
    fetch = view.want  # the same request, with any move added while it was in flight
    landed = replace(
        view,
        want=None,
        loaded=True,
        available_from=result.available_from,
        last_seq=max(view.last_seq, result.last_seq),
        world=newer_world(view.world, result.envelopes),
    )
    target = target if target is not None else fetch.target
    match fetch.purpose:
        case Purpose.OPEN | Purpose.HEAD | Purpose.JUMP:
            return _replace_window(landed, fetch, result, target)
        case Purpose.OLDER:
            return _prepend(landed, fetch, result)
        case Purpose.NEWER:
            return _append_read(landed, fetch, result)
        case Purpose.DISK:  # log rows, not seqs: ``landed``'s seq facts do not apply
            return disk.on_fetched(view, fetch, result)


def on_fetch_failed(view: LogView, fetch: Fetch, message: str) -> LogView:
    if view.want is None or fetch.id != view.want.id:
        return view
    return notify(replace(view, want=None, loaded=True), message, "error")


def _replace_window(view: LogView, fetch: Fetch, result: ReadResult, target: Seq | None) -> LogView:
    envelopes = result.envelopes
    seeking = fetch.purpose is Purpose.JUMP or (fetch.purpose is Purpose.OPEN and bool(target))
    last = result.last_seq
    if (
        seeking
        and target
        and last
        and target > last
        and not any(e.seq >= target for e in envelopes)
    ):
        # ``--seq 5000`` or ``g 5000`` past the run's end: its last event, and say so.
        finished = view.finished or not result.is_open
        told = beyond_end(view, target, last, finished=finished)
        return jump(replace(told, rows=(), cursor=0, top=0, at_head=False, at_start=False), last)
    rows: list[Row] = rows_from(envelopes)
    new = replace(view, rows=(), cursor=0, top=0, at_start=False, at_head=False)
    if target is not None and 0 < target < result.available_from:
        new = jumped(new, target, result.available_from)
    reached_start = (fetch.direction == "backward" and len(envelopes) < fetch.count) or bool(
        envelopes and envelopes[0].seq <= result.available_from
    )
    if not envelopes and result.available_from == 0:
        reached_start = True
    if reached_start:
        rows, new = with_start_gap(new, rows, result.available_from)
    newest = envelopes[-1].seq if envelopes else 0
    reached_end = fetch.direction == "backward" or len(envelopes) < fetch.count
    at_head = reached_end and view.tail_seq <= newest
    at_start = reached_start and disk.opens_run(rows)
    new = trim_window(replace(new, rows=tuple(rows), at_start=at_start, at_head=at_head))
    if seeking:
        index = new.index_of_seq(target or 1)
        if index is not None and isinstance(new.rows[index], GapRow):
            index = min(index + 1, len(new.rows) - 1)
        cursor = index if index is not None else max(0, len(new.rows) - 1)
        # ``+N new`` keeps counting: it is what arrived since following stopped (Home, g and
        # [ ] move the cursor, they do not show the new events).
        new = settle(replace(new, cursor=cursor, following=False), context=True)
        if fetch.turn is not None:
            new = _name_the_turn(new, fetch.turn, result.available_from)
        if fetch.count < view.page and not at_head and new.last_covered is not None:
            # a jump's first, short read is in: the rest of its page follows
            return want(new, Purpose.NEWER, new.last_covered + 1, "forward")
        return new
    new = replace(new, cursor=max(0, len(new.rows) - 1), following=True, new_count=0)
    if not at_head:  # the tail moved on while we read: read the head again
        return want(new, Purpose.HEAD, 0, "backward")
    return settle(new)


def _name_the_turn(view: LogView, turn: int, available_from: Seq) -> LogView:
    """``g t41`` landed on another turn: say which, and why (trimmed, or no such turn)."""
    row = view.current
    if not isinstance(row, EventRow) or row.turn == turn:
        return view
    if available_from > 1 and row.seq <= available_from:
        text = (
            f"turn {turn} was trimmed by the broker: seq {row.seq:,} (turn {row.turn}) is the "
            "first retained event"
        )
        return notify(view, text, "warning")
    return notify(view, f"no event of turn {turn}: seq {row.seq:,} is turn {row.turn}")


def _prepend(view: LogView, fetch: Fetch, result: ReadResult) -> LogView:
    first = view.first_covered
    if first is None:
        return view
    older = [e for e in result.envelopes if e.seq < first]
    rows = rows_from(older)
    new = view
    if older and older[-1].seq < first - 1:
        rows.append(GapRow(GapKind.HOLE, older[-1].seq + 1, first - 1))
    reached_start = len(result.envelopes) < fetch.count or bool(
        older and older[0].seq <= result.available_from
    )
    if not older and result.available_from > first:
        # Trimmed while we looked: everything above the window is gone.
        new = notify(new, f"seq {first - 1:,} and older were trimmed by the broker", "warning")
    if reached_start:
        rows, new = with_start_gap(new, rows, min(result.available_from or first, first))
    shift = len(rows)
    new = replace(
        new,
        rows=(*rows, *new.rows),
        cursor=new.cursor + shift,
        top=new.top + shift,
        at_start=reached_start and disk.opens_run(rows),
    )
    overflow = len(new.rows) - new.max_rows
    if overflow > 0:
        new = replace(new, rows=new.rows[:-overflow], at_head=False)
    new = replace(new, cursor=min(new.cursor, len(new.rows) - 1))
    return new.move(fetch.move) if fetch.move else settle(new)


def _append_read(view: LogView, fetch: Fetch, result: ReadResult) -> LogView:
    last = view.last_covered
    if last is None:
        return view
    new = view
    added: list[Row] = []
    if result.available_from > last + 1:
        gone_to = result.available_from - 1
        new = jumped(new, last + 1, result.available_from)
        added.append(GapRow(GapKind.TRIMMED, last + 1, gone_to))
        last = gone_to
    added.extend(rows_from(result.envelopes, after=last))
    newest = added[-1].last if added else last
    reached_end = len(result.envelopes) < fetch.count
    new = append(new, added)
    new = replace(new, at_head=reached_end and view.tail_seq <= newest)
    return new.move(fetch.move) if fetch.move else settle(new)


def prefix_readable(view: LogView) -> LogView:
    """Seqs ``1..F-1`` shown as the start gap row can now be read (see the module docstring)."""
    gap = view.rows[0] if view.at_start and view.rows else None
    if not isinstance(gap, GapRow) or gap.kind is not GapKind.TRIMMED or gap.first != 1:
        return view
    if len(view.rows) < 2 or view.want is not None:
        return view
    lost = tuple((max(a, gap.last + 1), b) for a, b in view.lost if b > gap.last)
    new = replace(
        view,
        rows=view.rows[1:],
        cursor=max(0, view.cursor - 1),
        top=max(0, view.top - 1),
        at_start=False,
        available_from=1,
        lost=lost,
    )
    return want(new, Purpose.OLDER, gap.last, "backward")
