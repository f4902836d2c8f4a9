"""The Pilot kit: the real app on a broker, what its screen shows, and waiting for it.

``app_for`` builds the app for seeded runs: a ``FrozenClock`` and a stale time far away, so what
the screen shows (ages, times, states) never depends on the wall clock; ``seed_run`` publishes
``events.turn_loop`` events with fixed timestamps. ``live_app`` is the app on the real clock, for
tests that watch a live broker (staleness, restarts). The readers (``pane``, ``status_text``,
``screen_text``, ``toasts``...) and ``until`` serve both.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from datetime import datetime, timedelta

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from arena_tui.broker import EventBroker
from arena_tui.broker.clock import FrozenClock
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.broker.models import RunMeta
from arena_tui.config import Settings
from arena_tui.model.rows import EventRow
from arena_tui.ui.app import ArenaApp, make_app
from arena_tui.ui.screens.watch import WatchScreen
from arena_tui.ui.widgets.log.detail import DetailPane
from arena_tui.ui.widgets.log.pane import LogPane
from tests.support.events import T0, turn_loop

NOW = T0 + timedelta(minutes=2)
SIZE = (120, 32)
WIDE = (140, 36)
SETTINGS = Settings(stale_after=1e9, demo=False)


async def seed_run(
    broker: InProcessBroker,
    run_id: str,
    n: int,
    *,
    label: str | None = "race",
    close: bool = False,
    start: int = 1,
    at: datetime = T0,
) -> None:
    """Publish ``turn_loop`` events ``start``..``start + n - 1`` of ``run_id``, from ``at`` on."""
    if start == 1:
        await broker.open_run(run_id, RunMeta(label=label, started_at=at))
    events = [turn_loop(run_id, s, at=at) for s in range(start, start + n)]
    await broker.publish_many(run_id, events)
    if close:
        await broker.close_run(run_id)


def app_for(
    broker: EventBroker,
    *,
    run_id: str | None = None,
    seq: int | None = None,
    clock: FrozenClock | None = None,
    settings: Settings = SETTINGS,
) -> ArenaApp:
    """The app on seeded runs, its clock frozen at ``NOW`` (or ``clock``)."""
    clock = clock or FrozenClock(at=NOW)
    return make_app(settings, broker, run_id=run_id, seq=seq, clock=clock)


def live_app(
    broker: EventBroker, *, run_id: str | None = None, stale_after: float = 1e9
) -> ArenaApp:
    """The app on the real clock (staleness, reconnect delays), for a live broker."""
    return make_app(Settings(stale_after=stale_after, demo=False), broker, run_id=run_id)


def watch(app: ArenaApp) -> WatchScreen:
    screen = app.screen
    assert isinstance(screen, WatchScreen), screen
    return screen


def pane(app: ArenaApp) -> LogPane:
    return watch(app).query_one(LogPane)


def status_text(app: ArenaApp) -> str:
    """The status bar's text ("" until it is mounted)."""
    bar = watch(app).status_bar
    return bar.render().plain if bar.is_mounted else ""


def line_text(app: ArenaApp, y: int) -> str:
    """Line ``y`` of the log pane, as text."""
    return pane(app).render_line(y).text


def shown_seqs(app: ArenaApp) -> list[int]:
    """The seqs of the event rows the log holds, in order."""
    return [row.seq for row in pane(app).view.rows if isinstance(row, EventRow)]


def toasts(app: ArenaApp) -> list[str]:
    """Every notification, ``title: message`` (or the message alone when it has no title)."""
    return [f"{n.title}: {n.message}" if n.title else n.message for n in app._notifications]


def screen_text(app: ArenaApp) -> str:
    """Every cell of the rendered screen (toasts and modals included), one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def raw_control_chars(app: ArenaApp) -> set[str]:
    """C0/C1 controls and DEL in what the screen would write to the terminal (should be none)."""
    text = screen_text(app).replace("\n", "")
    return {c for c in text if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0}


def detail_text(app: ArenaApp, width: int = 120) -> str:
    """The whole content of the detail pane (not only what is scrolled into view), as text."""
    body = app.screen.query_one(DetailPane).query_one("#detail-body", Static)
    console = Console(file=io.StringIO(), width=width, color_system=None, record=True)
    console.print(body.content)
    return console.export_text()


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


async def switch_runs(
    pilot: Pilot[None], app: ArenaApp, switches: int, palette_every: int = 0
) -> None:
    """Open another run from the sidebar ``switches`` times (down, up, ...), as a user does with
    Enter; every ``palette_every``-th switch also opens and closes the command palette."""
    screen = watch(app)
    for i in range(switches):
        screen.sidebar.focus()
        await pilot.press("down" if i % 2 == 0 else "up", "enter")
        await until(pilot, lambda: pane(app).view.run_id is not None, what="a run shown")
        if palette_every and i % palette_every == 0:
            await pilot.press("ctrl+p")
            await pilot.pause(0.1)
            await pilot.press("escape")
        await pilot.pause(0.05)
