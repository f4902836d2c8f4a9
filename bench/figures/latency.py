"""Figure 2, live latency: a producer at 1,000 events/s; time from publish to the row painted.

A producer process (``bench.producer``) publishes one event per call at 1,000 events/s for 10 s
into a run the app follows, each payload carrying ``sent_at`` (``time.monotonic()`` just before
its publish call). Painted: the first frame whose log pane update carried the event's row
(``bench.probe``: the compositor rendered the line and the frame was encoded to terminal
bytes). Latency is that frame's time minus ``sent_at``; the first 200 events are warm-up.
``max_view_updates_per_frame`` (in the JSON's ``extra``) counts the live view updates
(``apply_live``) between two encoded frames: at most one is the rule. Baseline: the same
producer with the bare redis-py consumer (``bench.bare``) instead of the
app, arrival time minus ``sent_at``. Targets: p50 <= 20 ms and p99 <= 50 ms (issue 14; p99 was
<= 100 ms).
"""

from __future__ import annotations

import asyncio
import threading
import uuid

from arena_tui.broker.models import Envelope, RunMeta
from arena_tui.model.rate import RateMeter
from arena_tui.model.rows import EventRow
from bench import bare
from bench.app_driver import finish_producer, running_app, start_producer
from bench.harness import Bench, interleave
from bench.probe import Frame
from bench.report import FigureResult, Metrics, Row, Target, summarise
from bench.stats import percentile

RATE = 1_000
WARM_UP = 200
BASELINE = "bare redis-py XREAD BLOCK consumer, publish to arrival"


def _row(name: str, metric: str, bound: float) -> Row:
    return Row(
        name=name,
        metric=metric,
        unit="ms",
        target=Target("value", "<=", bound),
        baseline_metric=metric,
        baseline_label=BASELINE,
        method=__doc__ or "",
    )


ROWS = (
    _row("2 live latency p50 (1k ev/s)", "p50_ms", 20),
    _row("2 live latency p99 (1k ev/s)", "p99_ms", 50),
)


def _metrics(ages: list[float], published: int) -> Metrics:
    kept = ages[WARM_UP:] if len(ages) > 2 * WARM_UP else ages
    return {
        "p50_ms": percentile(kept, 50) * 1000,
        "p99_ms": percentile(kept, 99) * 1000,
        "max_ms": max(kept) * 1000,
        "painted_fraction": len(ages) / published,
    }


async def run(bench: Bench) -> list[FigureResult]:
    seconds = 2.0 if bench.quick else 10.0
    prefix = bench.prefix("latency")
    broker = bench.broker(prefix)

    async def app_run() -> Metrics:
        run_id = uuid.uuid4().hex
        await broker.open_run(run_id, RunMeta(label="race"))
        painted: dict[int, float] = {}
        updates = [0]  # live view updates (``apply_live``) between two encoded frames

        def on_frame(frame: Frame) -> None:
            for row in frame.rows:
                if isinstance(row, EventRow) and row.seq not in painted:
                    sent_at = row.envelope.event.payload.get("sent_at")
                    if isinstance(sent_at, float):
                        painted[row.seq] = frame.t - sent_at

        async with running_app(bench.url, prefix, run_id) as running:
            running.probe.listeners.append(on_frame)
            screen = running.app.screen
            apply_live = screen.apply_live  # type: ignore[attr-defined]

            def counted_apply(batch: list[Envelope], rate: RateMeter) -> None:
                updates[-1] += 1
                apply_live(batch, rate)

            screen.apply_live = counted_apply  # type: ignore[attr-defined]
            running.probe.listeners.append(lambda _frame: updates.append(0))
            producer = await start_producer(
                bench.url, prefix, run_id, rate=RATE, seconds=seconds, batch=1
            )
            published = await finish_producer(producer)
            await asyncio.sleep(0.5)  # the last rows' frames
        await broker.reap(run_id)
        ages = [painted[seq] for seq in sorted(painted)]
        return {**_metrics(ages, published), "max_view_updates_per_frame": max(updates)}

    async def bare_run() -> Metrics:
        run_id = uuid.uuid4().hex
        await broker.open_run(run_id, RunMeta(label="race"))
        stop = threading.Event()
        client = bench.server.client()
        try:
            consumer = asyncio.create_task(
                asyncio.to_thread(bare.consume, client, broker.keys(run_id).events, stop)
            )
            producer = await start_producer(
                bench.url, prefix, run_id, rate=RATE, seconds=seconds, batch=1
            )
            published = await finish_producer(producer)
            stop.set()
            ages = await consumer
        finally:
            client.close()
        await broker.reap(run_id)
        return _metrics(ages, published)

    try:
        runs, base = await interleave(app_run, bare_run, bench.repeats)
    finally:
        await broker.aclose()
    return [summarise(row, runs, base) for row in ROWS]
