"""The charts screen with Pilot: it reads the run in the background, grows with live events, and
Enter or a click on the activity chart dismisses it with the seq the log should jump to."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static, TabbedContent

from arena_tui.arena.runs import RunPlanner, run_events
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.broker.models import Envelope, Event, ReadResult, Seq
from arena_tui.ui.screens.charts import ChartsScreen
from arena_tui.ui.widgets.charts import ActivityPlot, CostPlot

SIZE = (100, 30)


class ChartsApp(App[None]):
    """Only the charts screen, over a run published to an in-process broker."""

    def __init__(self, broker: SlowBroker, run_id: str, events: list[Event]) -> None:
        super().__init__()
        self.broker = broker
        self.run_id = run_id
        self.events = events
        self.jumped: list[Seq | None] = []

    def on_mount(self) -> None:
        middle = self.events[len(self.events) // 2]
        self.push_screen(
            ChartsScreen(
                self.broker,
                self.run_id,
                title="rank 1234abcd…",
                live_from=len(self.events) + 1,
                started_at=self.events[0].ts,
                cursor_ts=middle.ts,
                cursor_agent=middle.agent_id,
            ),
            self.jumped.append,
        )


class SlowBroker(InProcessBroker):
    """Every range read takes ``delay`` seconds, like a far-away Redis."""

    delay = 0.0

    async def read_range(self, *args: Any, **kwargs: Any) -> ReadResult:
        await asyncio.sleep(self.delay)
        return await super().read_range(*args, **kwargs)


async def published(turns: int = 60) -> tuple[SlowBroker, str, list[Event]]:
    broker = SlowBroker()
    spec = RunPlanner(3).run("rank", turns=turns, agents=3)
    events = list(run_events(spec))
    for start in range(0, len(events), 100):
        await broker.publish_many(spec.run_id, events[start : start + 100])
    return broker, spec.run_id, events


async def until(pilot: Pilot[None], check: Callable[[], bool], within: float = 20.0) -> None:
    waited = 0.0
    while not check():
        assert waited < within, "timed out"
        await pilot.pause(0.05)
        waited += 0.05


def charts(app: App[None]) -> ChartsScreen:
    screen = app.screen
    assert isinstance(screen, ChartsScreen)
    return screen


async def test_enter_on_the_activity_chart_jumps_to_the_selected_stretch() -> None:
    broker, run_id, events = await published()
    app = ChartsApp(broker, run_id, events)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ChartsScreen))
        await until(pilot, lambda: charts(app).data.complete)
        await pilot.press("3")
        plot = app.screen.query_one(ActivityPlot)
        await until(pilot, lambda: plot.series is not None and plot.selected_index is not None)
        series = plot.series
        assert series is not None
        middle_ts = events[len(events) // 2].ts
        assert middle_ts is not None
        assert plot.selected_index == series.index_at(middle_ts.timestamp()), "opens at the cursor"
        await pilot.press("home", "right", "right")
        assert plot.selected_index == 2
        expected = series.target(2)
        await pilot.press("enter")
        await until(pilot, lambda: bool(app.jumped))
    assert app.jumped == [expected]
    assert expected is not None
    assert expected > 1


async def test_a_click_on_a_bar_jumps_to_its_first_event() -> None:
    broker, run_id, events = await published()
    app = ChartsApp(broker, run_id, events)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ChartsScreen))
        await until(pilot, lambda: charts(app).data.complete)
        await pilot.press("3")
        plot = app.screen.query_one(ActivityPlot)
        await until(pilot, lambda: plot.series is not None)
        await pilot.pause(0.3)
        canvas = plot.query_one("#plot")
        series = plot.series
        assert series is not None
        # the last column of the plot area holds the last bar
        x = canvas.region.right - canvas.region.x - 2
        await pilot.click(canvas, offset=(x, canvas.region.height - 2))
        await until(pilot, lambda: bool(app.jumped))
    [seq] = app.jumped
    assert seq == series.target(len(series.buckets) - 1)
    assert seq is not None
    assert seq > len(events) * 0.9


async def test_the_charts_grow_with_live_events_and_escape_closes() -> None:
    broker, run_id, events = await published(turns=30)
    app = ChartsApp(broker, run_id, events)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ChartsScreen))
        screen = charts(app)
        await until(pilot, lambda: screen.data.complete)
        before = screen.data.cost_series()
        last = before.turns[-1]
        late = [
            Envelope(
                len(events) + 1,
                Event(
                    run_id,
                    "a1",
                    last + 1,
                    "metric",
                    {"name": "cost_usd", "value": 0.5},
                    datetime.now(),
                ),
            ),
        ]
        screen.add_live(late)
        await pilot.press("2")
        await pilot.pause(0.5)
        after = screen.data.cost_series()
        assert after.turns[-1] == last + 1
        assert after.cumulative[-1] == before.cumulative[-1] + 0.5
        plots = screen.query(CostPlot)
        assert len(plots) == 2
        await pilot.press("escape")
        await until(pilot, lambda: bool(app.jumped))
    assert app.jumped == [None]


async def test_keys_work_while_a_long_run_is_still_being_read() -> None:
    broker, run_id, events = await published(turns=100)
    broker.delay = 2.5  # three pages: 7.5 s of reading
    app = ChartsApp(broker, run_id, events)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ChartsScreen))
        screen = charts(app)
        title = screen.query_one("#charts-title", Static)
        await until(pilot, lambda: "reading the run" in str(title.render()))
        tabs = screen.query_one(TabbedContent)
        await pilot.press("3")
        assert tabs.active == "charts-activity"
        await pilot.press("2")
        assert tabs.active == "charts-cost"
        assert not screen.data.complete, "the keys were handled while the run was being read"
        await until(pilot, lambda: screen.data.complete)
        await pilot.pause(0.5)
        assert "reading" not in str(title.render())
        await pilot.press("escape")
        await until(pilot, lambda: bool(app.jumped))
    assert app.jumped == [None]
