"""SVG snapshots of the screens a user sees most: fixed size, seeded runs, a frozen clock.

The app gets a ``FrozenClock`` and the in-process broker's idea of "now" (which decides open,
stale and finished) is frozen at the same instant, so nothing on screen depends on when the
test runs. Update after an intended change with
``pytest tests/ui/test_snapshots.py --snapshot-update`` and look at the SVGs before committing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo

import pytest
from textual.pilot import Pilot

from arena_tui.broker import inprocess
from arena_tui.broker.clock import FrozenClock
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.config import Settings
from arena_tui.ui.widgets.log.pane import LogPane
from tests.support.events import T0
from tests.support.pilot import NOW, SIZE, app_for, pane, seed_run, status_text, until, watch

RACE = "3f2a9c1e" * 4
SMOKE = "0b9d41aa" * 4
TRIMMED = "77b0d2aa" * 4
DEAD = "e1c2b3a4" * 4
SETTINGS = Settings(stale_after=120, demo=False)


class _FrozenDatetime(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _FrozenDatetime:
        return cls.fromtimestamp(NOW.timestamp(), tz)


@pytest.fixture(autouse=True)
def frozen_broker_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inprocess, "datetime", _FrozenDatetime)


SnapCompare = Callable[..., bool]


def seeded(max_len: int = 10_000) -> InProcessBroker:
    broker = InProcessBroker(max_len=max_len)

    async def seed() -> None:
        await seed_run(broker, SMOKE, 40, label="smoke", close=True, at=T0 - timedelta(hours=1))
        await seed_run(broker, DEAD, 12, label="fork", at=T0 - timedelta(minutes=6))
        await seed_run(broker, RACE, 60, label="race")
        await seed_run(broker, TRIMMED, 300, label="rank")

    asyncio.run(seed())
    return broker


def loaded(expect: Callable[[str], bool] = lambda status: True) -> Callable[[Pilot[None]], object]:
    async def wait(pilot: Pilot[None]) -> None:
        app = pilot.app
        await until(pilot, lambda: bool(app.screen.query(LogPane)))
        await until(pilot, lambda: pane(app).view.loaded and pane(app).view.want is None)  # type: ignore[arg-type]
        await until(pilot, lambda: expect(status_text(app)))  # type: ignore[arg-type]
        await until(pilot, lambda: bool(watch(app).sidebar.runs.runs))  # type: ignore[arg-type]

    return wait


def test_sidebar_and_log(snap_compare: SnapCompare) -> None:
    app = app_for(seeded(), settings=SETTINGS, run_id=RACE)
    assert snap_compare(app, terminal_size=SIZE, run_before=loaded(lambda s: "live" in s))


def test_gap_row_after_a_jump(snap_compare: SnapCompare) -> None:
    app = app_for(seeded(max_len=100), settings=SETTINGS, run_id=TRIMMED)

    async def jump(pilot: Pilot[None]) -> None:
        await loaded()(pilot)  # type: ignore[misc]
        await pilot.press("g", "1", "enter")
        await until(pilot, lambda: "lost to trim: 200" in status_text(app))

    assert snap_compare(app, terminal_size=SIZE, run_before=jump)


def test_detail_pane(snap_compare: SnapCompare) -> None:
    app = app_for(seeded(), settings=SETTINGS, run_id=RACE)

    async def detail(pilot: Pilot[None]) -> None:
        await loaded(lambda s: "live" in s)(pilot)  # type: ignore[misc]
        await pilot.press("up", "up", "enter")

    assert snap_compare(app, terminal_size=SIZE, run_before=detail)


def test_finished_run_paused(snap_compare: SnapCompare) -> None:
    app = app_for(seeded(), settings=SETTINGS, run_id=SMOKE)

    async def paused(pilot: Pilot[None]) -> None:
        await loaded(lambda s: "finished at seq 40" in s)(pilot)  # type: ignore[misc]
        await pilot.press("g", "t", "3", "enter")

    assert snap_compare(app, terminal_size=SIZE, run_before=paused)


def _counted(app: object) -> Callable[[], bool]:
    def check() -> bool:
        kinds = str(app.screen.query_one("#kinds").render())  # type: ignore[attr-defined]
        return bool(kinds) and "counting" not in kinds

    return check


def test_filtered_view_with_a_search(snap_compare: SnapCompare) -> None:
    app = app_for(seeded(), settings=SETTINGS, run_id=SMOKE)

    async def filtered(pilot: Pilot[None]) -> None:
        await loaded(lambda s: "finished at seq 40" in s)(pilot)  # type: ignore[misc]
        await until(pilot, _counted(app))
        await pilot.press("f", *"kind:llm_response kind:turn_start", "enter")
        await pilot.press("slash", *"turn 4", "enter")
        await until(pilot, lambda: "/turn 4: hit 1 of 2" in status_text(app))

    assert snap_compare(app, terminal_size=SIZE, run_before=filtered)


def test_playback_paused_at_10x(snap_compare: SnapCompare) -> None:
    clock = FrozenClock(at=NOW)
    app = app_for(seeded(), settings=SETTINGS, run_id=SMOKE, clock=clock)

    async def replaying(pilot: Pilot[None]) -> None:
        await loaded(lambda s: "finished at seq 40" in s)(pilot)  # type: ignore[misc]
        await until(pilot, _counted(app))
        await pilot.press("p", "p")
        clock.advance(0.5)  # 0.5 s at 10x: twenty events 250 ms apart
        await until(pilot, lambda: pane(app).view.cursor_seq == 21)
        await pilot.press("space")
        await until(pilot, lambda: "⏸ 10x" in status_text(app))

    assert snap_compare(app, terminal_size=SIZE, run_before=replaying)


class TestSmallTerminals:
    """Issue 10: 80x24 and 100x30 are first-class layouts (seq, kind and summary on every row,
    the status bar's key facts, the footer of key hints)."""

    @pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=["80x24", "100x30"])
    def test_sidebar_and_log(self, snap_compare: SnapCompare, size: tuple[int, int]) -> None:
        """The sidebar narrows; at 80 columns the log drops time, turn and agent."""
        app = app_for(seeded(max_len=100), settings=SETTINGS, run_id=TRIMMED)
        assert snap_compare(app, terminal_size=size, run_before=loaded(lambda s: "live" in s))

    def test_sidebar_hidden_at_80x24(self, snap_compare: SnapCompare) -> None:
        """``b`` hides the sidebar: the log takes the width and its columns come back."""
        app = app_for(seeded(), settings=SETTINGS, run_id=RACE)

        async def hide(pilot: Pilot[None]) -> None:
            await loaded(lambda s: "live" in s)(pilot)  # type: ignore[misc]
            await pilot.press("b")
            await pilot.pause()

        assert snap_compare(app, terminal_size=(80, 24), run_before=hide)

    def test_help_at_80x24(self, snap_compare: SnapCompare) -> None:
        """The help fits, shows its legend first and scrolls."""
        app = app_for(seeded(), settings=SETTINGS, run_id=RACE)

        async def help(pilot: Pilot[None]) -> None:
            await loaded(lambda s: "live" in s)(pilot)  # type: ignore[misc]
            await pilot.press("question_mark")
            await pilot.pause()

        assert snap_compare(app, terminal_size=(80, 24), run_before=help)
