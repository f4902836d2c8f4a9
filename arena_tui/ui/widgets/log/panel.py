"""The log panel: the column header, the log pane and the detail pane, as one compound widget.

The screen composes the panel and talks to it; the panel keeps its three parts in step, as
toolong's ``LogView`` does for its lines, overlay and footer: the time column (``t``) changes
the pane's rows and the header's text together, wrapping (``w``) and the filter (``f``) are
the pane's projection, and the detail pane (Enter) follows the cursor while it is open and
scrolls from either of them (the panel's keys in ``ui.keys``). The replay (``p``) drives the
pane and belongs to the panel too.

Seams: ``pane`` is the only writer of the log's state (its intent methods); a feature that
needs room next to the log (a chart, a second pane) is composed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import Static

from arena_tui.broker.clock import Clock
from arena_tui.model.log import LogView
from arena_tui.model.match import FILTER_HELP, EventFilter, parse_filter
from arena_tui.model.tally import Tally
from arena_tui.ui.keys import bindings
from arena_tui.ui.screens.goto import GoToLine
from arena_tui.ui.screens.prompt import Cleared, PromptScreen
from arena_tui.ui.widgets.log.detail import DetailPane
from arena_tui.ui.widgets.log.lines import HEADER, NARROW_BELOW
from arena_tui.ui.widgets.log.pane import LogPane
from arena_tui.ui.widgets.log.replay import Replay

if TYPE_CHECKING:
    from arena_tui.ui.screens.watch import WatchScreen


class LogPanel(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = bindings("panel")

    def __init__(self, *, clock: Clock, changed: Callable[[], None], id: str | None = None) -> None:
        """``changed`` is told when what the status bar shows of the replay changed."""
        super().__init__(id=id)
        self.columns = Static(HEADER, id="log-columns", markup=False)
        self.pane = LogPane(clock=clock, id="log")
        self.detail = DetailPane(clock=clock, id="detail")
        self.replay = Replay(self.pane, clock, changed)
        self.goto = GoToLine(lambda: cast("WatchScreen", self.screen))

    def on_key(self, event: events.Key) -> None:
        """While the ``g`` prompt is open it takes every key (the log's and the detail's)."""
        if self.goto.is_open:
            self.goto.key(event)

    def compose(self) -> ComposeResult:
        yield self.columns
        yield self.pane
        yield self.detail

    def prompt_filter(self, tally: Tally) -> None:
        """``f``: the filter prompt, with the kinds and agents counted so far as a hint."""

        def filtered(result: object) -> None:
            if isinstance(result, Cleared):
                self.pane.set_filter(EventFilter())
            elif isinstance(result, EventFilter):
                self.pane.set_filter(result)
            self.pane.focus()

        kinds = " · ".join(f"{k} {n:,}" for k, n in tally.by_kind()) or "counting…"
        agents = " · ".join(f"{a[:4]} {n:,}" for a, n in tally.agents()[:6])
        help_text = f"{FILTER_HELP}\nkinds: {kinds}" + (f"\nagents: {agents}" if agents else "")
        value = self.pane.filter.text()
        placeholder = "kind:llm_response agent:9c1e"
        prompt = PromptScreen(
            "filter f", parse_filter, value=value, placeholder=placeholder, help_text=help_text
        )
        self.app.push_screen(prompt, filtered)

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < NARROW_BELOW
        if narrow != self.pane.options.narrow:
            self.pane.set_options(replace(self.pane.options, narrow=narrow))
            self.columns.update(self.pane.options.header)

    def toggle_wrap(self) -> None:
        o = self.pane.options
        self.pane.set_options(replace(o, wrap=not o.wrap))

    def toggle_time(self) -> None:
        o = self.pane.options
        self.pane.set_options(replace(o, show_time=not o.show_time))
        self.columns.update(self.pane.options.header)

    def toggle_detail(self, run_started: datetime | None) -> None:
        self.detail.toggle_class("-open")
        self.show_detail(self.pane.view, run_started)

    def show_detail(self, view: LogView, run_started: datetime | None) -> None:
        """The detail pane follows the cursor while it is open."""
        if self.detail.has_class("-open"):
            previous = view.previous_event(view.cursor)
            self.detail.show(view.current, previous, run_started)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The detail's scroll keys act only while it is open (closed, they are free)."""
        if action in ("scroll_detail", "half_page_detail"):
            return self.detail.has_class("-open")
        return True

    def action_scroll_detail(self, lines: int) -> None:
        self.detail.action_scroll_lines(lines)

    def action_half_page_detail(self, direction: int) -> None:
        self.detail.half_page(direction)

    def action_focus_detail(self) -> None:
        """Open the detail pane (if closed) and give it the keys."""
        if self.detail.has_class("-open"):
            self.detail.focus()
        else:
            self.pane.action_toggle_detail()  # the screen opens it; then it can take the focus
            self.call_after_refresh(self.detail.focus)

    def on_detail_pane_back(self) -> None:
        self.pane.focus()
