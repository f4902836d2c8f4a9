"""Driving the real app (Pilot) against a real Redis: what is on screen, and waiting for it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.pilot import Pilot

from arena_tui.broker.redis import RedisStreamsBroker
from arena_tui.config import Settings
from arena_tui.ui.app import ArenaApp, make_app
from arena_tui.ui.screens.watch import WatchScreen
from arena_tui.ui.widgets.log_pane import LogPane
from arena_tui.ui.widgets.status_bar import StatusBar

SIZE = (140, 36)


def app_on(
    broker: RedisStreamsBroker, *, run_id: str | None = None, stale_after: float = 1e9
) -> ArenaApp:
    return make_app(Settings(stale_after=stale_after, demo=False), broker, run_id=run_id)


def screen_text(app: ArenaApp) -> str:
    """Every cell of the rendered screen (toasts and modals included), one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def raw_control_chars(app: ArenaApp) -> set[str]:
    """C0/C1 controls and DEL in what the screen would write to the terminal (should be none)."""
    text = screen_text(app).replace("\n", "")
    return {c for c in text if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0}


def watch(app: ArenaApp) -> WatchScreen:
    screen = app.screen
    assert isinstance(screen, WatchScreen), screen
    return screen


def pane(app: ArenaApp) -> LogPane:
    return watch(app).query_one(LogPane)


def status_text(app: ArenaApp) -> str:
    return watch(app).query_one(StatusBar).render().plain


def toasts(app: ArenaApp) -> list[str]:
    return [f"{n.title or ''}: {n.message}" for n in app._notifications]


def shown_seqs(app: ArenaApp) -> list[int]:
    """The seqs of the event rows the log holds, in order."""
    from arena_tui.model.rows import EventRow

    return [row.seq for row in pane(app).view.rows if isinstance(row, EventRow)]


def tail_workers(app: ArenaApp) -> int:
    return sum(1 for w in watch(app).workers if w.group == "tail" and not w.is_finished)


async def until(
    pilot: Pilot[None], check: Callable[[], bool], within: float = 10.0, what: str = ""
) -> None:
    """Let the app run until ``check()`` holds; fail after ``within`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        await pilot.pause(0.02)
    await pilot.pause()


def detail_text(app: ArenaApp) -> str:
    """The whole content of the detail pane (not only what is scrolled into view), as text."""
    import io

    from rich.console import Console
    from textual.widgets import Static

    from arena_tui.ui.widgets.detail_pane import DetailPane

    body = watch(app).query_one(DetailPane).query_one("#detail-body", Static)
    console = Console(file=io.StringIO(), width=120, color_system=None, record=True)
    console.print(body.content)
    return console.export_text()
