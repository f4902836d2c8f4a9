"""The one-line header: app name, where the broker is (password masked), connection dot, clock."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from arena_tui.broker.clock import Clock, SystemClock
from arena_tui.model.connection import Connection

DOTS = {"good": "●", "wait": "●", "warn": "●", "bad": "●", "done": "✓"}


class ArenaHeader(Widget):
    """``arena-tui ── redis://host:6379/0 (password hidden) ── ● live ──── 19:42:07``."""

    DEFAULT_CSS = """
    ArenaHeader { height: 1; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "tone-good",
        "tone-wait",
        "tone-warn",
        "tone-bad",
        "tone-done",
    }

    connection: reactive[Connection] = reactive(Connection)
    run_title: reactive[str] = reactive("")

    def __init__(
        self, description: str, *, demo: bool, clock: Clock | None = None, id: str | None = None
    ) -> None:
        """``description`` is the broker's own, already safe to show (passwords masked)."""
        super().__init__(id=id)
        self.description = description
        self.demo = demo
        self.clock = clock or SystemClock()

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh)

    def render(self) -> Text:
        now = self.clock.monotonic()
        tone = self.connection.tone(now)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" arena-tui ", "bold")
        text.append("── ")
        text.append(self.description)
        if self.demo:
            text.append(" · built-in synthetic arena", "italic")
        if self.run_title:
            text.append(" ── ")
            text.append(self.run_title, "bold")
        text.append(" ── ")
        text.append(f"{DOTS[tone.value]} ", self.get_component_rich_style(f"tone-{tone.value}"))
        text.append(self.connection.describe(now, self.clock.tz))
        clock = f" {self.clock.now().astimezone(self.clock.tz):%H:%M:%S} "
        room = self.size.width - text.cell_len - len(clock)
        if room > 1:
            text.append(" " + "─" * (room - 1))
        text.append(clock)
        return text
