"""The help screen (``?``): every key of the app, in the order a user needs them (``ui.keys``)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from arena_tui.ui.keys import help_rows

LEGEND = (
    "● live   ◌ stale (open but silent)   ✓ finished (still replayable)\n"
    "┄┄ ⚠ gap rows mark seqs trimmed by the broker or never written; "
    "⟳ marks a reconnect. Nothing is skipped silently."
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 3))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, what in help_rows():
            table.add_row(Text(key), Text(what))
        with VerticalScroll(id="help-box"):
            title = Text("arena-tui · keys", style="bold")
            title.append("   Esc closes · ↓ / PgDn scroll", style="dim")
            yield Static(title, id="help-title")
            yield Static(Text(LEGEND), id="help-legend")
            yield Static(table)

    def on_mount(self) -> None:
        self.query_one("#help-box").focus()  # so Down / PgDn scroll it

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
