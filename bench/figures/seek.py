"""Figure 4, seek: ``g`` to a random seq of a 200,000-event run, until painted.

Setup: a finished 200,000-event run (MAXLEN raised) and the app open on it, at its end. Each
seek: press ``g``, type a random seq (``Pilot.press``, which waits for the app), then send
Enter the way a terminal driver does and time it to the first frame whose log pane update
carried that seq's row with the cursor on it (``bench.probe``). 100 seeks per run (5 with
``--quick``); the figure is the p99. Baseline: the read such a seek needs, done bare on the
same stream with redis-py (``XRANGE <seq>-0 + COUNT 500`` plus decoding every entry with
``codec.decode_entry``), for the same number of random seqs; its p99. Target: p99 <= 50 ms.
"""

from __future__ import annotations

import random
import time
import uuid

from arena_tui.broker import codec
from bench import data
from bench.app_driver import running_app
from bench.harness import Bench, interleave
from bench.probe import Frame, post_key, within
from bench.report import FigureResult, Metrics, Row, Target, summarise
from bench.stats import percentile

PAGE = 500

ROW = Row(
    name="4 seek p99 (200k run)",
    metric="p99_ms",
    unit="ms",
    target=Target("value", "<=", 50),
    baseline_metric="p99_ms",
    baseline_label="bare redis-py XRANGE <seq> COUNT 500 + decode",
    method=__doc__ or "",
)


async def run(bench: Bench) -> list[FigureResult]:
    n = bench.size(200_000, 5_000)
    seeks = 5 if bench.quick else 100
    prefix = bench.prefix("seek")
    broker = bench.broker(prefix, max_len=n + 1_000)
    run_id = uuid.uuid4().hex
    await data.fill_run(broker, run_id, n)
    key = broker.keys(run_id).events
    rng = random.Random(4)
    sync = bench.server.client()

    async def app_run() -> Metrics:
        latencies = []
        async with running_app(bench.url, prefix, run_id) as running:
            for _ in range(seeks):
                target = rng.randint(1, n)
                await running.pilot.press("g", *str(target))

                def shows(frame: Frame, target: int = target) -> bool:
                    view = frame.view
                    return (
                        view is not None
                        and view.cursor_seq == target
                        and (target in frame.event_seqs())
                    )

                waiting = running.probe.expect(shows)
                sent = post_key(running.app, "enter", "\r")
                frame = await within(waiting)
                latencies.append(frame.t - sent)
        return {
            "p99_ms": percentile(latencies, 99) * 1000,
            "p50_ms": percentile(latencies, 50) * 1000,
        }

    async def bare_run() -> Metrics:
        latencies = []
        for _ in range(seeks):
            target = rng.randint(1, n)
            start = time.monotonic()
            entries = sync.xrange(key, codec.entry_id(target), "+", count=PAGE)
            decoded = [codec.decode_entry(raw_id, fields) for raw_id, fields in entries]
            latencies.append(time.monotonic() - start)
            if decoded[0].seq != target:
                raise RuntimeError(f"XRANGE from {target} started at {decoded[0].seq}")
        return {
            "p99_ms": percentile(latencies, 99) * 1000,
            "p50_ms": percentile(latencies, 50) * 1000,
        }

    try:
        runs, base = await interleave(app_run, bare_run, bench.repeats)
    finally:
        await broker.reap(run_id)
        await broker.aclose()
        sync.close()
    return [summarise(ROW, runs, base)]
