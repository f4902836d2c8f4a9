"""Figure 12's processes: ``python -m bench.footprint_worker {viewer,producer} ...``.

``viewer --prefix P``: what an idle app does for its sidebar, in its own process: a
``RedisStreamsBroker`` on ``$BENCH_REDIS_URL`` calls ``list_runs()`` every ``--every`` seconds
until killed. It prints ``ready`` once its first listing is done (so the figure measures the
steady state, and the warm-up separately), then one line per listing with its duration.

``producer --prefix P --seconds S``: the arena's own publish, one ``INCR :seq`` then one
``XADD :events MAXLEN ~ 10000 <seq>-0 ...`` round trip per event, on redis-py's synchronous
client (the arena's producer is the one being slowed down, not ours), paced at ``--rate``
events/s for ``--seconds`` of wall time (a slowed producer publishes fewer, it does not run
longer). Each publish (both round trips) is timed; it prints one JSON object with the
latencies' p50, p99 and max in ms and the number published.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import sys
import time
from typing import Any

from arena_tui.broker import codec


async def viewer(prefix: str, every: float) -> None:
    from arena_tui.broker.redis import RedisStreamsBroker

    broker = RedisStreamsBroker(os.environ["BENCH_REDIS_URL"], key_prefix=prefix)
    first = True
    try:
        while True:
            start = time.perf_counter()
            await broker.list_runs()
            took = time.perf_counter() - start
            print("ready" if first else f"listing {took * 1000:.1f} ms", flush=True)
            first = False
            await asyncio.sleep(max(0.0, every - took))
    finally:
        await broker.aclose()


def producer(prefix: str, seconds: float, rate: float) -> dict[str, float]:
    import redis

    from bench import data

    client = redis.Redis.from_url(os.environ["BENCH_REDIS_URL"], protocol=2)
    run_id = "producer"
    seq_key = f"{prefix}:run:{run_id}:seq".encode()
    events_key = f"{prefix}:run:{run_id}:events".encode()
    fields: list[dict[Any, Any]] = [
        dict(codec.encode_event(event)) for event in data.events(run_id, 1000)
    ]
    client.set(f"{prefix}:run:{run_id}:open", b"1", ex=21_600)
    latencies = []
    due = time.monotonic()
    deadline = due + seconds
    i = 0
    while time.monotonic() < deadline:
        i += 1
        start = time.perf_counter()
        seq = client.incr(seq_key)
        client.xadd(events_key, fields[i % len(fields)], id=f"{seq}-0", maxlen=10_000)
        latencies.append((time.perf_counter() - start) * 1000)
        due += 1 / rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    client.close()
    latencies.sort()
    return {
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[int(len(latencies) * 0.99)],
        "max_ms": latencies[-1],
        "published": float(len(latencies)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.footprint_worker")
    parser.add_argument("role", choices=("viewer", "producer"))
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--every", type=float, default=1.5)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=500.0)
    args = parser.parse_args()
    if args.role == "viewer":
        # A bench started as a shell's background job (`python -m bench ... &`, nohup, CI) hands
        # its children SIGINT ignored, and Python then installs no KeyboardInterrupt for it: the
        # viewers ignored the bench's SIGINT (the deadline killed them 10 s later; before it, the
        # full run of 2026-12-02 03:22 hung here). Take SIGINT back.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(viewer(args.prefix, args.every))
        return
    json.dump(producer(args.prefix, args.seconds, args.rate), sys.stdout)


if __name__ == "__main__":
    main()
