"""The status bar: one connection state, follow state, position, first available, rate, losses.

``● live · FOLLOWING · seq 8,412 / 8,412 · first available 4,204 · 310 ev/s · lost to trim: 4,203``
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from arena_tui.broker.clock import Clock, SystemClock
from arena_tui.model.connection import Connection
from arena_tui.model.log import LogView
from arena_tui.model.rate import RateMeter


class StatusBar(Widget):
    DEFAULT_CSS = """
    StatusBar { height: 1; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "tone-good",
        "tone-wait",
        "tone-warn",
        "tone-bad",
        "tone-done",
        "status-bar--following",
        "status-bar--paused",
        "status-bar--lost",
        "status-bar--nav",
    }

    view: reactive[LogView] = reactive(LogView)
    connection: reactive[Connection] = reactive(Connection)
    rate: reactive[RateMeter] = reactive(RateMeter)
    extras: reactive[tuple[str, ...]] = reactive(tuple)
    """What navigation adds after the follow state: playback, filter, search (issue 4)."""

    def __init__(self, *, clock: Clock | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock or SystemClock()

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh)

    def watch_view(self, view: LogView) -> None:
        self.set_class(view.following, "-following")
        self.set_class(not view.following, "-paused")

    def render(self) -> Text:
        view, style = self.view, self.get_component_rich_style
        now = self.clock.monotonic()
        tone = self.connection.tone(now)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" ● ", style(f"tone-{tone.value}"))
        text.append(self.connection.describe(now, self.clock.tz))
        if not view.run_id:
            text.append(" · no run selected")
            return text
        text.append(" · ")
        if view.following:
            text.append("FOLLOWING", style("status-bar--following"))
        else:
            text.append("PAUSED", style("status-bar--paused"))
            if view.new_count:
                text.append(f" +{view.new_count:,} new", style("status-bar--paused"))
        for extra in self.extras:
            text.append(" · ")
            text.append(extra, style("status-bar--nav"))
        cursor = view.cursor_seq
        text.append(f" · seq {cursor:,} / {view.last_seq:,}" if cursor else " · seq – / –")
        if view.available_from:
            text.append(f" · first available {view.available_from:,}")
        text.append(f" · {self.rate.rate(now):,.0f} ev/s")
        lost = view.lost_count
        text.append(" · ")
        text.append(f"lost to trim: {lost:,}", style("status-bar--lost") if lost else "")
        return text
