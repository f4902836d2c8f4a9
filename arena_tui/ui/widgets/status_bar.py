"""The status bar: one connection state, follow state, position, first available, rate, losses.

``● live · FOLLOWING · seq 8,412 / 8,412 · first available 4,204 · 310 ev/s · lost to trim: 4,203``

What each field means, and what gives way in a narrow terminal, is ``model.status``'s. The
features of the watch screen (filter, search, replay) hand their state to ``show_features``,
which words it: the screen passes what it holds and never composes status text itself.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from arena_tui.broker.clock import Clock, SystemClock
from arena_tui.model.connection import Connection
from arena_tui.model.log import LogView
from arena_tui.model.match import EventFilter
from arena_tui.model.rate import RateMeter
from arena_tui.model.status import SEPARATOR, Facts, fields, fit
from arena_tui.model.tally import Tally


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
    """What navigation adds after the mode: the filter, the search (issue 4)."""
    replay: reactive[str | None] = reactive(None)
    """The replay's label (``▶ 10x``) while a replay is on: it replaces FOLLOWING / PAUSED."""
    prompt: reactive[tuple[str, str] | None] = reactive(None)
    """The ``g`` prompt's text and its hint or error while it is open: it replaces the fields."""

    def __init__(self, *, clock: Clock | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock or SystemClock()

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh)

    def show_features(
        self, flt: EventFilter, tally: Tally, search: str | None, replay: str | None
    ) -> None:
        """The filter (with how many retained events it hides), the search and the replay; set
        only when they differ, so an unchanged state costs no refresh."""
        extras: list[str] = []
        if flt.active:
            extras.append(f"filter: {flt.describe()} · {tally.hidden(flt):,} hidden")
        if search is not None:
            extras.append(search)
        if tuple(extras) != self.extras:
            self.extras = tuple(extras)
        if replay != self.replay:
            self.replay = replay

    def watch_view(self, view: LogView) -> None:
        self.set_class(view.following, "-following")
        self.set_class(not view.following, "-paused")

    def render(self) -> Text:
        if self.prompt is not None:
            typed, hint = self.prompt
            text = Text(no_wrap=True, overflow="ellipsis")
            text.append(" go to… ", self.get_component_rich_style("status-bar--nav"))
            text.append(f"{typed}▏  ")
            return text.append(hint, self.get_component_rich_style("tone-wait"))
        view, style = self.view, self.get_component_rich_style
        now = self.clock.monotonic()
        tone = self.connection.tone(now)
        facts = Facts(
            connection=self.connection,
            run_id=view.run_id,
            following=view.following,
            new_count=view.new_count,
            cursor_seq=view.cursor_seq,
            last_seq=view.last_seq,
            available_from=view.available_from,
            finished=view.finished,
            rate=self.rate.rate(now),
            replay=self.replay,
            nav=self.extras,
        )
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" ● ", style(f"tone-{tone.value}"))
        width = max(1, self.size.width - 4) if self.size.width else 200
        for index, (part, part_style) in enumerate(fit(fields(facts, now, self.clock.tz), width)):
            if index:
                text.append(SEPARATOR)
            text.append(part, style(part_style) if part_style else "")
        return text
