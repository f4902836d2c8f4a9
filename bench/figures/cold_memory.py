"""Figure 13, memory: RSS growth of the app after scrolling a 1,000,000-event cold run end to end.

The same DuckDB log as figure 10 (``cold.make_log``: a 1,000,000-event run, 20,000 with
``--quick``, that only the arena's log holds). Each run starts a fresh process
(``bench.cold_memory_worker``) with the real app headless at 160x48 on that run: at its first
seq after 1 s idle it reads its RSS (the baseline), then presses PgDn (the pane's page action)
until the cursor is on the last seq, a frame painted every 50 pages, every page of the run
read from the file as the cursor reaches it (1M events at 47 rows a page: ~21,300 pages), and
reads its RSS again. Figure: final minus idle RSS in MiB; baseline: the idle RSS of the same
process; ratio: growth / idle. Target: growth <= 30 MiB (issue 14), as figure 5's live tail. At most
3 runs (``REPEATS``) whatever ``--repeats`` says: one takes minutes, its frames painting while
each page is read.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
import tempfile
from pathlib import Path

from bench.figures.cold import make_log
from bench.harness import ROOT, Bench
from bench.report import FigureResult, Metrics, Row, Target, summarise

ROW = Row(
    name="13 memory: RSS growth scrolling a 1M-event cold run end to end",
    metric="growth_mb",
    unit="MiB",
    target=Target("value", "<=", 30),
    baseline_metric="idle_mb",
    baseline_label="RSS of the idle app at the run's first seq (same process, before scrolling)",
    method=__doc__ or "",
)
REPEATS = 3


async def run(bench: Bench) -> list[FigureResult]:
    n = bench.size(1_000_000, 20_000)
    root = Path(tempfile.mkdtemp(prefix="bench-cold-memory-"))
    runs: list[Metrics] = []
    try:
        await asyncio.to_thread(make_log, root, n)
        for _ in range(min(bench.repeats, REPEATS)):
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bench.cold_memory_worker",
                str(root),
                "--events",
                str(n),
                cwd=ROOT,
                stdout=asyncio.subprocess.PIPE,
            )
            out, _ = await process.communicate()
            if process.returncode != 0:
                raise RuntimeError(f"cold memory worker failed: exit code {process.returncode}")
            runs.append(json.loads(out.decode().strip().splitlines()[-1]))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    # The baseline (idle RSS) is measured in the same process as the figure, just before it.
    return [summarise(ROW, runs, runs)]
