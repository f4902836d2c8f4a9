"""The small steps every transition of the log view is made of.

Ask for a read (``want``, ``want_more``), tell the user (``notify``, ``jumped``), grow the
window (``append``, ``with_start_gap``), keep it bounded (``trim_window``) and keep the cursor
on screen (``settle``). Each takes a view and returns a new one; none is a transition a user
or the tail triggers by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from arena_tui.broker.models import Envelope, Seq
from arena_tui.broker.protocol import Direction
from arena_tui.model.log.requests import Fetch, Purpose, Toast
from arena_tui.model.rows import GapKind, GapRow, Row, add_span
from arena_tui.model.words import jump_text

if TYPE_CHECKING:
    from arena_tui.model.log.view import LogView


def want(
    view: LogView,
    purpose: Purpose,
    from_seq: Seq,
    direction: Direction,
    *,
    target: Seq | None = None,
    turn: int | None = None,
    move: int = 0,
    step: int = 0,
    agent: str | None = None,
    back: int = 0,
) -> LogView:
    """Ask for a page read (a new ``Fetch`` id: any read in flight becomes stale)."""
    fetch_id = view.fetch_counter + 1
    fetch = Fetch(
        fetch_id, purpose, from_seq, direction, view.page, target, turn, move, step, agent, back
    )
    return replace(view, want=fetch, fetch_counter=fetch_id)


def jump(view: LogView, seq: Seq) -> LogView:
    """Read around ``seq`` (outside the window): from a screen above it, so it lands with
    context above it, and first only what the screen shows (the rest of the page is read once
    that is painted). A trimmed seq is reported by the read."""
    back = view.height
    asked = want(
        replace(view, following=False), Purpose.JUMP, max(1, seq - back), "forward", target=seq
    )
    assert asked.want is not None
    count = min(view.page, view.screenful + back)
    return replace(asked, want=replace(asked.want, count=count))


def beyond_end(view: LogView, seq: Seq, last: Seq, *, finished: bool) -> LogView:
    """Say that ``seq`` is past the run's last seq ``last``."""
    if finished:
        return notify(view, f"the run ended at seq {last:,}: showing its last event")
    return notify(view, f"seq {seq:,} is not written yet; the newest is {last:,}")


def want_more(
    view: LogView, purpose: Purpose, from_seq: Seq, direction: Direction, move: int
) -> LogView:
    """Ask for the next page, or add ``move`` to the same request while it is in flight."""
    pending = view.want
    if pending is not None and pending.purpose is purpose and pending.from_seq == from_seq:
        return replace(view, want=replace(pending, move=pending.move + move))
    return want(view, purpose, from_seq, direction, move=move)


def notify(view: LogView, text: str, severity: str = "information") -> LogView:
    next_id = view.toast.id + 1 if view.toast else 1
    return replace(view, toast=Toast(next_id, text, severity))


def jumped(view: LogView, requested: Seq, available_from: Seq) -> LogView:
    """A read skipped ``[requested, available_from)``: count it lost and say so."""
    view = replace(view, lost=add_span(view.lost, requested, available_from - 1))
    return notify(view, jump_text(requested, available_from), "warning")


def with_start_gap(
    view: LogView, rows: list[Row], available_from: Seq
) -> tuple[list[Row], LogView]:
    """``rows`` start the run: put a gap row for seqs ``1..available_from - 1`` before them
    (the banner of the log's unnumbered rows, when they are known for that seq: ``disk``)."""
    if available_from <= 1:
        return rows, view
    disk = view.disk if view.disk and view.disk.available_from == available_from else None
    gap = GapRow(GapKind.TRIMMED, 1, available_from - 1, disk)
    return [gap, *rows], replace(view, lost=add_span(view.lost, 1, available_from - 1))


def append(view: LogView, added: Sequence[Row]) -> LogView:
    if not added:
        return view
    rows = (*view.rows, *added)
    grown = replace(view, rows=rows)
    if view.following:
        grown = replace(grown, cursor=len(rows) - 1)
    return settle(trim_window(grown))


def trim_window(view: LogView) -> LogView:
    """Drop rows above the cursor's page until at most ``max_rows`` remain."""
    excess = len(view.rows) - view.max_rows
    if excess <= 0:
        return view
    excess = min(excess, max(0, view.cursor - view.height))
    if excess <= 0:
        return view
    return replace(
        view,
        rows=view.rows[excess:],
        cursor=view.cursor - excess,
        top=max(0, view.top - excess),
        at_start=False,
    )


def settle(view: LogView, *, context: bool = False) -> LogView:
    """Clamp the cursor and scroll so it is on screen (with a few rows above after a jump)."""
    n = len(view.rows)
    cursor = min(max(view.cursor, 0), max(0, n - 1))
    top = view.top
    if view.following:
        top = n - view.height
    elif context:
        top = cursor - min(3, view.height // 4)
    elif cursor < top:
        top = cursor
    elif cursor >= top + view.height:
        top = cursor - view.height + 1
    top = min(max(top, 0), max(0, n - view.height))
    if cursor == view.cursor and top == view.top:
        return view
    return replace(view, cursor=cursor, top=top)


def newer_world(current: Envelope | None, envelopes: Sequence[Envelope]) -> Envelope | None:
    """The newest ``turn_start`` among ``envelopes``, if newer than ``current``."""
    for envelope in reversed(envelopes):
        if envelope.event.kind == "turn_start":
            if current is None or envelope.seq > current.seq:
                return envelope
            break
    return current
