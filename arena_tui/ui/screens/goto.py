"""The ``g`` prompt: a seq, a turn, start, end or a time; mistakes are explained under it.

A seq, a turn, start and end are the log view's own seeks; a time needs a read first
(``go_to_time``). ``land`` takes the prompt's answer to whichever applies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from arena_tui.broker.errors import BrokerError
from arena_tui.model.rows import EventRow
from arena_tui.model.seek import HELP, Deferred, SeqTarget, Target, parse_seek
from arena_tui.model.timeseek import TimeTarget, describe, resolve
from arena_tui.reading.seek import find_time
from arena_tui.ui.screens.prompt import Cleared, PromptScreen
from arena_tui.ui.widgets.log.pane import LogPane

if TYPE_CHECKING:
    from arena_tui.ui.screens.watch import WatchScreen

PLACEHOLDER = "1234 · +100 · -100 · start · end · t41 · 19:42:05 · -5m"


class GoToScreen(PromptScreen[Target]):
    def __init__(self) -> None:
        super().__init__(
            "go to…",
            parse_seek,
            placeholder=PLACEHOLDER,
            help_text=HELP,
            name="goto",
            allow_empty=False,
        )


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
