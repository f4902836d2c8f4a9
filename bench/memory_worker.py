"""Figure 5's app process: ``python -m bench.memory_worker RUN_ID --prefix P --events N``.

Runs the real app headless in a fresh process (so the RSS is the app's alone), following
``RUN_ID`` on ``$BENCH_REDIS_URL``. Idle RSS: once the run is loaded and the tail is reading,
after 1 s of idleness. Then a producer process publishes ``--events`` events (batches of 500
at ``--rate`` events/s) while the app follows; once the last seq is painted (a frame carried
its row), the RSS is read again. Prints one JSON object: idle_mb, final_mb, growth_mb,
painted_last, lost.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os

from bench.app_driver import finish_producer, running_app, start_producer
from bench.machine import rss_mb
from bench.probe import within


async def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.memory_worker")
    parser.add_argument("run_id")
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--rate", type=float, default=20_000)
    args = parser.parse_args()
    url = os.environ["BENCH_REDIS_URL"]
    async with running_app(url, args.prefix, args.run_id) as running:
        await asyncio.sleep(1.0)
        gc.collect()
        idle = rss_mb()
        last = running.probe.expect(lambda frame: args.events in frame.event_seqs())
        producer = await start_producer(
            url,
            args.prefix,
            args.run_id,
            rate=args.rate,
            seconds=args.events / args.rate,
            batch=500,
        )
        await finish_producer(producer)
        await within(last, 120)
        gc.collect()
        final = rss_mb()
        lost = running.pane.view.lost_count
    result = {
        "idle_mb": idle,
        "final_mb": final,
        "growth_mb": final - idle,
        "painted_last": args.events,
        "lost": lost,
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
