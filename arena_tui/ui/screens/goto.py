"""The ``g`` prompt: type a target, Enter goes there, Escape cancels; mistakes are explained."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from arena_tui.model import timeseek  # noqa: F401  (registers 19:42:05, ISO times, -5m)
from arena_tui.model.seek import HELP, SeekSyntaxError, Target, parse_seek


class GoToScreen(ModalScreen[Target | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="goto-box"):
            yield Label("go to…", id="goto-title")
            yield Input(
                placeholder="1234 · +100 · -100 · start · end · t41 · 19:42:05 · -5m",
                id="goto-input",
            )
            yield Label(HELP, id="goto-help")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            target = parse_seek(event.value)
        except SeekSyntaxError as exc:
            help_label = self.query_one("#goto-help", Label)
            help_label.update(str(exc))
            help_label.add_class("-error")
            return
        self.dismiss(target)

    def action_cancel(self) -> None:
        self.dismiss(None)
