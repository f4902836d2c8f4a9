"""Which of the window's rows are on screen, on which lines: the filter and wrap projection.

``LogView`` holds every row of its window and knows nothing of the filter (``f``) or of wrapped
summaries (``w``); both are a projection of its rows. ``Layout`` is that projection: the indexes
of the rows shown (events the filter keeps, and every gap or mark row, which are never hidden)
and the display line each one starts on (a wrapped row takes several lines). The pane draws
lines from it; ``navigator`` moves the view's cursor through it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from arena_tui.model.rows import Row


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
