"""Moving through the layout: "one shown row down" as the ``LogView.move`` that gets there.

The vocabulary (as in Textual's document navigator): a *row* is an index into
``LogView.rows``; a *shown position* is an index into ``Layout.shown`` (the rows the filter
keeps); a *display line* is a line of the pane (a wrapped row takes several). The functions
below turn moves in shown positions and display lines into moves of the view's cursor, so the
view's rules (pause on moving up, follow at the newest row, read the next page past the
window's edge) stay the only rules.

The view's cursor may sit on a hidden row (following a live tail whose newest event is
filtered out, or a read that landed on one); the pane then highlights the nearest shown row at
or before it (``Layout.shown_at``), and ``snap`` moves a paused cursor onto a shown row in the
direction the user was going, reading further pages while there is none in the window.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING

from arena_tui.model.log.layout import Layout

if TYPE_CHECKING:
    from arena_tui.model.log.view import LogView

CONTEXT = 3
"""Lines kept above the cursor after a jump."""


def step(view: LogView, layout: Layout, delta: int) -> LogView:
    """Move ``delta`` shown rows (negative: up); past the window's edge, read the next page.

    Steps count from the row drawn as the cursor (``shown_at``), so when the view's cursor is on
    a hidden row, "up" goes to the shown row above the highlighted one, as the user sees it.
    """
    if not view.rows or delta == 0:
        return view
    if not layout.shown:
        return _beyond(view, delta)
    pos = layout.shown_at(view.cursor)
    assert pos is not None
    target = pos + delta  # from the row drawn as the cursor, as the user sees it
    if target < 0:
        if view.at_start:
            return view.move(layout.shown[0] - view.cursor)
        return _beyond(view, -1)
    if target >= len(layout.shown):
        return _beyond(view, 1)  # at the head this reaches the newest row and follows
    return view.move(layout.shown[target] - view.cursor)


def snap(view: LogView, layout: Layout, direction: int) -> LogView:
    """Put a paused cursor that sits on a hidden row onto the next shown row in ``direction``.

    When none is left in the window that way, ask for the next page (the move finishes when it
    arrives, and the pane snaps again); at the run's edge, fall back to the other direction.
    """
    if view.following or not view.rows or view.want is not None:
        return view
    cursor = view.cursor
    i = bisect_left(layout.shown, cursor)
    if i < len(layout.shown) and layout.shown[i] == cursor:
        return view
    ahead = i < len(layout.shown)
    behind = i > 0
    if direction >= 0:
        if ahead:
            return view.move(layout.shown[i] - cursor)
        if not view.at_head:
            return _beyond(view, 1)
        return view.move(layout.shown[i - 1] - cursor) if behind else view
    if behind:
        return view.move(layout.shown[i - 1] - cursor)
    if not view.at_start:
        return _beyond(view, -1)
    return view.move(layout.shown[i] - cursor) if ahead else view


def settle_top(
    layout: Layout, top: int, height: int, pos: int | None, *, following: bool, context: bool
) -> int:
    """The first display line to draw so the cursor's row (shown position ``pos``) is on screen."""
    total = layout.total
    if following:
        top = total - height
    elif pos is not None:
        first, last = layout.lines_of(pos)
        if context and not top <= first <= last < top + height:
            top = first - min(CONTEXT, height // 4)
        elif first < top:
            top = first
        elif last >= top + height:
            top = last - height + 1
    return min(max(top, 0), max(0, total - height))


def cursor_on_screen(view: LogView, layout: Layout, top: int, height: int) -> LogView:
    """The user scrolled to display line ``top``: a cursor now off screen moves onto the
    nearest line still on it (which pauses following, as any move away from the newest)."""
    pos = layout.shown_at(view.cursor)
    if pos is None:
        return view
    first, last = layout.lines_of(pos)
    if top <= first and last < top + height:
        return view
    line = top if first < top else top + height - 1
    found = layout.at_line(min(line, layout.total - 1))
    return view.select(layout.shown[found[0]]) if found is not None else view


def _beyond(view: LogView, direction: int) -> LogView:
    """Move one row past the window's edge in ``direction`` (a read, if there is more)."""
    if direction > 0:
        return view.move(len(view.rows) - view.cursor)
    return view.move(-view.cursor - 1)
