"""Figure 3, sustained load: 10,000 events/s for 30 s into the followed run.

A producer process publishes ``publish_many`` batches of 500 every 50 ms (what
``arena.producer`` does at this rate) for 30 s (5 s with ``--quick``), each payload carrying
its ``sent_at``. View lag: at every frame that repainted the log pane, the frame's time minus
the ``sent_at`` of the newest row it painted; the figure is the maximum over the run (the first
second is warm-up). Key press: every 0.5 s the bench sends Enter (open / close the detail pane,
which re-lays out the screen and keeps following) the way a terminal driver does, and times
it to the first frame rendered with the pane in its new state; the figure is the p99.
Baselines, in the same repeat: for lag, the bare redis-py consumer (``bench.bare``) under the
same load, its maximum arrival age; for the key press, the same presses on the idle app.
Targets: lag <= 1 s, key press p99 <= 100 ms.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from functools import partial

from arena_tui.broker.models import RunMeta
from arena_tui.model.rows import EventRow
from arena_tui.ui.widgets.log.detail import DetailPane
from bench import bare
from bench.app_driver import RunningApp, finish_producer, running_app, start_producer
from bench.harness import Bench, interleave
from bench.probe import Frame, post_key, within
from bench.report import FigureResult, Metrics, Row, Target, summarise
from bench.stats import percentile

RATE = 10_000
BATCH = 500
WARM_UP_S = 1.0
PRESS_EVERY = 0.5

ROWS = (
    Row(
        name="3 sustained: max view lag (10k ev/s)",
        metric="max_lag_s",
        unit="s",
        target=Target("value", "<=", 1.0),
        baseline_metric="max_lag_s",
        baseline_label="bare redis-py XREAD BLOCK consumer under the same load",
        method=__doc__ or "",
    ),
    Row(
        name="3 sustained: key press p99 (10k ev/s)",
        metric="press_p99_ms",
        unit="ms",
        target=Target("value", "<=", 100),
        baseline_metric="press_p99_ms",
        baseline_label="the same key presses on the idle app",
        method=__doc__ or "",
    ),
)


def _detail_is(detail: DetailPane, open_: bool, _frame: Frame) -> bool:
    return detail.has_class("-open") == open_


async def _presses(
    running: RunningApp, stop: asyncio.Event, limit: int | None = None
) -> list[float]:
    """Enter every ``PRESS_EVERY`` s until ``stop``; seconds from each press to its frame."""
    detail = running.app.screen.query_one(DetailPane)
    latencies: list[float] = []
    while not stop.is_set() and (limit is None or len(latencies) < limit):
        expected = not detail.has_class("-open")
        waiting = running.probe.expect(partial(_detail_is, detail, expected))
        sent = post_key(running.app, "enter", "\r")
        frame = await within(waiting)
        latencies.append(frame.t - sent)
        await asyncio.sleep(PRESS_EVERY)
    return latencies


async def run(bench: Bench) -> list[FigureResult]:
    seconds = 5.0 if bench.quick else 30.0
    prefix = bench.prefix("sustained")
    broker = bench.broker(prefix)

    async def app_run() -> Metrics:
        run_id = uuid.uuid4().hex
        await broker.open_run(run_id, RunMeta(label="race"))
        lags: list[float] = []
        started = time.monotonic()

        def on_frame(frame: Frame) -> None:
            newest = max(
                (row for row in frame.rows if isinstance(row, EventRow)),
                key=lambda row: row.seq,
                default=None,
            )
            if newest is None or frame.t - started < WARM_UP_S:
                return
            sent_at = newest.envelope.event.payload.get("sent_at")
            if isinstance(sent_at, float):
                lags.append(frame.t - sent_at)

        async with running_app(bench.url, prefix, run_id) as running:
            running.probe.listeners.append(on_frame)
            producer = await start_producer(
                bench.url, prefix, run_id, rate=RATE, seconds=seconds, batch=BATCH
            )
            started = time.monotonic()
            stop = asyncio.Event()
            pressing = asyncio.create_task(_presses(running, stop))
            published = await finish_producer(producer)
            stop.set()
            presses = await pressing
            painted_last = running.pane.view.last_seq
        await broker.reap(run_id)
        return {
            "max_lag_s": max(lags),
            "press_p99_ms": percentile(presses, 99) * 1000,
            "press_n": len(presses),
            "published": published,
            "last_seq": painted_last,
        }

    async def baseline_run() -> Metrics:
        run_id = uuid.uuid4().hex
        await broker.open_run(run_id, RunMeta(label="race"))
        async with running_app(bench.url, prefix, run_id) as running:
            idle = await _presses(running, asyncio.Event(), limit=10 if bench.quick else 20)
        stop = threading.Event()
        client = bench.server.client()
        try:
            consumer = asyncio.create_task(
                asyncio.to_thread(bare.consume, client, broker.keys(run_id).events, stop)
            )
            producer = await start_producer(
                bench.url, prefix, run_id, rate=RATE, seconds=seconds, batch=BATCH
            )
            await finish_producer(producer)
            stop.set()
            ages = await consumer
        finally:
            client.close()
        await broker.reap(run_id)
        return {"max_lag_s": max(ages), "press_p99_ms": percentile(idle, 99) * 1000}

    try:
        runs, base = await interleave(app_run, baseline_run, bench.repeats)
    finally:
        await broker.aclose()
    return [summarise(row, runs, base) for row in ROWS]
