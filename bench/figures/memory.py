"""Figure 5, memory: RSS growth of the app after following 1,000,000 events.

Each run starts a fresh process (``bench.memory_worker``) that runs the real app headless on
an open run and reads its own RSS from ``/proc``: once idle (loaded, tail reading, 1 s quiet:
the baseline), then after a producer process has published 1,000,000 events at 20,000
events/s (20,000 with ``--quick``) and a frame has painted the last one. The stream keeps its
default MAXLEN ~ 10000, as in production. Figure: final minus idle RSS in MiB; baseline: the
idle RSS of the same process; ratio: growth / idle. Target: growth <= 30 MiB (issue 14; it was
<= 50).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid

from arena_tui.broker.models import RunMeta
from bench.harness import ROOT, Bench
from bench.report import FigureResult, Metrics, Row, Target, summarise

RATE = 20_000

ROW = Row(
    name="5 memory: RSS growth (1M events)",
    metric="growth_mb",
    unit="MiB",
    target=Target("value", "<=", 30),
    baseline_metric="idle_mb",
    baseline_label="RSS of the idle app (same process, before the load)",
    method=__doc__ or "",
)


async def run(bench: Bench) -> list[FigureResult]:
    events = bench.size(1_000_000, 20_000)
    prefix = bench.prefix("memory")
    broker = bench.broker(prefix)
    runs: list[Metrics] = []
    try:
        for _ in range(bench.repeats):
            run_id = uuid.uuid4().hex
            await broker.open_run(run_id, RunMeta(label="race"))
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bench.memory_worker",
                run_id,
                "--prefix",
                prefix,
                "--events",
                str(events),
                "--rate",
                str(RATE),
                cwd=ROOT,
                env={**os.environ, "BENCH_REDIS_URL": bench.url},
                stdout=asyncio.subprocess.PIPE,
            )
            out, _ = await process.communicate()
            if process.returncode != 0:
                raise RuntimeError(f"memory worker failed with exit code {process.returncode}")
            runs.append(json.loads(out.decode().strip().splitlines()[-1]))
            await broker.reap(run_id)
    finally:
        await broker.aclose()
    # The baseline (idle RSS) is measured in the same process as the figure, just before it.
    return [summarise(ROW, runs, runs)]
