"""Figure 12, footprint: what 10 idle viewers cost the arena's producer and Redis.

Setup: 10,000 runs written as the arena leaves them (``:seq`` and a 10-event ``:events``
stream each, ``:open`` gone: the arena's CLI never flushes its reaps), and in the second pair
of rows 1,000 of them still open (``:open`` with its JSON sentinel and 6 h TTL). Figure: a
producer in its own process publishes the arena's way (``INCR :seq`` then ``XADD :events
MAXLEN ~ 10000``, two round trips on redis-py's synchronous client) at 500 events/s for 20 s
while 10 viewer processes each call ``RedisStreamsBroker.list_runs()`` every 1.5 s (what the
app's sidebar does); measured: the p99 of the publish round trips (ms), and Redis's CPU time
(``INFO cpu``, user + sys) over the same 20 s as % of one core. The viewers start first and
are measured once their first listing is done: the steady state. Baseline: the same with no
viewer. Target: 10 viewers add at most 1 ms to the producer's p99 and 5 % to Redis's CPU.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time

from bench import data
from bench.harness import ROOT, Bench, interleave
from bench.report import FigureResult, Metrics, Row, Target, summarise

VIEWERS = 10
EVENTS_PER_RUN = 10
SECONDS = 20.0
RATE = 500.0


def _rows(scenario: str) -> list[Row]:
    return [
        Row(
            name=f"12 {what}, 10 viewers ({scenario})",
            metric=metric,
            unit=unit,
            target=Target("added", "<=", most),
            baseline_metric=metric,
            baseline_label="no viewer",
            method=__doc__ or "",
        )
        for what, metric, unit, most in (
            ("producer p99", "p99_ms", "ms", 1.0),
            ("Redis CPU", "cpu_pct", "%", 5.0),
        )
    ]


def _cpu_seconds(bench: Bench) -> float:
    client = bench.server.client()
    try:
        info = client.info("cpu")
    finally:
        client.close()
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


async def _worker(*args: str) -> asyncio.subprocess.Process:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.footprint_worker", *args,
        stdout=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip


STOP_S = 10.0
"""How long a viewer gets to exit after SIGINT before it is killed."""


async def _stop(procs: list[asyncio.subprocess.Process]) -> None:
    """SIGINT every viewer, then kill any still running after ``STOP_S``: a full run once hung
    here for good (2026-12-02, 25 minutes into this figure: ten viewers still listing, the
    bench waiting on their exit with no timeout)."""
    for proc in procs:
        if proc.returncode is None:
            proc.send_signal(signal.SIGINT)
    for proc in procs:
        try:
            await asyncio.wait_for(proc.communicate(), STOP_S)
        except TimeoutError:
            print(f"   a viewer ignored SIGINT for {STOP_S:.0f} s: killed", file=sys.stderr)
            with contextlib.suppress(ProcessLookupError):  # it exited meanwhile
                proc.kill()
            await proc.wait()


async def _measure(bench: Bench, prefix: str, viewers: int, seconds: float) -> Metrics:
    env_url = bench.url
    os.environ["BENCH_REDIS_URL"] = env_url
    procs = [await _worker("viewer", "--prefix", prefix) for _ in range(viewers)]
    try:
        started = time.perf_counter()
        for proc in procs:
            assert proc.stdout is not None
            line = await asyncio.wait_for(proc.stdout.readline(), 600)
            if line.strip() != b"ready":
                raise RuntimeError(f"a viewer failed to list the runs: {line!r}")
        warmup = time.perf_counter() - started
        cpu0, t0 = _cpu_seconds(bench), time.perf_counter()
        producer = await _worker(
            "producer", "--prefix", prefix, "--seconds", str(seconds), "--rate", str(RATE)
        )
        out, _ = await producer.communicate()
        cpu1, t1 = _cpu_seconds(bench), time.perf_counter()
        result = json.loads(out)
    finally:
        await _stop(procs)
    metrics = {**result, "cpu_pct": 100 * (cpu1 - cpu0) / (t1 - t0), "warmup_s": warmup}
    print(f"   {viewers} viewers: {metrics}", file=sys.stderr, flush=True)
    return metrics


async def run(bench: Bench) -> list[FigureResult]:
    n_runs = bench.size(10_000, 300)
    seconds = bench.size(int(SECONDS), 3)
    results: list[FigureResult] = []
    for scenario, open_every in (("10,000 runs", 0), ("1,000 of them open", 10)):
        prefix = bench.prefix("footprint")
        client = bench.server.client()
        try:
            data.write_runs(
                client, prefix, n_runs, events_per_run=EVENTS_PER_RUN, open_every=open_every
            )
        finally:
            client.close()

        async def with_viewers(prefix: str = prefix) -> Metrics:
            return await _measure(bench, prefix, VIEWERS, seconds)

        async def alone(prefix: str = prefix) -> Metrics:
            return await _measure(bench, prefix, 0, seconds)

        runs, base = await interleave(with_viewers, alone, bench.repeats)
        for row in _rows(scenario):
            results.append(summarise(row, runs, base))
        bench.flush()
    return results
