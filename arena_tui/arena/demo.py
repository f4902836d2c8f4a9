"""The built-in demo: a small arena that keeps a viewer busy on the in-process broker.

``run_demo`` first sets the stage in well under a second, so the sidebar is full when the app
appears: finished runs (a smoke run an hour ago, a long race twenty minutes ago), a long live
``rank`` run whose ~5,000 events of history overflow ``DEMO_MAX_LEN`` so its head is visibly
trimmed, and a run whose producer "died" four minutes ago (open but silent: stale). Then it keeps
going until cancelled: the rank run publishes steadily, a fork of the race replays a branch, and
every so often a new short run (race or smoke) starts and finishes, so the sidebar changes.

Given ``logs`` (a temporary root the app also reads), every operation writes its DuckDB log the
way the arena does (``arena.logs``), so the demo shows the cold store too: a ``smoke`` and a
``rank`` operation that only the logs hold (the arena's default in-process backend, seen from
another process), the race in the broker *and* its log (its trimmed head is filled from disk),
the live rank and fork files locked while they are written, and each short run's file
appearing when it ends. Everything comes from one seed; only the wall-clock timing varies.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from arena_tui.arena.logs import OperationLog
from arena_tui.arena.producer import publish_history, publish_run
from arena_tui.arena.runs import RunPlanner, RunSpec
from arena_tui.broker.protocol import EventBroker

DEMO_MAX_LEN = 2_000
"""Per-run retention of the demo's in-process broker: small, so trimming shows."""
RANK_BACKFILL = 5_000
RANK_RATE = 40.0
FORK_RATE = 6.0
RACE_TURNS = 320
"""The finished race is long enough (~2,800 events) for the broker to trim its head."""
MAX_SHORT_RUNS = 2
"""Short runs live at once, besides the rank run and the fork."""


async def run_demo(
    broker: EventBroker, *, seed: int = 7, speed: float = 1.0, logs: Path | None = None
) -> None:
    """Publish the demo's runs to ``broker`` until cancelled. ``speed`` scales every rate."""
    if speed <= 0:
        raise ValueError(f"speed must be positive, got {speed}")
    planner = RunPlanner(seed)
    now = datetime.now(UTC)
    files = _Logs(logs)
    try:
        smoke_at = now - timedelta(hours=1)
        if logs is None:
            await publish_history(broker, planner.smoke(), ends_at=smoke_at)
        else:  # operations only their logs hold
            smoke_log = files.start("smoke", smoke_at)
            for _ in range(2):
                await publish_history(None, planner.smoke(), ends_at=smoke_at, log=smoke_log)
            rank_at = now - timedelta(minutes=30)
            rank_log = files.start("rank", rank_at)
            for spec in planner.rank(turns=25):
                await publish_history(None, spec, ends_at=rank_at, log=rank_log)
            files.finish(smoke_log, rank_log)
        race = planner.run("race", turns=RACE_TURNS)
        race_at = now - timedelta(minutes=20)
        race_log = files.start("race", race_at - _length(race))
        await publish_history(broker, race, ends_at=race_at, log=race_log)
        files.finish(race_log)
        dead = planner.run("race", turns=4)
        await publish_history(broker, dead, ends_at=now - timedelta(minutes=4), close=False)
        rank = planner.run("rank", turns=None)
        fork = planner.fork(race, parent_t=12, turns=40)
        live_log = files.start("rank", now)
        fork_log = files.start("fork", now)
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(
                publish_run(  # started with its log, as the arena's sink (its history older)
                    broker,
                    rank,
                    rate=RANK_RATE * speed,
                    backfill=RANK_BACKFILL,
                    log=live_log,
                    started_at=now,
                )
            )
            tasks.create_task(_fork(broker, fork, speed, fork_log))
            tasks.create_task(_short_runs(broker, planner, random.Random(seed), speed, files))
    finally:
        await asyncio.shield(files.aclose())


class _Logs:
    """The demo's operation logs under one root (none without a root). Files are opened and
    closed by their writer threads, so setting the stage never waits for duckdb."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.opened: list[OperationLog] = []
        self._closing: set[asyncio.Task[None]] = set()

    def start(self, label: str, at: datetime) -> OperationLog | None:
        if self.root is None:
            return None
        log = OperationLog(self.root, label, at).start()
        self.opened = [*(o for o in self.opened if o.holding), log]
        return log

    def finish(self, *logs: OperationLog | None) -> None:
        """Close ``logs`` once their queued rows are written, in the background."""
        for log in logs:
            if log is not None:
                task = asyncio.create_task(log.close())
                self._closing.add(task)
                task.add_done_callback(self._closing.discard)

    async def aclose(self) -> None:
        for log in self.opened:
            await log.close()


class _closing:
    """``async with`` an optional log: closed (its file released) at the end of the block."""

    def __init__(self, log: OperationLog | None) -> None:
        self.log = log

    async def __aenter__(self) -> OperationLog | None:
        return self.log

    async def __aexit__(self, *exc: object) -> None:
        if self.log is not None:
            await self.log.close()


def _length(spec: RunSpec) -> timedelta:
    """About how long a finished run lasted (its file is named after its start)."""
    return timedelta(seconds=4 * (spec.turns or 0))


async def _fork(broker: EventBroker, spec: RunSpec, speed: float, log: OperationLog | None) -> None:
    async with _closing(log):
        await publish_run(broker, spec, rate=FORK_RATE * speed, log=log)


async def _short_runs(
    broker: EventBroker, planner: RunPlanner, rng: random.Random, speed: float, files: _Logs
) -> None:
    """Start a short race or smoke run every 10-30 s, at most ``MAX_SHORT_RUNS`` at a time;
    each is an operation with its own log, released when it ends."""

    async def one() -> int:
        smoke = rng.random() < 0.3
        spec = planner.smoke() if smoke else planner.run("race", turns=rng.randint(8, 20))
        rate = 4.0 if smoke else rng.uniform(5.0, 50.0)
        started = datetime.now(UTC)
        log = files.start(spec.label, started)
        async with _closing(log):
            return await publish_run(broker, spec, rate=rate * speed, log=log, started_at=started)

    running: set[asyncio.Task[int]] = set()
    async with asyncio.TaskGroup() as tasks:
        while True:
            if len(running) < MAX_SHORT_RUNS:
                task = tasks.create_task(one())
                running.add(task)
                task.add_done_callback(running.discard)
            await asyncio.sleep(rng.uniform(10.0, 30.0) / speed)
