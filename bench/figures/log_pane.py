"""Figure 8, the log pane against Textual's own ``Log`` and ``RichLog``, doing the same work.

Three one-widget apps of the same size (160x48, headless, the arena app's stylesheet): our
``LogPane`` (fed the way the watch screen feeds it: ``live_events(batch)``), Textual's
``Log`` (``write_lines``) and ``RichLog`` (``write`` of a ``Text`` per event). The same 50,000
events (5,000 with ``--quick``) go into each in batches of 500 (a producer's batch); for
``Log`` and ``RichLog`` each event is first formatted to the same one-line text our rows show
(seq, time, turn, agent, kind, summary). After each batch the bench waits for the next encoded
frame (``bench.probe``). Figure: events/s into our pane; baselines: events/s into ``Log`` and
into ``RichLog``, in the same repeat (the order rotates). Target: ours beats both.

Painted rows, counted the same way for all three: every call of the widget's ``render_line``
(the line API the compositor calls for each line it puts in an update), per encoded frame
(``lines_per_frame`` in the JSON). Following the end, each frame must repaint every visible
line (46), since all of them moved. ``Log`` runs without ``max_lines`` here: in Textual 8.2.8
a ``Log`` at ``max_lines`` stops repainting its body (its pruned lines keep their old screen
rows, and only lines past the end are refreshed: about 1 line a frame instead of 46), so it
would be timed for painting almost nothing. Without the cap it repaints what ours does (it
keeps every line: memory is not what this figure compares). ``RichLog`` keeps ``max_lines``
3,000, our window's bound: it repaints all its visible lines either way.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Log, RichLog

from arena_tui.broker.models import Envelope, ReadResult
from arena_tui.model.log import MAX_ROWS
from arena_tui.model.summary import summarize
from arena_tui.ui.widgets.log.pane import LogPane
from bench import data
from bench.app_driver import SIZE, until
from bench.harness import ROOT, Bench, rotate
from bench.probe import FrameProbe, within
from bench.report import FigureResult, Metrics, Row, Target, summarise

BATCH = 500
RUN_ID = "0" * 32


class _OneWidget(App[None]):
    CSS_PATH = str(ROOT / "arena_tui" / "ui" / "app.tcss")

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


def _line(envelope: Envelope) -> str:
    event = envelope.event
    ts = event.ts.strftime("%H:%M:%S") if event.ts else "--:--:--"
    return (
        f"{envelope.seq:>9,} {ts} {event.t:>4} {event.agent_id[:4]:<5} "
        f"{event.kind:<14} {summarize(envelope)}"
    )


Feed = Callable[[Widget, Sequence[Envelope]], None]


def _feed_ours(widget: Widget, batch: Sequence[Envelope]) -> None:
    assert isinstance(widget, LogPane)
    widget.live_events(batch)


def _feed_log(widget: Widget, batch: Sequence[Envelope]) -> None:
    assert isinstance(widget, Log)
    widget.write_lines([_line(envelope) for envelope in batch])


def _feed_rich(widget: Widget, batch: Sequence[Envelope]) -> None:
    assert isinstance(widget, RichLog)
    for envelope in batch:
        widget.write(Text(_line(envelope)))


async def _throughput(
    make: Callable[[], Widget], feed: Feed, envelopes: Sequence[Envelope]
) -> Metrics:
    widget = make()
    app = _OneWidget(widget)
    async with app.run_test(size=SIZE):
        probe = FrameProbe(app)
        probe.attach_display()
        painted = [0]
        render_line = widget.render_line

        def counted(y: int) -> Strip:
            painted[0] += 1
            return render_line(y)

        widget.render_line = counted  # type: ignore[method-assign]
        await until(lambda: widget.size.height > 0, what="the widget's layout")
        if isinstance(widget, LogPane):
            widget.open(RUN_ID)  # as the screen does: open, then the first read comes back empty
            want = widget.view.want
            assert want is not None
            widget.fetched(want, ReadResult(RUN_ID, 0, (), 0, 0), None)
        start, frames, painted[0] = time.monotonic(), probe.frames, 0
        for i in range(0, len(envelopes), BATCH):
            frame = probe.expect(lambda _frame: True)
            feed(widget, envelopes[i : i + BATCH])
            last = await within(frame, 30)
        frames = probe.frames - frames
        return {
            "events_per_s": len(envelopes) / (last.t - start),
            "lines_per_frame": painted[0] / max(frames, 1),
        }


async def run(bench: Bench) -> list[FigureResult]:
    n = bench.size(50_000, 5_000)
    envelopes = [Envelope(seq, event) for seq, event in enumerate(data.events(RUN_ID, n), start=1)]
    variants: list[tuple[str, Callable[[], Widget], Feed]] = [
        ("ours", lambda: LogPane(), _feed_ours),
        ("log", lambda: Log(), _feed_log),  # no max_lines: see the module docstring
        ("rich", lambda: RichLog(max_lines=MAX_ROWS), _feed_rich),
    ]
    jobs = [functools.partial(_throughput, make, feed, envelopes) for _, make, feed in variants]
    results = await rotate(jobs, bench.repeats)
    runs = {name: result for (name, _, _), result in zip(variants, results, strict=True)}
    rows: list[FigureResult] = []
    labels = (
        ("log", "Textual Log (write_lines, no max_lines)"),
        ("rich", "Textual RichLog (write)"),
    )
    for name, label in labels:
        row = Row(
            name=f"8 log pane vs {label.split(' (')[0]}",
            metric="events_per_s",
            unit="ev/s",
            target=Target("ratio", ">=", 1.0),
            baseline_metric="events_per_s",
            baseline_label=label,
            method=__doc__ or "",
        )
        rows.append(summarise(row, runs["ours"], runs[name]))
    return rows
