"""The help screen (``?``): every key of the watch screen, in the order a user needs them."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: tuple[tuple[str, str], ...] = (
    ("up / down, j / k", "move one event; any move away from the newest pauses following"),
    ("PgUp / PgDn, mouse wheel", "move a page / three rows"),
    ("End, G, s", "resume following (jump to the newest event)"),
    ("Home", "first available event (trimmed history shows as a gap row)"),
    (
        "g",
        "go to: 1234 (seq), +100 / -100, start, end, t41 (turn 41), 19:42:05 (today, in the "
        "time column's zone), 2026-06-07T19:42:05Z, -5m / +30s / -1h (from the selected event)",
    ),
    ("[ / ]", "previous / next turn"),
    ("Enter", "open / close the detail pane for the selected event"),
    ("/", "search: text (case-insensitive) or re:REGEX, over summary and payload JSON"),
    ("n / N", "next / previous hit across the whole retained run (wraps); Esc clears"),
    ("f", "filter: kind:llm_response kind:action agent:9c1e (empty clears; gaps always show)"),
    ("w / t", "wrap long summaries / show or hide the time column"),
    ("p", "replay from the cursor at the run's pacing; again: 1x → 10x → max"),
    ("space", "pause / resume the replay (any move also pauses it)"),
    ("c / y", "copy the event as its tail --jsonl record / the arena-tui --run … --seq … command"),
    ("e", "export the retained run to ./arena-RUN-TIME.jsonl (tail --jsonl lines)"),
    ("tab / shift+tab", "move focus between runs, log and detail"),
    ("Enter (in runs)", "open the highlighted run (finished runs replay the same way)"),
    ("r", "reconnect: try the broker again now (e.g. after fixing a refused password)"),
    ("ctrl+p", "command palette: every action, searchable"),
    ("?", "this help"),
    ("q", "quit"),
)

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
        for key, what in KEYS:
            table.add_row(Text(key), Text(what))
        with VerticalScroll(id="help-box"):
            yield Static(Text("arena-tui · keys", style="bold"), id="help-title")
            yield Static(table)
            yield Static(Text(LEGEND), id="help-legend")
            yield Static(Text("Esc closes", style="dim"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
