"""Figure 6, run list: ``list_runs`` over 10,000 runs, half open and half finished.

Setup: 10,000 runs written as the arena writes them (``:open`` with its JSON sentinel and 6 h
TTL on every other run, ``:seq``, and a three-event ``:events`` stream each), 25,000 keys in
all. Figure: a fresh ``RedisStreamsBroker``'s first ``list_runs()`` (a viewer starting: one
SCAN in steps of 1,000 keys, then every run's summary in round trips of 1,000 runs: one
``XINFO STREAM`` per run and MGETs of ``:seq`` and ``:open``; later polls cost only what
changed, see figure 12), seconds of wall time. Baseline: the arena's own way, one SCAN of the
same keys and then a GET and an XLEN per key, each its own round trip, on redis-py's asyncio
client.
"""

from __future__ import annotations

import time

import redis.asyncio as aioredis

from bench import data
from bench.harness import Bench, interleave
from bench.report import FigureResult, Metrics, Row, Target, summarise

EVENTS_PER_RUN = 3

ROW = Row(
    name="6 run list (10,000 runs)",
    metric="seconds",
    unit="s",
    target=Target("value", "<=", 1.0),
    baseline_metric="seconds",
    baseline_label="one SCAN, then GET and XLEN per key, one round trip each (the arena's)",
    ratio="baseline/value",
    method=__doc__ or "",
)


async def run(bench: Bench) -> list[FigureResult]:
    n_runs = bench.size(10_000, 300)
    prefix = bench.prefix("runlist")
    sync = bench.server.client()
    try:
        data.write_runs(sync, prefix, n_runs, events_per_run=EVENTS_PER_RUN, open_every=2)
    finally:
        sync.close()
    client = aioredis.Redis.from_url(bench.url, protocol=2)

    async def ours() -> Metrics:
        fresh = bench.broker(prefix)  # a viewer's first listing: nothing learned yet
        try:
            start = time.perf_counter()
            infos = await fresh.list_runs()
            elapsed = time.perf_counter() - start
        finally:
            await fresh.aclose()
        if len(infos) != n_runs:
            raise RuntimeError(f"list_runs found {len(infos)} runs, expected {n_runs}")
        return {"seconds": elapsed}

    async def arenas() -> Metrics:
        start = time.perf_counter()
        keys = [key async for key in client.scan_iter(match=f"{prefix}:run:*")]
        found = 0
        for key in keys:
            if not key.endswith(b":events"):
                await client.get(key)
            elif key.endswith(b":events"):
                await client.xlen(key)
                found += 1
        elapsed = time.perf_counter() - start
        if found != n_runs:
            raise RuntimeError(f"the arena's listing found {found} runs, expected {n_runs}")
        return {"seconds": elapsed}

    try:
        runs, base = await interleave(ours, arenas, bench.repeats)
    finally:
        await client.aclose()
    return [summarise(ROW, runs, base)]
