"""The run's charts, drawn with textual-plot (a native Textual plot widget, braille lines).

Each plot is handed a ``ChartData`` value and draws it; none reads the broker. The activity
plot is the interactive one (lnav's histogram is the anchor): one bar per stretch of time,
coloured by what is there (events, a stretch the broker trimmed, a hole in the seqs), the log
cursor's time marked by a vertical line, a selected bar moved with left/right, and Enter or a
click on a bar posts ``ActivityPlot.Jump`` with the seq the log should go to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import var
from textual_plot import HiResMode, PlotWidget

from arena_tui.broker.models import Seq
from arena_tui.model.chart_activity import ActivitySeries
from arena_tui.model.charts import WORLD_FIELDS, ChartData, thin

WORLD_STYLES = ("#d7875f", "#87af5f", "#ffd75f", "#a8a8a8", "#5fd7ff")
"""food, wood, gold, stone, population."""
BAR_STYLES = {
    "events": "#5f87d7",
    "trimmed": "#6c6c6c",
    "hole": "#d75f5f",
}
SELECTED_STYLE = "#ffffff"
LEGEND = (
    ("events", "events/s"),
    ("trimmed", "trimmed by the broker"),
    ("hole", "missing seqs"),
    ("selected", "Enter: jump the log"),
)
CURSOR_STYLE = "#ffaf00"


class WorldPlot(PlotWidget):
    """Some of one agent's ``WORLD_FIELDS`` per turn (resources, or population: on one axis
    population would be a flat line under the resources)."""

    def __init__(self, fields: tuple[str, ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fields = fields

    def show(self, data: ChartData, agent: str | None) -> None:
        self.clear()
        self.set_xlabel("turn")
        if agent is None:
            return
        points = thin(data.world_series(agent), 2 * max(10, self.size.width))
        for index, (name, style) in enumerate(zip(WORLD_FIELDS, WORLD_STYLES, strict=True)):
            if name not in self.fields:
                continue
            pairs = [(p.turn, p.values[index]) for p in points if p.values[index] is not None]
            if pairs:
                turns, values = zip(*pairs, strict=True)
                self.plot(turns, values, style, HiResMode.BRAILLE, label=name)


class CostPlot(PlotWidget):
    """``cost_usd`` per turn (bars) or its running total (a line)."""

    def __init__(self, *, cumulative: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cumulative = cumulative

    def show(self, data: ChartData) -> None:
        self.clear()
        self.set_xlabel("turn")
        costs = data.cost_series()
        if not costs.turns:
            return
        if self.cumulative:
            self.plot(costs.turns, costs.cumulative, "#d787ff", HiResMode.BRAILLE, label="total $")
        else:
            self.bar(
                costs.turns,
                costs.per_turn,
                width=1.0,
                bar_style="#af87ff",
                hires_mode=None,
                label="$ per turn",
            )


def caption(*items: tuple[str, str]) -> Text:
    """A legend on one line: ``■ food  ■ wood …`` in each series' colour (plot legends would
    cover the data on a small screen)."""
    text = Text()
    for label, style in items:
        text.append("■ ", style=style).append(label + "  ")
    return text


WORLD_CAPTION = caption(*zip(WORLD_FIELDS, WORLD_STYLES, strict=True))
COST_CAPTION = caption(("$ per turn", "#af87ff"), ("total $ of the turns read", "#d787ff"))
ACTIVITY_CAPTION = caption(
    ("events/s", BAR_STYLES["events"]),
    ("trimmed", BAR_STYLES["trimmed"]),
    ("missing seqs", BAR_STYLES["hole"]),
    ("Enter: jump here", SELECTED_STYLE),
    ("log cursor", CURSOR_STYLE),
)


@dataclass(frozen=True, slots=True)
class _Shown:
    series: ActivitySeries
    cursor_ts: float | None


class ActivityPlot(PlotWidget, inherit_bindings=False):
    """Events per second across the whole run; Enter or a click jumps the log there."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "select(-1)", "Earlier", show=False),
        Binding("right,l", "select(1)", "Later", show=False),
        Binding("home", "select_edge(0)", "First", show=False),
        Binding("end", "select_edge(-1)", "Last", show=False),
        Binding("enter", "jump", "Jump the log here"),
    ]

    selected: var[float | None] = var(None)
    """The time (epoch seconds) inside the selected bar; it stays put when bars are rebinned."""

    class Jump(Message):
        """Go to ``seq`` in the log (the first event of the chosen stretch of time)."""

        def __init__(self, seq: Seq) -> None:
            super().__init__()
            self.seq = seq

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, allow_pan_and_zoom=False)
        self._shown: _Shown | None = None

    @property
    def series(self) -> ActivitySeries | None:
        return self._shown.series if self._shown else None

    def buckets_wanted(self) -> int:
        """One bar per column of the plot area."""
        return max(10, self.size.width - self.margin_left - 1)

    def show(self, data: ChartData, cursor_ts: float | None) -> None:
        series = data.activity(self.buckets_wanted())
        self._shown = _Shown(series, cursor_ts)
        if self.selected is None and cursor_ts is not None:
            self.set_reactive(ActivityPlot.selected, cursor_ts)
        self._draw()

    @property
    def selected_index(self) -> int | None:
        series = self.series
        if series is None or self.selected is None:
            return None
        return series.index_at(self.selected)

    def _draw(self) -> None:
        self.clear()
        self.set_xlabel("seconds into the run")
        self.set_ylabel("events/s")
        if self._shown is None or not self._shown.series.buckets:
            return
        series, cursor_ts = self._shown.series, self._shown.cursor_ts
        buckets = series.buckets
        top = max((b.rate for b in buckets), default=0.0) or 1.0
        chosen = self.selected_index
        for state, label in LEGEND:
            picked = [
                (index * series.width, top if state in ("trimmed", "hole") else b.rate)
                for index, b in enumerate(buckets)
                if (index == chosen) == (state == "selected")
                and (state == "selected" or b.state == state)
            ]
            if picked:
                xs, ys = zip(*picked, strict=True)
                style = SELECTED_STYLE if state == "selected" else BAR_STYLES[state]
                self.bar(xs, ys, series.width, style, None, label=label)
        self.set_ylimits(0, top * 1.1)
        self.set_xlimits(-series.width / 2, (len(buckets) - 0.5) * series.width)
        if cursor_ts is not None:
            self.add_v_line(cursor_ts - series.start, CURSOR_STYLE, label="log cursor")

    def watch_selected(self) -> None:
        if self._shown is not None:
            self._draw()

    def action_select(self, step: int) -> None:
        series = self.series
        if series is None or not series.buckets:
            return
        here = self.selected_index
        index = 0 if here is None else max(0, min(len(series.buckets) - 1, here + step))
        self.selected = series.start + (index + 0.5) * series.width

    def action_select_edge(self, edge: int) -> None:
        series = self.series
        if series is not None and series.buckets:
            index = edge % len(series.buckets)
            self.selected = series.start + (index + 0.5) * series.width

    def action_jump(self) -> None:
        series, index = self.series, self.selected_index
        if series is None or index is None:
            return
        target = series.target(index)
        if target is not None:
            self.post_message(self.Jump(target))

    def on_click(self, event: events.Click) -> None:
        series = self.series
        if series is None or not series.buckets:
            return
        canvas = self.query_one("#plot")
        offset = event.screen_offset - canvas.region.offset
        if not (0 <= offset.x < canvas.size.width and 0 <= offset.y < canvas.size.height):
            return
        x, _ = self.get_coordinate_from_pixel(offset.x, offset.y)
        index = round(x / series.width)
        if 0 <= index < len(series.buckets):
            event.stop()
            self.selected = series.start + (index + 0.5) * series.width
            self.action_jump()
