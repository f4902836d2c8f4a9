"""Which of the window's rows are on screen, on which lines: the filter and wrap projection.

``LogView`` holds every row of its window and knows nothing of the filter (``f``) or of wrapped
summaries (``w``); both are a projection of its rows. ``Layout`` is that projection: the indexes
of the rows shown (events the filter keeps, and every gap or mark row, which are never hidden)
and the display line each one starts on (a wrapped row takes several lines). The pane draws
lines from it, and the functions below turn "one shown row down" into the ``LogView.move``
that gets there, so the view's rules (pause on moving up, follow at the newest row, read the
next page past the window's edge) stay the only rules.

The view's cursor may sit on a hidden row (following a live tail whose newest event is
filtered out, or a read that landed on one); the pane then highlights the nearest shown row at
or before it (``shown_at``), and ``snap`` moves a paused cursor onto a shown row in the
direction the user was going, reading further pages while there is none in the window.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from arena_tui.model.log_view import LogView
from arena_tui.model.rows import Row

CONTEXT = 3
"""Lines kept above the cursor after a jump."""


@dataclass(frozen=True, slots=True)
class Layout:
    shown: Sequence[int]
    """Indexes into ``LogView.rows`` of the rows on screen, ascending."""
    starts: Sequence[int]
    """First display line of each shown row, plus the total line count at the end."""

    @property
    def total(self) -> int:
        return self.starts[-1]

    @property
    def identity(self) -> bool:
        return isinstance(self.shown, range) and isinstance(self.starts, range)

    def shown_at(self, index: int) -> int | None:
        """Position (in ``shown``) of the nearest shown row at or before row ``index``.

        The first shown row when none is before it; None when nothing is shown.
        """
        if not self.shown:
            return None
        return max(0, bisect_right(self.shown, index) - 1)

    def at_line(self, line: int) -> tuple[int, int] | None:
        """The shown position drawn on display ``line`` and the line within that row."""
        if not 0 <= line < self.total:
            return None
        pos = bisect_right(self.starts, line) - 1
        return pos, line - self.starts[pos]

    def lines_of(self, pos: int) -> tuple[int, int]:
        """First and last display line of shown position ``pos``."""
        return self.starts[pos], self.starts[pos + 1] - 1


def build_layout(
    rows: Sequence[Row],
    keep: Callable[[Row], bool] | None = None,
    height: Callable[[Row], int] | None = None,
) -> Layout:
    """The layout of ``rows``; ``keep`` None shows all, ``height`` None is one line per row."""
    n = len(rows)
    if keep is None and height is None:
        return Layout(range(n), range(n + 1))
    shown = [i for i, row in enumerate(rows) if keep is None or keep(row)]
    if height is None:
        return Layout(shown, range(len(shown) + 1))
    starts = [0]
    for i in shown:
        starts.append(starts[-1] + max(1, height(rows[i])))
    return Layout(shown, starts)


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


def _beyond(view: LogView, direction: int) -> LogView:
    """Move one row past the window's edge in ``direction`` (a read, if there is more)."""
    if direction > 0:
        return view.move(len(view.rows) - view.cursor)
    return view.move(-view.cursor - 1)
