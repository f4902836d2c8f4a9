"""Figure 7, publish: the batched atomic publish against the arena's INCR + XADD pair.

Figure: ``RedisStreamsBroker.publish_many`` in batches of 500 (what ``arena.producer`` sends
above 50 events/s): one EVALSHA round trip per batch, INCRBY and the XADDs inside Redis.
Baseline: the arena's producer, one ``INCR :seq`` round trip then one ``XADD :events MAXLEN ~
10000 <seq>-0 ...`` round trip per event, on redis-py's asyncio client. Both encode every event
with ``codec.encode_event``; the unit is events per second of wall time.
"""

from __future__ import annotations

import time
from typing import Any

import redis.asyncio as aioredis

from arena_tui.broker import codec
from bench import data
from bench.harness import Bench, interleave
from bench.report import FigureResult, Metrics, Row, Target, summarise

BATCH = 500

ROW = Row(
    name="7 publish (batched atomic)",
    metric="events_per_s",
    unit="ev/s",
    target=Target("ratio", ">=", 5),
    baseline_metric="events_per_s",
    baseline_label="INCR + XADD round-trip pair per event (the arena's producer)",
    method=__doc__ or "",
)


async def run(bench: Bench) -> list[FigureResult]:
    n = bench.size(50_000, 2_000)

    async def batched() -> Metrics:
        prefix = bench.prefix("publish")
        broker = bench.broker(prefix)
        try:
            evs = list(data.events("r-batched", n))
            start = time.perf_counter()
            for i in range(0, n, BATCH):
                await broker.publish_many("r-batched", evs[i : i + BATCH])
            elapsed = time.perf_counter() - start
        finally:
            await broker.aclose()
        return {"events_per_s": n / elapsed}

    async def pairs() -> Metrics:
        prefix = bench.prefix("publish")
        client = aioredis.Redis.from_url(bench.url, protocol=2)
        seq_key = f"{prefix}:run:r-pairs:seq".encode()
        events_key = f"{prefix}:run:r-pairs:events".encode()
        try:
            evs = list(data.events("r-pairs", n))
            start = time.perf_counter()
            for event in evs:
                seq = await client.incr(seq_key)
                fields: dict[Any, Any] = dict(codec.encode_event(event))
                await client.xadd(
                    events_key,
                    fields,
                    id=codec.entry_id(seq),
                    maxlen=10_000,
                    approximate=True,
                )
            elapsed = time.perf_counter() - start
        finally:
            await client.aclose()
        return {"events_per_s": n / elapsed}

    runs, base = await interleave(batched, pairs, bench.repeats)
    return [summarise(ROW, runs, base)]
