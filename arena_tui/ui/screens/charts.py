"""The charts screen (``i``, lnav's histogram key): world, cost and activity of the open run.

The screen reads the run's retained history itself, in pages (``reading.charts.fold_history``,
in an exclusive worker), below the seq where it was opened; the watch screen hands it the live
events from there on (``add_live``). Live events that arrive while the history is still being
read wait in ``_pending`` and are folded in at draw time, so neither source overwrites the
other. The plots are redrawn at most ``REDRAW_S`` apart, never per event, and the title shows
how much of the history is read, so a long run's charts fill in while keys keep working. Only
the tab on screen is drawn; the others are drawn when they are shown.

A history read the broker refuses (unreachable, a run reaped meanwhile) is said in the title,
and the charts keep what they folded: the worker must not raise, or Textual ends the app (the
soak's replay app died that way during a stalled Redis). Closing and opening the charts reads
again.

The screen is dismissed with the seq to jump to (Enter or a click on the activity chart), or
None (Escape, ``i``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static, TabbedContent, TabPane
from textual_plot import PlotWidget

from arena_tui.broker.errors import BrokerError
from arena_tui.broker.models import Envelope, Seq
from arena_tui.broker.protocol import EventBroker
from arena_tui.model.charts import ChartData
from arena_tui.model.summary import short_id
from arena_tui.model.world import RESOURCES
from arena_tui.reading.charts import fold_history
from arena_tui.ui.widgets.charts import (
    ACTIVITY_CAPTION,
    COST_CAPTION,
    WORLD_CAPTION,
    ActivityPlot,
    CostPlot,
    WorldPlot,
)
from arena_tui.ui.widgets.footer import Footer

REDRAW_S = 1.0
"""Plots are redrawn at most this often (drawing one costs tens of ms, more on a busy box)."""


class ChartsScreen(Screen[Seq | None]):
    DEFAULT_CSS = """
    ChartsScreen #charts-title { height: 1; padding: 0 1; text-style: bold; }
    ChartsScreen TabbedContent { height: 1fr; }
    ChartsScreen TabbedContent > ContentSwitcher { height: 1fr; }
    ChartsScreen TabPane { height: 1fr; padding: 0; }
    ChartsScreen PlotWidget { height: 1fr; }
    ChartsScreen #world-resources { height: 2fr; }
    ChartsScreen .caption { height: auto; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,i", "dismiss(None)", "Back to the log"),
        Binding("1", "tab('charts-world')", "World"),
        Binding("2", "tab('charts-cost')", "Cost"),
        Binding("3", "tab('charts-activity')", "Activity"),
    ]

    def __init__(
        self,
        broker: EventBroker,
        run_id: str,
        *,
        title: str,
        live_from: Seq,
        started_at: datetime | None,
        cursor_ts: datetime | None,
        cursor_agent: str | None,
    ) -> None:
        super().__init__()
        self.broker = broker
        self.run_id = run_id
        self.run_title = title
        self.cursor_ts = cursor_ts.timestamp() if cursor_ts else None
        self.cursor_agent = cursor_agent
        self._data = ChartData.start(live_from, started_at)
        self._pending: list[Envelope] = []
        self._dirty = True
        self._failed = ""
        """Why the history read stopped ("" while it goes on or when it is done)."""

    def compose(self) -> ComposeResult:
        yield Static(id="charts-title")
        with TabbedContent(initial="charts-world"):
            with TabPane("world", id="charts-world"):
                yield Static(WORLD_CAPTION, classes="caption")
                yield WorldPlot(RESOURCES, id="world-resources")
                yield WorldPlot(("population",), id="world-population")
            with TabPane("cost", id="charts-cost"):
                yield Static(COST_CAPTION, classes="caption")
                yield CostPlot(cumulative=False, id="cost-per-turn")
                yield CostPlot(cumulative=True, id="cost-total")
            with TabPane("activity", id="charts-activity"):
                yield Static(ACTIVITY_CAPTION, classes="caption")
                yield ActivityPlot(id="activity-plot")
        yield Footer()

    def on_mount(self) -> None:
        for plot in self.query(PlotWidget):
            plot.margin_top = 1
        self.read_history()
        self.set_interval(REDRAW_S, self._redraw_if_dirty)
        self.call_after_refresh(self.redraw)

    @property
    def data(self) -> ChartData:
        """What is drawn: the folded data plus live events waiting for the history scan."""
        return self._data.add(self._pending) if self._pending else self._data

    def add_live(self, envelopes: Sequence[Envelope]) -> None:
        """Live events from the watch screen's tail (ascending seqs)."""
        if self._data.complete:
            self._data = self._data.add(envelopes)
        else:
            self._pending.extend(envelopes)
        self._dirty = True

    @work(exclusive=True, group="charts")
    async def read_history(self) -> None:
        try:
            async for data in fold_history(self.broker, self.run_id, self._data):
                if data.complete and self._pending:
                    data = data.add(self._pending)
                    self._pending.clear()
                self._data = data
                self._dirty = True
        except BrokerError as exc:
            self._failed = f" · cannot read the run: {exc}"
            self._dirty = True

    def _redraw_if_dirty(self) -> None:
        if self._dirty:
            self.redraw()

    def redraw(self) -> None:
        self._dirty = False
        data = self.data
        agents = data.agents()
        agent = self.cursor_agent if self.cursor_agent in agents else next(iter(agents), None)
        reading = "" if data.complete else f" · reading the run {data.progress:.0%}…"
        reading = self._failed or reading
        shown = f" · world of agent {short_id(agent, 4)}" if agent else ""
        self.query_one("#charts-title", Static).update(f"charts · {self.run_title}{shown}{reading}")
        tab = self.query_one(TabbedContent).active
        if tab == "charts-world":
            for world in self.query(WorldPlot):
                world.show(data, agent)
        elif tab == "charts-cost":
            for plot in self.query(CostPlot):
                plot.show(data)
        else:
            self.query_one(ActivityPlot).show(data, self.cursor_ts)

    def action_tab(self, name: str) -> None:
        self.query_one(TabbedContent).active = name
        if name == "charts-activity":
            self.query_one(ActivityPlot).focus()

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        self.call_after_refresh(self.redraw)

    @on(ActivityPlot.Jump)
    def _jump(self, message: ActivityPlot.Jump) -> None:
        self.dismiss(message.seq)
