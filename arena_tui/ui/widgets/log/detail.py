"""The detail pane (Enter): the whole event under the cursor, payload pretty-printed.

The payload text comes from ``model.detail.payload_text`` (already terminal-safe) and is
coloured by Rich's JSON highlighter on a ``Text`` object: regex highlighting, never markup.
"""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.highlighter import JSONHighlighter
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.widgets import Static

from arena_tui.broker.clock import Clock, SystemClock
from arena_tui.broker.models import Envelope
from arena_tui.model.detail import describe_row, facts, payload_text
from arena_tui.model.rows import EventRow, Row

_HIGHLIGHT = JSONHighlighter()


class DetailPane(VerticalScroll, can_focus=True):
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
        self.row, self.previous, self.run_started = row, previous, run_started
        self._body.update(self._render_row(row))

    def _render_row(self, row: Row | None) -> RenderableType:
        if row is None:
            return Text("no event selected", style="dim")
        if not isinstance(row, EventRow):
            return Text(describe_row(row))
        envelope = row.envelope
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for label, value in facts(envelope, self.previous, self.run_started, self.clock.tz):
            table.add_row(Text(label), Text(value))
        payload = Text(payload_text(envelope))
        _HIGHLIGHT.highlight(payload)
        return Group(table, Text(""), payload)
