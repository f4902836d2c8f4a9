"""The runs sidebar: every run the broker holds, open first, with the user's place kept by id.

The screen polls the broker and sets ``runs`` (a ``RunList`` model value); the sidebar only
draws it and reports what the user did: ``RunSelected`` when a run is chosen (Enter or click).
Open runs carry a sparkline of their events/s over the last polls (``activity``).

It is a line-API ``ScrollView`` like the log pane, not an ``OptionList``: an option list
measures and renders every option whenever its options are replaced, and the list is replaced
on every poll, so with 1,000 runs each poll and each key press cost ~0.5 s. Here a poll only
swaps the model value and a frame renders the rows on screen, whatever the number of runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
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
from arena_tui.model.runs import ICONS, RunList, age, badge
from arena_tui.model.summary import short_id
from arena_tui.ui.keys import bindings

STATUS_STYLE = {RunStatus.OPEN: "green", RunStatus.STALE: "yellow", RunStatus.FINISHED: "dim"}


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
        self.virtual_size = Size(self.scrollable_content_region.width, max(1, len(runs.runs)))
        self.refresh()

    def watch_activity(self) -> None:
        self.refresh()

    @property
    def highlighted(self) -> int | None:
        """The row of the highlighted run, if any."""
        return self.runs.index(self.runs.highlighted)

    # -- user input -----------------------------------------------------------------------

    def _highlight(self, index: int) -> None:
        runs = self.runs.runs
        if not runs:
            return
        index = max(0, min(index, len(runs) - 1))
        self.runs = self.runs.highlight(runs[index].run_id)
        self.scroll_to_region_of(index)

    def scroll_to_region_of(self, index: int) -> None:
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif height and index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False)

    def action_move(self, delta: int) -> None:
        current = self.highlighted
        self._highlight(0 if current is None else current + delta)

    def action_page(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height - 1)
        self.action_move(direction * step)

    def action_move_to(self, index: int) -> None:
        self._highlight(index if index >= 0 else len(self.runs.runs) - 1)

    def action_select(self) -> None:
        if self.runs.highlighted is not None and self.highlighted is not None:
            self.post_message(self.RunSelected(self.runs.highlighted))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:  # on the border or the scrollbar
            return
        index = offset.y + round(self.scroll_y)
        if 0 <= index < len(self.runs.runs):
            self._highlight(index)
            self.action_select()

    # -- drawing --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        runs = self.runs
        index = y + round(self.scroll_y)
        if not runs.runs:
            if y == 0:
                note = runs.problem or ("waiting for runs…" if not runs.loaded else "no runs")
                return Strip([Segment(f" {note}", base + Style(dim=True))]).crop_extend(
                    0, width, base
                )
            return Strip.blank(width, base)
        if index >= len(runs.runs):
            return Strip.blank(width, base)
        info = runs.runs[index]
        text = _prompt(info, self._now, opened=info.run_id == runs.opened, spark=self._spark(info))
        text.truncate(width, overflow="ellipsis")
        style = base
        if info.run_id == runs.highlighted:
            style = base + self.get_component_rich_style("runs-sidebar--cursor")
        segments = list(text.render(self.app.console, end=""))
        return Strip(Segment.apply_style(segments, style)).crop_extend(0, width, style)

    def _spark(self, info: RunInfo) -> str:
        if info.status is RunStatus.FINISHED:
            return " " * SAMPLES
        return self.activity.spark(info.run_id)


def _prompt(info: RunInfo, now: datetime, *, opened: bool, spark: str = "") -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{ICONS[info.status]} ", STATUS_STYLE[info.status])
    text.append(f"{badge(info):<5} ", "bold" if opened else "")
    text.append(f"{short_id(info.run_id):<9} ", "bold" if opened else "")
    text.append(f"{age(info, now):>8} ", "dim")
    text.append(f"{info.last_seq:>7,}")
    if spark:
        text.append(f" {spark}", STATUS_STYLE[info.status])
    return text
