"""A one-line prompt (``/`` search, ``f`` filter): type, Enter applies, Esc cancels.

The text is parsed by a model function before the prompt closes, so a mistake is explained
under the input (and the prompt stays open) instead of failing later. An empty input is a
valid answer ("clear") unless the prompt says otherwise (``g`` has nothing to clear).
``name`` prefixes the widgets' ids (``prompt-box``, ``prompt-help``...), so each prompt keeps
its own styles in ``app.tcss``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

T = TypeVar("T")


class Cleared:
    """The user submitted an empty prompt: clear the search or the filter."""


class PromptScreen(ModalScreen[T | Cleared | None], Generic[T]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        parse: Callable[[str], T],
        *,
        value: str = "",
        placeholder: str = "",
        help_text: str = "",
        name: str = "prompt",
        allow_empty: bool = True,
    ) -> None:
        super().__init__()
        self.prefix = name
        self.allow_empty = allow_empty
        self.title_text = title
        self.parse = parse
        self.value = value
        self.placeholder = placeholder
        self.help_text = help_text

    def compose(self) -> ComposeResult:
        with Vertical(id=f"{self.prefix}-box"):
            yield Label(self.title_text, id=f"{self.prefix}-title")
            yield Input(value=self.value, placeholder=self.placeholder, id=f"{self.prefix}-input")
            yield Label(self.help_text, id=f"{self.prefix}-help", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text and self.allow_empty:
            self.dismiss(Cleared())
            return
        try:
            value = self.parse(text)
        except ValueError as exc:
            help_label = self.query_one(f"#{self.prefix}-help", Label)
            help_label.update(str(exc))
            help_label.add_class("-error")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
