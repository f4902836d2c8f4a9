"""Seeded runs on an in-process broker and small waits for Pilot tests.

Events carry fixed timestamps and the app gets a ``FrozenClock`` and a stale time far away, so
what the screen shows (ages, times, states) never depends on the wall clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from textual.pilot import Pilot

from arena_tui.broker.clock import FrozenClock
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.broker.models import Event, RunMeta
from arena_tui.config import Settings
from arena_tui.ui.app import ArenaApp, make_app
from arena_tui.ui.screens.watch import WatchScreen
from arena_tui.ui.widgets.log_pane import LogPane
from arena_tui.ui.widgets.status_bar import StatusBar

T0 = datetime(2026, 6, 7, 12, 0, tzinfo=UTC)
AGENT = "9c1e5f0a" * 4
NOW = T0 + timedelta(minutes=2)
SIZE = (120, 32)
SETTINGS = Settings(stale_after=1e9, demo=False)


def event(run_id: str, seq: int, *, at: datetime = T0, **overrides: Any) -> Event:
    """Event ``seq`` of a synthetic loop: turn_start, llm_prompt, llm_response, action, metric."""
    turn = (seq - 1) // 5 + 1
    step = (seq - 1) % 5
    kinds: list[tuple[str, dict[str, Any]]] = [
        (
            "turn_start",
            {
                "turn_num": turn,
                "state": {
                    "food": 200.0 + turn,
                    "wood": 150.0,
                    "gold": 0.0,
                    "stone": 0.0,
                    "population": 5 + turn,
                    "pop_cap": 20,
                    "age": "Dark Age",
                    "buildings": ["town_center", "house", "house"],
                    "villager_queue": [1],
                },
                "profile_name": "balanced",
            },
        ),
        ("llm_prompt", {"state_summary": f"Turn {turn} · Dark Age · pop {5 + turn}/20"}),
        (
            "llm_response",
            {"actions": [{"type": "build"}], "reasoning": "houses first", "cost_usd": 0.00123},
        ),
        ("action", {"index_in_turn": 0, "action": {"type": "build", "building": "house"}}),
        ("metric", {"name": "cost_usd", "value": 0.00123}),
    ]
    kind, payload = kinds[step]
    fields: dict[str, Any] = {
        "run_id": run_id,
        "agent_id": AGENT,
        "t": turn,
        "kind": kind,
        "payload": payload,
        "ts": at + timedelta(milliseconds=250 * seq),
    }
    fields.update(overrides)
    return Event(**fields)


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
    """Publish events ``start``..``start + n - 1`` of ``run_id``, stamped from ``at`` on."""
    if start == 1:
        await broker.open_run(run_id, RunMeta(label=label, started_at=at))
    events = [event(run_id, s, at=at) for s in range(start, start + n)]
    await broker.publish_many(run_id, events)
    if close:
        await broker.close_run(run_id)


def app_for(
    broker: InProcessBroker,
    *,
    run_id: str | None = None,
    seq: int | None = None,
    clock: FrozenClock | None = None,
    settings: Settings = SETTINGS,
) -> ArenaApp:
    clock = clock or FrozenClock(at=NOW)
    return make_app(settings, broker, run_id=run_id, seq=seq, clock=clock)


def pane(app: ArenaApp) -> LogPane:
    return app.screen.query_one(LogPane)


def watch(app: ArenaApp) -> WatchScreen:
    screen = app.screen
    assert isinstance(screen, WatchScreen)
    return screen


def status_text(app: ArenaApp) -> str:
    return app.screen.query_one(StatusBar).render().plain


def toasts(app: ArenaApp) -> list[str]:
    return [n.message for n in app._notifications]


async def until(pilot: Pilot[None], check: Callable[[], bool], within: float = 5.0) -> None:
    """Let the app run until ``check()`` holds (or fail after ``within`` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.02)
    await pilot.pause()


def line_text(app: ArenaApp, y: int) -> str:
    return pane(app).render_line(y).text
