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
        """The widest form that fits: the broker's description gives way first (its demo note,
        then itself), then the state takes its short form; the app name, the run, the state
        and the clock stay (issue 10: at 80 columns the demo's header lost its state)."""
        now = self.clock.monotonic()
        tone = self.connection.tone(now).value
        dot = (f"{DOTS[tone]} ", self.get_component_rich_style(f"tone-{tone}"))
        describe = self.connection.describe(now, self.clock.tz)
        brief = self.connection.brief(now)
        clock = f" {self.clock.now().astimezone(self.clock.tz):%H:%M:%S} "
        demo = " · built-in synthetic arena" if self.demo else ""
        forms = [(demo, self.description, describe), ("", self.description, describe)]
        forms += [("", self.description, brief), ("", "", brief)]
        for note, where, state in forms:
            text = self._line(note, where, Text.assemble(dot, state))
            if text.cell_len + len(clock) <= self.size.width:
                break
        room = self.size.width - text.cell_len - len(clock)
        if room > 1:
            text.append(" " + "─" * (room - 1))
        text.append(clock)
        return text

    def _line(self, note: str, where: str, state: Text) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" arena-tui ", "bold")
        if where:
            text.append("── ")
            text.append(where)
            text.append(note, "italic")
            text.append(" ")
        if self.run_title:
            text.append("── ")
            text.append(self.run_title, "bold")
            text.append(" ")
        text.append("── ")
        text.append(state)
        return text
