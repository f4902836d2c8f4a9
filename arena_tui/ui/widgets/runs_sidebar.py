"""The runs sidebar: every run the broker holds, open first, with the user's place kept by id.

The screen polls the broker and sets ``runs`` (a ``RunList`` model value); the sidebar only
draws its rows (runs grouped by operation, forks under their parent: ``model.groups``) under a
fixed column heading, and reports what the user did: ``RunSelected`` when a run is chosen (Enter
or click). Left / Right / ``z`` fold and unfold the group under the cursor, as in a tree view.
Open runs carry a sparkline of their events/s over the last polls (``activity``).

It is a line-API ``ScrollView`` like the log pane, not an ``OptionList``: an option list
measures and renders every option whenever its options are replaced, and the list is replaced
on every poll, so with 1,000 runs each poll and each key press cost ~0.5 s. Here a poll only
swaps the model value and a frame renders the rows on screen, whatever the number of runs.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from arena_tui.broker.clock import Clock, SystemClock
from arena_tui.broker.models import RunInfo, RunStatus
from arena_tui.model.activity import SAMPLES, Activity
from arena_tui.model.groups import GroupRow
from arena_tui.model.runs import RunList
from arena_tui.ui.keys import bindings
from arena_tui.ui.widgets.run_rows import group_line, heading, run_line
from arena_tui.ui.widgets.scroll import set_virtual_size

HEADING = 1
"""The column heading's lines, fixed above the rows (they scroll under it)."""


class RunsSidebar(ScrollView, can_focus=True):
    """Draws a ``RunList``; posts ``RunSelected``. Only the rows on screen are rendered."""

    DEFAULT_CSS = """
    RunsSidebar > .runs-sidebar--cursor {
        background: $block-cursor-blurred-background;
    }
    RunsSidebar:focus > .runs-sidebar--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"runs-sidebar--cursor"}
    BINDINGS: ClassVar[list[BindingType]] = bindings("runs")

    runs: var[RunList] = var(RunList, always_update=True)
    activity: var[Activity] = var(Activity)

    class RunSelected(Message):
        def __init__(self, run_id: str) -> None:
            super().__init__()
            self.run_id = run_id

    def __init__(self, *, clock: Clock | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock or SystemClock()
        self._now = self.clock.now()

    # -- state in -----------------------------------------------------------------------

    def watch_runs(self, runs: RunList) -> None:
        self.border_title = runs.title
        self._now = self.clock.now()
        set_virtual_size(self, Size(self.scrollable_content_region.width, len(runs.rows) + 1))
        self.refresh()

    def watch_activity(self) -> None:
        self.refresh()

    @property
    def highlighted(self) -> int | None:
        """The index (in ``runs.rows``) of the highlighted row, if any."""
        return self.runs.row_index(self.runs.highlighted)

    # -- user input -----------------------------------------------------------------------

    def _highlight(self, index: int) -> None:
        rows = self.runs.rows
        if not rows:
            return
        index = max(0, min(index, len(rows) - 1))
        self.runs = self.runs.highlight(rows[index].row_id)
        self.scroll_to_region_of(index)

    def scroll_to_region_of(self, index: int) -> None:
        height = self.scrollable_content_region.height - HEADING
        top = round(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif height > 0 and index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False)

    def action_move(self, delta: int) -> None:
        current = self.highlighted
        self._highlight(0 if current is None else current + delta)

    def action_page(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height - HEADING - 1)
        self.action_move(direction * step)

    def action_move_to(self, index: int) -> None:
        self._highlight(index if index >= 0 else len(self.runs.rows) - 1)

    def action_select(self) -> None:
        """Enter: open the highlighted run; on a group row, fold or unfold it."""
        highlighted = self.runs.highlighted
        if highlighted is None or self.highlighted is None:
            return
        if isinstance(self.runs.rows[self.highlighted], GroupRow):
            self.action_fold()
        else:
            self.post_message(self.RunSelected(highlighted))

    def action_fold(self, folded: str = "toggle") -> None:
        """Fold (``fold``), unfold (``unfold``) or toggle the group under the cursor (the cursor
        on one of its runs folds the group and moves to its row)."""
        want = {"fold": True, "unfold": False}.get(folded)
        runs = self.runs
        if want is False and runs.group_of(runs.highlighted) is None:
            return
        self.runs = runs.fold(runs.highlighted, want)
        if (index := self.highlighted) is not None:
            self.scroll_to_region_of(index)

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < HEADING:  # the border, the scrollbar, the heading
            return
        index = offset.y - HEADING + round(self.scroll_y)
        if 0 <= index < len(self.runs.rows):
            self._highlight(index)
            self.action_select()

    # -- drawing --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        runs = self.runs
        if not runs.rows:
            if y == 0:
                note = runs.problem or ("waiting for runs…" if not runs.loaded else "no runs")
                return Strip([Segment(f" {note}", base + Style(dim=True))]).crop_extend(
                    0, width, base
                )
            return Strip.blank(width, base)
        if y < HEADING:
            text = heading(width)
        else:
            index = y - HEADING + round(self.scroll_y)
            if index >= len(runs.rows):
                return Strip.blank(width, base)
            row = runs.rows[index]
            if isinstance(row, GroupRow):
                text = group_line(row, width, opened=runs.group_of(runs.opened) == row)
            else:
                info = row.info
                text = run_line(
                    info,
                    self._now,
                    width,
                    depth=row.depth,
                    opened=info.run_id == runs.opened,
                    spark=self._spark(info),
                )
            if row.row_id == runs.highlighted:
                style = base + self.get_component_rich_style("runs-sidebar--cursor")
                segments = list(text.render(self.app.console, end=""))
                return Strip(Segment.apply_style(segments, style)).crop_extend(0, width, style)
        segments = list(text.render(self.app.console, end=""))
        return Strip(Segment.apply_style(segments, base)).crop_extend(0, width, base)

    def _spark(self, info: RunInfo) -> str:
        if info.status is RunStatus.FINISHED:
            return " " * SAMPLES
        return self.activity.spark(info.run_id)
