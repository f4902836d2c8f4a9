"""The Textual app: ``make_app`` builds it for the CLI and the tests alike.

Everything visible lives in ``screens/`` and ``widgets/``; the app holds the broker, runs the
built-in synthetic arena when asked (``demo``), puts every action of ``ui.keys`` in the palette,
and closes the broker when it exits.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import BindingType
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from arena_tui.broker.clock import Clock, SystemClock
from arena_tui.broker.models import Seq
from arena_tui.broker.protocol import EventBroker
from arena_tui.config import Settings
from arena_tui.ui import patches, sharing
from arena_tui.ui.keys import Scope, bindings, commands
from arena_tui.ui.screens.watch import WatchScreen

patches.apply()


class ArenaApp(App[None]):
    TITLE = "arena-tui"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings("app")

    def __init__(
        self,
        settings: Settings,
        broker: EventBroker,
        *,
        run_id: str | None = None,
        seq: Seq | None = None,
        demo: bool = False,
        clock: Clock | None = None,
        demo_logs: Path | None = None,
    ) -> None:
        super().__init__()
        self.demo_logs = demo_logs
        """Where the built-in arena writes its operations' DuckDB logs (None: nowhere)."""
        self.settings = settings
        self.broker = broker
        self.demo = demo
        self.clock = clock or SystemClock()
        self._start = (run_id, seq)

    def get_default_screen(self) -> Screen[None]:
        run_id, seq = self._start
        return WatchScreen(
            self.broker, self.settings, clock=self.clock, run_id=run_id, seq=seq, demo=self.demo
        )

    def on_mount(self) -> None:
        if self.demo:
            from arena_tui.arena.demo import run_demo

            self.run_worker(
                run_demo(self.broker, logs=self.demo_logs),
                name="demo",
                group="demo",
                exit_on_error=False,
            )

    def on_ready(self) -> None:
        # Everything built to get here (Textual, the stylesheet, the screens) lives as long as
        # the app: move it out of the collector's reach, so the full collections a busy tail
        # triggers walk only what came after (CPython's advice for long-lived processes). The
        # CLI starts the app with the collector off (``cli.app.run_app``): on from here.
        gc.freeze()
        gc.enable()
        # Full collections keep CPython's pace. Making them ten times rarer spared a 200,000-event
        # catch-up 0.26-0.68 s, but every run switch and palette opening leaves cycles, and
        # freed in piles they became RSS steps for good (+18-52 MiB in the 30-minute soak;
        # tests/reliability/test_switch_garbage.py).

    def pop_screen(self) -> AwaitComplete:
        """Pop the screen on top, unless it is the last one: a second close is a no-op.

        An overlay can be closed twice before its first close is drawn (two keys inside one
        frame; Textual's command palette pops itself on Escape): the second close used to pop the
        watch screen under it and end the app with ``ScreenStackError``.
        """
        if len(self.screen_stack) <= 1:
            return AwaitComplete(asyncio.sleep(0))
        return super().pop_screen()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name == "demo" and event.state is WorkerState.ERROR:
            self.notify(f"the built-in arena stopped: {event.worker.error}", severity="error")

    async def on_unmount(self) -> None:
        await self.broker.aclose()

    def action_save_screen(self) -> None:
        """``S``: the screen on show as ./arena-RUN-TIME.svg (``ui.sharing.screenshot``)."""
        watch = self.screen_stack[0] if self.screen_stack else None
        run_id = watch.run_id if isinstance(watch, WatchScreen) else ""
        sharing.screenshot(self, run_id, self.clock.now())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, WatchScreen):
            panel = screen.panel
            targets: dict[Scope, App[None] | Widget] = {"app": self, "screen": screen}
            targets |= {"log": screen.log_pane, "panel": panel, "detail": panel.detail}
            targets["runs"] = screen.sidebar
            yield from commands(targets)


def make_app(
    settings: Settings,
    broker: EventBroker,
    *,
    run_id: str | None = None,
    seq: Seq | None = None,
    demo: bool = False,
    clock: Clock | None = None,
    demo_logs: Path | None = None,
) -> ArenaApp:
    """The app on ``broker``; ``run_id``/``seq`` open it at that run and position."""
    return ArenaApp(
        settings, broker, run_id=run_id, seq=seq, demo=demo, clock=clock, demo_logs=demo_logs
    )
