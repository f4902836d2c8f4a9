"""The ``g`` prompt: a seq, a turn, start, end or a time, typed into the status bar.

The prompt is inline: the status bar shows ``go to… 1234▏`` with the forms it takes (or what
was wrong with the text), and the log panel hands it every key while it is open (Enter goes,
Esc cancels, Backspace deletes). It covers nothing and takes no focus: a modal prompt made
Textual redraw the whole screen on every key and again as it closed, and the footer rebuild
itself for the input's bindings (the profile of figure 4, seek: most of a seek's time).

A seq, a turn, start and end are the log view's own seeks; a time needs a read first
(``go_to_time``). ``land`` takes the prompt's answer to whichever applies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events

from arena_tui.broker.errors import BrokerError
from arena_tui.model.rows import EventRow
from arena_tui.model.seek import Deferred, SeqTarget, Target, parse_seek
from arena_tui.model.timeseek import TimeTarget, describe, resolve
from arena_tui.reading.seek import find_time
from arena_tui.ui.screens.prompt import Cleared
from arena_tui.ui.widgets.log.pane import LogPane

if TYPE_CHECKING:
    from arena_tui.ui.screens.watch import WatchScreen

PLACEHOLDER = "1234 · +100 · -100 · start · end · t41 · 19:42:05 · -5m · Enter go · Esc cancel"


class GoToLine:
    """The prompt's text while it is open (``None`` when closed) and its error, if any."""

    def __init__(self, screen: Callable[[], WatchScreen]) -> None:
        self._screen = screen
        self.text: str | None = None
        self.error = ""

    @property
    def is_open(self) -> bool:
        return self.text is not None

    def start(self) -> None:
        self.text, self.error = "", ""
        self._show()
        self._screen().log_pane.focus()

    def key(self, event: events.Key) -> None:
        """One key while the prompt is open; nothing else sees it (no binding fires)."""
        event.stop()
        event.prevent_default()
        text = self.text or ""
        if event.key == "escape":
            self.close()
        elif event.key == "enter":
            self._submit(text.strip())
        elif event.key == "backspace":
            self.text, self.error = text[:-1], ""
        elif event.is_printable and event.character:
            self.text, self.error = text + event.character, ""
        self._show()

    def close(self) -> None:
        self.text, self.error = None, ""
        self._show()

    def _submit(self, text: str) -> None:
        try:
            target = parse_seek(text)
        except ValueError as exc:
            self.error = str(exc)
            return
        self.close()
        screen = self._screen()
        land(screen, screen.log_pane, target)

    def _show(self) -> None:
        bar = self._screen().status_bar
        bar.prompt = None if self.text is None else (self.text, self.error or PLACEHOLDER)


def land(screen: WatchScreen, pane: LogPane, target: Target | Cleared | None) -> None:
    """The prompt's answer: go there (a time by a read first), then the log has the focus."""
    if isinstance(target, Deferred):
        assert isinstance(target, TimeTarget)
        go_to_time(screen, pane, target)
    elif target is not None and not isinstance(target, Cleared):
        pane.seek(target)
    pane.focus()


def go_to_time(screen: WatchScreen, pane: LogPane, target: TimeTarget) -> None:
    """``g 19:42:05`` / ``g -5m``: find the first event at or after that time (a bisection,
    ``reading.seek.find_time``) in the screen's exclusive ``timeseek`` worker, then go there."""
    view = pane.view
    current = view.current
    base = current.envelope.event.ts if isinstance(current, EventRow) else None
    clock = screen.clock
    at = resolve(target, tz=clock.tz, now=clock.now(), base=base)

    async def seek() -> None:
        try:
            found = await find_time(screen.broker, view.run_id, at)
        except BrokerError as exc:
            if screen.run_id == view.run_id:
                screen.notify(str(exc), title="cannot go to that time", severity="error")
            return
        if screen.run_id != view.run_id:
            return
        if found is None:
            screen.notify("this run has no events yet", severity="warning")
            return
        text = f"{describe(at, clock.tz)}: seq {found.seq:,}"
        screen.notify(f"{text} ({found.note})" if found.note else text)
        pane.seek(SeqTarget(found.seq))

    screen.run_worker(seek(), name="timeseek", group="timeseek", exclusive=True)
