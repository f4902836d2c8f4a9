"""The run's log rows above its first retained seq, unnumbered, when they do not line up.

Redis trimmed seqs ``1..F-1`` of the run and its DuckDB log holds the run, but the first
retained events sit at another row of the log than ``F`` (holes in Redis's seqs, or extra rows
in the log), or nowhere as a block. Giving a log row a seq would then invent one. So the start
gap row stays (seqs ``1..F-1`` are still trimmed, and still counted lost) and becomes a banner
giving both counts (``DiskPrefix``), and the log's rows are shown above it as
``UnnumberedRow``s. A run can hold a million rows, so they are read in pages like the seqs
below them: a ``Purpose.DISK`` read whose ``from_seq`` is a log row, asked when the cursor moves
past the top of the window (older rows), or past its last unnumbered row after the window
dropped its bottom (newer rows, then the banner, then the seqs again by ordinary reads).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from arena_tui.broker.models import Envelope, ReadResult
from arena_tui.broker.protocol import Direction
from arena_tui.model.log.edits import append, settle, want_more
from arena_tui.model.log.requests import Fetch, Purpose
from arena_tui.model.rows import DiskPrefix, GapKind, GapRow, Row, UnnumberedRow

if TYPE_CHECKING:
    from arena_tui.model.log.view import LogView


def on_disk_prefix(view: LogView, prefix: DiskPrefix) -> LogView:
    """The log's rows before ``prefix.available_from`` are known: a start gap row of that seq in
    the window becomes the banner, with the rows to read above it; later start gaps too."""
    if view.disk == prefix:
        return view
    new = replace(view, disk=prefix)
    gap = view.rows[0] if view.at_start and view.rows else None
    if not isinstance(gap, GapRow) or gap.kind is not GapKind.TRIMMED or gap.first != 1:
        return new
    if gap.last != prefix.trimmed:
        return new
    rows = (replace(gap, disk=prefix), *view.rows[1:])
    return replace(new, rows=rows, at_start=prefix.rows == 0)


def opens_run(rows: Sequence[Row]) -> bool:
    """No unnumbered log rows are left to read above ``rows``' first (a banner with rows)."""
    head = rows[0] if rows else None
    return not (isinstance(head, GapRow) and head.disk is not None and head.disk.rows > 0)


def past_top(view: LogView, move: int) -> LogView | None:
    """Moving ``move`` rows above a window topped by the banner or an unnumbered row: read
    the log rows above it (None: the top row is not the log's)."""
    top = view.rows[0] if view.rows else None
    if isinstance(top, GapRow) and top.disk is not None:
        return _want(view, top.disk.rows, "backward", move)
    if isinstance(top, UnnumberedRow):
        return _want(view, top.index - 1, "backward", move)
    return None


def past_bottom(view: LogView, move: int) -> LogView | None:
    """Moving ``move`` rows below a window that ends on an unnumbered row: read the next."""
    bottom = view.rows[-1] if view.rows else None
    if isinstance(bottom, UnnumberedRow):
        return _want(view, bottom.index + 1, "forward", move)
    return None


def _want(view: LogView, row: int, direction: Direction, move: int) -> LogView | None:
    if view.disk is None:
        return None
    asked = want_more(view, Purpose.DISK, row, direction, move)
    assert asked.want is not None
    return replace(asked, want=replace(asked.want, prefix_of=view.disk.available_from))


def on_fetched(view: LogView, fetch: Fetch, result: ReadResult) -> LogView:
    """Log rows a ``Purpose.DISK`` read brought (their ``seq`` is their row in the log)."""
    view = replace(view, want=None, loaded=True)
    disk = view.disk
    if disk is None or not view.rows or disk.available_from != fetch.prefix_of:
        return view
    if fetch.direction == "backward":
        new = _prepend(view, disk, result.envelopes)
    else:
        new = _append(view, disk, result.envelopes)
    return new.move(fetch.move) if fetch.move else settle(new)


def _prepend(view: LogView, disk: DiskPrefix, envelopes: Sequence[Envelope]) -> LogView:
    top = view.rows[0]
    below = top.index if isinstance(top, UnnumberedRow) else disk.rows + 1
    rows = [UnnumberedRow(e.seq, e) for e in envelopes if e.seq < below]
    shift = len(rows)
    new = replace(
        view,
        rows=(*rows, *view.rows),
        cursor=view.cursor + shift,
        top=view.top + shift,
        at_start=not rows or rows[0].index <= 1,  # nothing came back: nothing more to read
    )
    overflow = len(new.rows) - new.max_rows
    if overflow > 0:
        new = replace(new, rows=new.rows[:-overflow], at_head=False)
    return replace(new, cursor=min(new.cursor, len(new.rows) - 1))


def _append(view: LogView, disk: DiskPrefix, envelopes: Sequence[Envelope]) -> LogView:
    bottom = view.rows[-1]
    if not isinstance(bottom, UnnumberedRow):
        return view
    added: list[Row] = [UnnumberedRow(e.seq, e) for e in envelopes if e.seq > bottom.index]
    newest = added[-1] if added else bottom
    if not added or (isinstance(newest, UnnumberedRow) and newest.index >= disk.rows):
        added.append(GapRow(GapKind.TRIMMED, 1, disk.trimmed, disk))
    return append(view, added)
