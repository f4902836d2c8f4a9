"""Seeded arena events in bulk, and runs filled with them quickly.

The events are the synthetic arena's own (``arena.runs``), so payload sizes and kinds are what
the app meets in practice. Generating a million of them from the world model is slower than
the things being measured, so a few thousand are generated once and cycled, each copy with a
fresh run id; the stream's seqs (assigned by the broker) are what makes entries distinct.
``write_runs`` writes thousands of small runs straight to Redis, as the arena leaves them, for
the figures that list runs rather than read one.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import redis

from arena_tui.arena.runs import RunPlanner, run_events
from arena_tui.broker import codec
from arena_tui.broker.models import Event, RunMeta
from arena_tui.broker.redis import RedisStreamsBroker

TEMPLATE_SIZE = 5_000
BATCH = 1_000


@functools.cache
def _template() -> tuple[Event, ...]:
    spec = RunPlanner(seed=6).run("rank", turns=None, agents=3)
    return tuple(itertools.islice(run_events(spec), TEMPLATE_SIZE))


def events(run_id: str, n: int) -> Iterator[Event]:
    """``n`` realistic events for ``run_id`` (the template cycled)."""
    for event in itertools.islice(itertools.cycle(_template()), n):
        yield replace(event, run_id=run_id)


async def fill_run(
    broker: RedisStreamsBroker, run_id: str, n: int, *, label: str = "rank", close: bool = True
) -> None:
    """Open ``run_id``, publish ``n`` events in batches, and close it unless told not to."""
    await broker.open_run(run_id, RunMeta(label=label))
    batch: list[Event] = []
    for event in events(run_id, n):
        batch.append(event)
        if len(batch) == BATCH:
            await broker.publish_many(run_id, batch)
            batch = []
    if batch:
        await broker.publish_many(run_id, batch)
    if close:
        await broker.close_run(run_id)


def write_runs(
    client: redis.Redis, prefix: str, runs: int, *, events_per_run: int, open_every: int
) -> None:
    """``runs`` runs (ids ``0…0``, ``0…1``, … in hex) as the arena leaves them: ``:seq`` and an
    ``:events`` stream of ``events_per_run`` events each, and every ``open_every``-th run (0:
    none) still open (``:open`` with its JSON sentinel and the 6 h TTL), in pipelines."""
    sentinel = codec.encode_meta(RunMeta(label="rank"))
    template = [codec.encode_event(e) for e in events("x" * 32, events_per_run)]
    pipe = client.pipeline(transaction=False)
    for i in range(runs):
        run_id = f"{i:032x}"
        head = f"{prefix}:run:{run_id}"
        if open_every and i % open_every == 0:
            pipe.set(f"{head}:open", sentinel, ex=21_600)
        pipe.set(f"{head}:seq", events_per_run)
        for seq, fields in enumerate(template, start=1):
            entry: dict[Any, Any] = {**fields, b"r": run_id.encode()}
            pipe.xadd(f"{head}:events", entry, id=codec.entry_id(seq))
        if i % 200 == 199:
            pipe.execute()
    pipe.execute()
