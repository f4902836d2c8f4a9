"""The built-in demo: a small arena that keeps a viewer busy on the in-process broker.

``run_demo`` first sets the stage in well under a second, so the sidebar is full when the app
appears: two finished runs (a smoke run an hour ago, a race twenty minutes ago), a long live
``rank`` run whose ~5,000 events of history overflow ``DEMO_MAX_LEN`` so its head is visibly
trimmed, and a run whose producer "died" four minutes ago (open but silent: stale). Then it keeps
going until cancelled: the rank run publishes steadily, a fork of the race replays a branch, and
every so often a new short run (race or smoke) starts and finishes, so the sidebar changes.
Everything comes from one seed; only the wall-clock timing varies.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

from arena_tui.arena.producer import publish_history, publish_run
from arena_tui.arena.runs import RunPlanner
from arena_tui.broker.protocol import EventBroker

DEMO_MAX_LEN = 2_000
"""Per-run retention of the demo's in-process broker: small, so trimming shows."""
RANK_BACKFILL = 5_000
RANK_RATE = 40.0
FORK_RATE = 6.0
MAX_SHORT_RUNS = 2
"""Short runs live at once, besides the rank run and the fork."""


async def run_demo(broker: EventBroker, *, seed: int = 7, speed: float = 1.0) -> None:
    """Publish the demo's runs to ``broker`` until cancelled. ``speed`` scales every rate."""
    if speed <= 0:
        raise ValueError(f"speed must be positive, got {speed}")
    planner = RunPlanner(seed)
    now = datetime.now(UTC)
    await publish_history(broker, planner.smoke(), ends_at=now - timedelta(hours=1))
    race = planner.run("race", turns=30, agents=3)
    await publish_history(broker, race, ends_at=now - timedelta(minutes=20))
    dead = planner.run("race", turns=4, agents=2)
    await publish_history(broker, dead, ends_at=now - timedelta(minutes=4), close=False)
    rank = planner.run("rank", turns=None, agents=3)
    fork = planner.fork(race, parent_t=12, turns=40)
    async with asyncio.TaskGroup() as tasks:
        tasks.create_task(publish_run(broker, rank, rate=RANK_RATE * speed, backfill=RANK_BACKFILL))
        tasks.create_task(publish_run(broker, fork, rate=FORK_RATE * speed))
        tasks.create_task(_short_runs(broker, planner, random.Random(seed), speed))


async def _short_runs(
    broker: EventBroker, planner: RunPlanner, rng: random.Random, speed: float
) -> None:
    """Start a short race or smoke run every 10-30 s, at most ``MAX_SHORT_RUNS`` at a time."""

    async def one() -> int:
        if rng.random() < 0.3:
            return await publish_run(broker, planner.smoke(), rate=4.0 * speed)
        spec = planner.run("race", turns=rng.randint(8, 20))
        return await publish_run(broker, spec, rate=rng.uniform(5.0, 50.0) * speed)

    running: set[asyncio.Task[int]] = set()
    async with asyncio.TaskGroup() as tasks:
        while True:
            if len(running) < MAX_SHORT_RUNS:
                task = tasks.create_task(one())
                running.add(task)
                task.add_done_callback(running.discard)
            await asyncio.sleep(rng.uniform(10.0, 30.0) / speed)
