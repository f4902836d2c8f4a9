"""A paced producer in its own process: ``python -m bench.producer RUN_ID --rate N --seconds S``.

It publishes the bench's synthetic events (``bench.data``) into ``RUN_ID`` under ``--prefix``
on the Redis at ``$BENCH_REDIS_URL`` at ``--rate`` events/s, one ``publish`` per event when
``--batch`` is 1, else ``publish_many`` of ``--batch`` events. Each event's payload carries
``sent_at``: ``time.monotonic()`` just before the call that publishes it (CLOCK_MONOTONIC is
shared across processes), so the viewer can tell how old a painted row is. Pacing follows a
schedule: a producer that falls behind publishes without sleeping rather than dropping the rate.
It prints the number of events published when it ends.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import time
from dataclasses import replace
from datetime import UTC, datetime

from arena_tui.broker.redis import RedisStreamsBroker
from bench import data


async def produce(
    broker: RedisStreamsBroker, run_id: str, *, rate: float, seconds: float, batch: int
) -> int:
    template = data.events(run_id, 10**9)
    interval = batch / rate
    total = int(rate * seconds)
    loop = asyncio.get_running_loop()
    due = loop.time()
    published = 0
    while published < total:
        chunk = list(itertools.islice(template, min(batch, total - published)))
        sent_at = time.monotonic()
        now = datetime.now(UTC)
        stamped = [
            replace(event, ts=now, payload={**event.payload, "sent_at": sent_at}) for event in chunk
        ]
        if len(stamped) == 1:
            await broker.publish(run_id, stamped[0])
        else:
            await broker.publish_many(run_id, stamped)
        published += len(stamped)
        due += interval
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
    return published


async def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.producer")
    parser.add_argument("run_id")
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--max-len", type=int, default=10_000)
    args = parser.parse_args()
    broker = RedisStreamsBroker(
        os.environ["BENCH_REDIS_URL"], key_prefix=args.prefix, max_len=args.max_len
    )
    try:
        n = await produce(
            broker, args.run_id, rate=args.rate, seconds=args.seconds, batch=args.batch
        )
    finally:
        await broker.aclose()
    print(n, flush=True)


if __name__ == "__main__":
    asyncio.run(main())
