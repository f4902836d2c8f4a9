"""Figure 1, catch-up: the real app follows a 200,000-event run from seq 1 to its end.

Setup: a 200,000-event run (MAXLEN raised to hold all of it) is written once under a spare key.
For each app run a fresh run is opened (``:open`` only, no events), the app is started headless
on it (following, so its tail reads from seq 1) and, once its tail is reading, the 200,000
events are put in place with one ``COPY`` of the spare stream, so the whole run is backlog the
app must catch up on. Figure: events/s from the ``COPY`` to the first frame that painted seq
200,000 (every event went through the broker's tail, the log view model and frames the
compositor rendered and encoded; see ``bench.probe``). Baseline: a bare redis-py loop over the
same stream, ``XREAD COUNT 1000`` from ``0-0`` plus ``json.loads`` of every payload.
"""

from __future__ import annotations

import json
import time
import uuid

import redis.asyncio as aioredis

from arena_tui.broker.models import RunMeta
from bench import data
from bench.app_driver import running_app
from bench.harness import Bench, interleave
from bench.probe import within
from bench.report import FigureResult, Metrics, Row, Target, summarise

ROW = Row(
    name="1 catch-up (200k events)",
    metric="events_per_s",
    unit="ev/s",
    target=Target("ratio", ">=", 0.5),
    baseline_metric="events_per_s",
    baseline_label="bare redis-py XREAD COUNT 1000 + json.loads over the same stream",
    method=__doc__ or "",
)


async def run(bench: Bench) -> list[FigureResult]:
    n = bench.size(200_000, 5_000)
    prefix = bench.prefix("catchup")
    broker = bench.broker(prefix, max_len=n + 1_000)
    await data.fill_run(broker, "spare", n)
    spare = broker.keys("spare").events
    client = aioredis.Redis.from_url(bench.url, protocol=2)
    sync = bench.server.client()
    last_key: list[bytes] = []

    async def app_run() -> Metrics:
        run_id = uuid.uuid4().hex
        keys = broker.keys(run_id)
        await broker.open_run(run_id, RunMeta(label="rank"))
        async with running_app(bench.url, prefix, run_id) as running:
            waiting = running.probe.expect(lambda frame: n in frame.event_seqs())
            start = time.monotonic()
            await client.copy(spare.decode(), keys.events.decode())
            await client.set(keys.seq, n)
            frame = await within(waiting, 300)
            view = running.pane.view
            if view.lost_count:
                raise RuntimeError(f"the app lost {view.lost_count} events to trimming")
        if last_key:
            await client.delete(*last_key)
        last_key[:] = [keys.events, keys.seq, keys.open]
        return {"events_per_s": n / (frame.t - start)}

    async def bare() -> Metrics:
        key = last_key[0] if last_key else spare
        start = time.monotonic()
        cursor = b"0-0"
        count = 0
        while True:
            reply = sync.xread({key: cursor}, count=1000)
            if not reply:
                break
            entries = reply[0][1]
            for _entry_id, fields in entries:
                json.loads(fields[b"p"])
            count += len(entries)
            cursor = entries[-1][0]
        elapsed = time.monotonic() - start
        if count != n:
            raise RuntimeError(f"the bare loop read {count} events, expected {n}")
        return {"events_per_s": n / elapsed}

    try:
        runs, base = await interleave(app_run, bare, bench.repeats)
    finally:
        await broker.aclose()
        await client.aclose()
        sync.close()
    return [summarise(ROW, runs, base)]
