"""The detail pane (Enter): the whole event under the cursor, payload pretty-printed.

The payload text comes from ``model.detail.payload_text`` (already terminal-safe) and is
coloured by Rich's JSON highlighter on a ``Text`` object: regex highlighting, never markup.

It scrolls the way a ``less`` user expects (issue 10 defect 10): with the focus (tab), j / k
and the arrows move it a line, PgUp / PgDn a page, Home / End to its ends, Esc hands the keys
back to the log; from the log, the panel's ctrl+e / ctrl+y / ctrl+d / ctrl+u scroll it (its keys
are rows of ``ui.keys``). Each new event opens at its top: the offset of the last one read means
nothing in another payload.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.highlighter import JSONHighlighter
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import var
from textual.widgets import Static

from arena_tui.broker.clock import Clock, SystemClock
from arena_tui.broker.models import Envelope
from arena_tui.model.detail import describe_row, facts, payload_text
from arena_tui.model.rows import EventRow, Row, UnnumberedRow
from arena_tui.ui.keys import bindings

_HIGHLIGHT = JSONHighlighter()


class DetailPane(VerticalScroll, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = bindings("detail")

    row: var[Row | None] = var(None)
    previous: var[Envelope | None] = var(None)
    run_started: var[datetime | None] = var(None)

    def __init__(self, *, clock: Clock | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock or SystemClock()
        self._body = Static(id="detail-body")

    def compose(self) -> ComposeResult:
        yield self._body

    def show(
        self, row: Row | None, previous: Envelope | None, run_started: datetime | None
    ) -> None:
        if row == self.row and previous == self.previous:
            return
        if row != self.row:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.row, self.previous, self.run_started = row, previous, run_started
        self._body.update(self._render_row(row))

    def action_scroll_lines(self, lines: int) -> None:
        """Scroll ``lines`` down (negative: up) at once, from where the last key left it:
        keys typed fast arrive together, and smooth scrolls would each start from one place."""
        self.scroll_to(y=self.scroll_target_y + lines, animate=False, immediate=True)

    def action_page(self, pages: int) -> None:
        self.action_scroll_lines(pages * max(1, self.scrollable_content_region.height))

    def action_edge(self, end: int) -> None:
        """Home (-1) / End (1): the top / the bottom of the event."""
        self.scroll_to(y=self.max_scroll_y if end > 0 else 0, animate=False, immediate=True)

    def half_page(self, direction: int) -> None:
        """Half the pane's height down (``direction`` 1) or up (-1), as ``less``'s d / u."""
        self.action_scroll_lines(direction * max(1, self.scrollable_content_region.height // 2))

    def action_back(self) -> None:
        """Esc: the keys go back to the log; the pane stays open and follows its cursor."""
        self.post_message(self.Back())

    class Back(Message):
        """The user is done reading: the log takes the focus again."""

    def _render_row(self, row: Row | None) -> RenderableType:
        if row is None:
            return Text("no event selected", style="dim")
        if not isinstance(row, EventRow | UnnumberedRow):
            return Text(describe_row(row))
        envelope = row.envelope
        log_row = row.index if isinstance(row, UnnumberedRow) else None
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        told = facts(envelope, self.previous, self.run_started, self.clock.tz, log_row=log_row)
        for label, value in told:
            table.add_row(Text(label), Text(value))
        payload = Text(payload_text(envelope))
        _HIGHLIGHT.highlight(payload)
        return Group(table, Text(""), payload)
