"""Publish synthetic runs to a broker: at a rate, as history, or both.

The generator (``runs``) knows nothing about time; this module decides when events go out and
what their ``ts`` says. Live events are stamped with the current time as they are published.
History (a finished run, or the backlog of a long live run) is published at once with the
generator's timestamps shifted so that it ends at a chosen instant, which lets a demo show runs
that finished an hour ago or went silent minutes ago. Every run opens with
``RunMeta(label, started_at)`` like the arena's CLI, and is closed unless told to stay open.
Given an ``OperationLog`` (``logs``), every published event is also queued for the operation's
DuckDB file right after the broker gave it its seq, as the arena's persister writes it.

At high rates events go out in batches through ``publish_many`` (about twenty calls a second),
because a round trip per event caps a Redis producer at a few thousand events/s.
"""

from __future__ import annotations

import asyncio
import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from arena_tui.arena.logs import OperationLog
from arena_tui.arena.runs import RunSpec, run_events
from arena_tui.broker.models import Event, RunMeta
from arena_tui.broker.protocol import EventBroker

SINGLE_EVENT_RATE = 50.0
"""Up to this many events/s each event is published on its own; above, in batches."""
BATCHES_PER_SECOND = 20
UNPACED_BATCH = 500
"""Batch size when publishing as fast as the broker takes it (no rate)."""


async def publish_run(
    broker: EventBroker,
    spec: RunSpec,
    *,
    rate: float | None = None,
    backfill: int = 0,
    close: bool = True,
    on_open: Callable[[RunSpec], None] | None = None,
    log: OperationLog | None = None,
    started_at: datetime | None = None,
) -> int:
    """Open ``spec``'s run, publish its events, close it (unless ``close`` is false).

    The first ``backfill`` events are history ending now; the rest go out live at ``rate``
    events/s (None: as fast as the broker takes them). ``on_open`` is called once the run is
    open (a reader can attach from then on). ``started_at`` is the operation's start, shared by
    its runs (default: the first event's time). Returns how many events were published; for an
    endless spec it returns only when cancelled.
    """
    events = run_events(spec)
    history = shift_to(list(itertools.islice(events, backfill)), datetime.now(UTC))
    if started_at is None:
        started_at = history[0].ts if history else datetime.now(UTC)
    await broker.open_run(spec.run_id, RunMeta(spec.label, started_at))
    if on_open is not None:
        on_open(spec)
    batches = _chunks(history, UNPACED_BATCH)
    published = await _publish(broker, spec.run_id, batches, live=False, log=log)
    published += await publish_paced(broker, spec.run_id, events, rate=rate, log=log)
    await broker.flush()
    if close:
        await broker.close_run(spec.run_id)
    return published


async def publish_history(
    broker: EventBroker | None,
    spec: RunSpec,
    *,
    ends_at: datetime,
    close: bool = True,
    log: OperationLog | None = None,
) -> int:
    """Publish a whole (finite) run at once, as if it had ended at ``ends_at``. With no
    ``broker`` the run goes only to ``log`` (the arena's in-process backend: no other process
    ever sees it but through the file)."""
    if spec.turns is None:
        raise ValueError("publish_history needs a run with a finite number of turns")
    history = shift_to(list(run_events(spec)), ends_at)
    if broker is None:
        if log is not None:
            for chunk in _chunks(history, UNPACED_BATCH):
                log.emit(chunk, bulk=True)
        return len(history)
    started_at = history[0].ts if history else ends_at
    await broker.open_run(spec.run_id, RunMeta(spec.label, started_at))
    batches = _chunks(history, UNPACED_BATCH)
    published = await _publish(broker, spec.run_id, batches, live=False, log=log)
    await broker.flush()
    if close:
        await broker.close_run(spec.run_id)
    return published


async def publish_paced(
    broker: EventBroker,
    run_id: str,
    events: Iterable[Event],
    *,
    rate: float | None,
    log: OperationLog | None = None,
) -> int:
    """Publish ``events`` stamped with the current time, ``rate`` per second (None: no pacing).

    Pacing follows a schedule rather than sleeping a fixed time per batch, so the publish time
    does not slow the rate; a producer that falls behind does not burst to catch up.
    """
    if rate is None:
        return await _publish(broker, run_id, _chunks(events, UNPACED_BATCH), live=True, log=log)
    if rate <= 0:
        raise ValueError(f"rate must be positive, got {rate}")
    size = 1 if rate <= SINGLE_EVENT_RATE else math.ceil(rate / BATCHES_PER_SECOND)
    interval = size / rate
    loop = asyncio.get_running_loop()
    due = loop.time()
    published = 0
    for chunk in _chunks(events, size):
        published += await _publish(broker, run_id, [chunk], live=True, log=log)
        due += interval
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            due = loop.time()
    return published


async def _publish(
    broker: EventBroker,
    run_id: str,
    batches: Iterable[Sequence[Event]],
    *,
    live: bool,
    log: OperationLog | None = None,
) -> int:
    """Publish ``batches`` in order; ``live`` events are stamped with the current time."""
    published = 0
    for batch in batches:
        if live:
            now = datetime.now(UTC)
            stamped = [replace(event, ts=now) for event in batch]
        else:
            stamped = list(batch)
        if len(stamped) == 1:
            await broker.publish(run_id, stamped[0])
        else:
            await broker.publish_many(run_id, stamped)
        if log is not None:
            log.emit(stamped, bulk=not live)
        published += len(stamped)
        await asyncio.sleep(0)  # let readers in between batches, even unpaced
    return published


def _chunks(events: Iterable[Event], size: int) -> Iterator[list[Event]]:
    """Consecutive lists of up to ``size`` events."""
    iterator = iter(events)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def shift_to(events: list[Event], ends_at: datetime) -> list[Event]:
    """``events`` with their timestamps moved so that the last one is ``ends_at``."""
    if not events or events[-1].ts is None:
        return events
    delta = ends_at - events[-1].ts
    return [replace(e, ts=e.ts + delta) if e.ts is not None else e for e in events]
