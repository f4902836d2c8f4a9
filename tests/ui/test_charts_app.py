"""The charts in the app: ``i`` opens them on the open run, Enter on the activity chart jumps
the log, ``S`` saves the screen; and SVG snapshots of the three tabs.

The run is the synthetic arena's own (seeded, stamped from its fixed epoch), published to the
in-process broker with a small ``max_len`` so the activity chart has a trimmed head to show.
Update the snapshots after an intended change with ``--snapshot-update`` and look at them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from arena_tui.arena.runs import RunPlanner, run_events
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.broker.models import RunMeta
from arena_tui.ui.screens.charts import ChartsScreen
from arena_tui.ui.screens.watch import WatchScreen
from arena_tui.ui.widgets.charts import ActivityPlot
from tests.support.pilot import app_for, pane, status_text, toasts, until

SnapCompare = Callable[..., bool]
SPEC = RunPlanner(3).run("rank", turns=60, agents=2)
MAX_LEN = 600
CURSOR = 900


async def publish() -> InProcessBroker:
    broker = InProcessBroker(max_len=MAX_LEN)
    events = list(run_events(SPEC))
    await broker.open_run(SPEC.run_id, RunMeta(label="rank", started_at=SPEC.started_at))
    for start in range(0, len(events), 100):  # in batches: MAXLEN ~ trims as it goes
        await broker.publish_many(SPEC.run_id, events[start : start + 100])
    await broker.close_run(SPEC.run_id)
    return broker


def published() -> InProcessBroker:
    return asyncio.run(publish())


def charts(pilot: Pilot[None]) -> ChartsScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ChartsScreen), screen
    return screen


def opened(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Wait for the log, press ``i``, wait for the whole run to be read, press ``keys``."""

    async def open_charts(pilot: Pilot[None]) -> None:
        app = pilot.app
        await until(pilot, lambda: "finished at seq" in status_text(app), 20)  # type: ignore[arg-type]
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, ChartsScreen))
        await until(pilot, lambda: charts(pilot).data.complete, 20)
        await pilot.press(*keys)
        await pilot.pause(0.2)
        charts(pilot).redraw()
        await pilot.pause(0.3)

    return open_charts


class TestChartSnapshots:
    def test_world(self, snap_compare: SnapCompare) -> None:
        """Resources and population of the log cursor's agent, per turn."""
        app = app_for(published(), run_id=SPEC.run_id, seq=CURSOR)
        assert snap_compare(app, terminal_size=(120, 32), run_before=opened("1"))

    def test_cost(self, snap_compare: SnapCompare) -> None:
        """Cost per turn (bars) and the running total of the turns read."""
        app = app_for(published(), run_id=SPEC.run_id, seq=CURSOR)
        assert snap_compare(app, terminal_size=(120, 32), run_before=opened("2"))

    def test_activity_at_80x24(self, snap_compare: SnapCompare) -> None:
        """Events/s, the trimmed head grey, the log cursor marked, at the smallest size."""
        app = app_for(published(), run_id=SPEC.run_id, seq=CURSOR)
        assert snap_compare(app, terminal_size=(80, 24), run_before=opened("3"))


async def test_enter_on_the_activity_chart_jumps_the_log() -> None:
    app = app_for(await publish(), run_id=SPEC.run_id, seq=CURSOR)
    async with app.run_test(size=(120, 32)) as pilot:
        await opened("3")(pilot)
        plot = app.screen.query_one(ActivityPlot)
        series = plot.series
        assert series is not None
        watch = app.screen_stack[0]
        assert isinstance(watch, WatchScreen)
        first = watch.log_pane.view.available_from
        await pilot.press("end", "left", "left", "left")
        index = plot.selected_index
        assert index == len(series.buckets) - 4
        target = series.target(index)
        assert target is not None
        assert target > first
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, ChartsScreen))
        await until(pilot, lambda: f"seq {target:,} /" in status_text(app))
        assert pane(app).view.cursor_seq == target


async def test_escape_goes_back_to_the_log_where_it_was() -> None:
    app = app_for(await publish(), run_id=SPEC.run_id, seq=CURSOR)
    async with app.run_test(size=(120, 32)) as pilot:
        await opened()(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ChartsScreen))
        assert pane(app).view.cursor_seq == CURSOR


async def test_the_screenshot_key_saves_the_screen_named_by_run_and_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = app_for(await publish(), run_id=SPEC.run_id, seq=CURSOR)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened("2")(pilot)
        await pilot.press("S")
        await until(pilot, lambda: any("saved the screen" in t for t in toasts(app)))
    check_saved(tmp_path)


def check_saved(folder: Path) -> None:
    [shot] = list(folder.glob("*.svg"))
    assert shot.name == f"arena-{SPEC.run_id[:8]}-20260607-120200.svg"  # the frozen clock
    svg = shot.read_text()
    assert svg.startswith("<svg")
    assert "total&#160;$" in svg or "total $" in svg, "the charts screen, not the log"


async def test_a_live_runs_charts_grow_as_its_events_arrive() -> None:
    broker = InProcessBroker()
    spec = RunPlanner(8).run("race", turns=40, agents=2)
    events = list(run_events(spec))
    await broker.open_run(spec.run_id, RunMeta(label="race", started_at=spec.started_at))
    await broker.publish_many(spec.run_id, events[:300])
    app = app_for(broker, run_id=spec.run_id)
    async with app.run_test(size=(120, 32)) as pilot:
        await until(pilot, lambda: "seq 300 / 300" in status_text(app), 20)
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, ChartsScreen))
        screen = charts(pilot)
        await until(pilot, lambda: screen.data.complete, 20)
        before = screen.data.cost_series().turns[-1]
        await broker.publish_many(spec.run_id, events[300:])
        await until(pilot, lambda: screen.data.counted_to == len(events), 20)
        assert screen.data.cost_series().turns[-1] > before
        assert sum(b.rate for b in screen.data.activity(50).buckets) > 0
