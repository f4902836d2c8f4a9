"""Broker reads behind search, time seeks, kind counts and export: whole-run work in chunks.

Each function reads by ``read_range`` in chunks of ``CHUNK`` events and reports as it goes, so
the screen can run it in a cancellable worker and show progress; none holds more than a chunk.

* ``scan_hits``: the seqs whose events match a search, from ``origin`` to ``end`` and then
  from the first retained seq back up to ``origin`` (the hits the user wants first come first).
  Matching runs in a thread, so a long scan does not stall the screen.
* ``count_history``: every retained event below a seq, chunk by chunk, for the kind tally.
* ``find_time``: the first event at or after an instant, by binary search over single-event
  reads on ``ts``. A run's events are in seq order and their timestamps nearly so (one clock
  per producer), so the search assumes ts never decreases along seqs; where a producer's clock
  stepped back it still lands on a seq whose event is at or after the time, right after an
  event probed before it, just not necessarily the first such crossing. An event without a
  ``ts`` counts as earlier than any time.
* ``export_jsonl``: the retained run (or a seq range) as ``tail --jsonl`` lines, written by the
  CLI's own ``tail_run`` and ``records`` so the lines are the CLI's, gaps and overflow included.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from arena_tui.broker.follow import Finished
from arena_tui.broker.models import Envelope, Seq
from arena_tui.broker.protocol import EventBroker
from arena_tui.headless.tail import tail_run
from arena_tui.model.match import SearchPattern
from arena_tui.model.records import dumps_record, record

CHUNK = 1_000
COUNT_CHUNK = 250
"""Events per read of the kind count's scan: short reads, so a user's read never waits long."""

HitsFound = Callable[[Seq, Seq, list[Seq], int], None]
"""Told after each chunk: the seqs it covered (first, last), its hits, how many events."""


async def chunks(
    broker: EventBroker, run_id: str, from_seq: Seq, to_seq: Seq
) -> AsyncIterator[tuple[Seq, Seq, Sequence[Envelope]]]:
    """The retained events of ``from_seq..to_seq`` in chunks, each with the seqs it covers."""
    seq = max(1, from_seq)
    while seq <= to_seq:
        result = await broker.read_range(run_id, seq, count=CHUNK)
        envelopes = [e for e in result.envelopes if e.seq <= to_seq]
        short = len(result.envelopes) < CHUNK or len(envelopes) < len(result.envelopes)
        last = to_seq if short or not envelopes else envelopes[-1].seq
        yield seq, last, envelopes
        if short:
            return
        seq = last + 1


async def scan_hits(
    broker: EventBroker,
    run_id: str,
    pattern: SearchPattern,
    *,
    origin: Seq,
    end: Seq,
    on_chunk: HitsFound,
) -> None:
    """Report every hit of ``pattern`` in ``origin..end``, then in ``1..origin - 1``."""
    for first, last in ((origin, end), (1, origin - 1)):
        async for covered_first, covered_last, envelopes in chunks(broker, run_id, first, last):
            hits = await asyncio.to_thread(_matching, pattern, envelopes)
            on_chunk(covered_first, covered_last, hits, len(envelopes))


def _matching(pattern: SearchPattern, envelopes: Sequence[Envelope]) -> list[Seq]:
    return [e.seq for e in envelopes if pattern.matches(e)]


async def count_history(
    broker: EventBroker,
    run_id: str,
    below: Seq,
    on_chunk: Callable[[Sequence[Envelope]], None],
    *,
    turn: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Hand every retained event with seq < ``below`` to ``on_chunk``, ``COUNT_CHUNK`` at a
    time, awaiting ``turn()`` before each read: the counts are a background convenience, so
    the caller can hold the scan while the user's own reads are in flight."""
    seq = 1
    while seq < below:
        if turn is not None:
            await turn()
        result = await broker.read_range(run_id, seq, count=COUNT_CHUNK)
        envelopes = [e for e in result.envelopes if e.seq < below]
        if envelopes:
            on_chunk(envelopes)
        if len(envelopes) < COUNT_CHUNK:
            return
        seq = envelopes[-1].seq + 1


@dataclass(frozen=True, slots=True)
class TimeFound:
    """Where a time seek lands, and what to tell the user when it is not exactly there."""

    seq: Seq
    note: str | None = None


async def find_time(broker: EventBroker, run_id: str, at: datetime) -> TimeFound | None:
    """The first retained event at or after ``at`` (None: the run has no events)."""
    newest = await broker.read_range(run_id, 0, count=1, direction="backward")
    if not newest.envelopes:
        return None
    last = newest.envelopes[-1]
    if _before(last, at):
        return TimeFound(last.seq, "no event at or after that time yet: showing the newest")
    low, high = newest.first_available or 1, last.seq
    first = await broker.read_range(run_id, low, count=1)
    if first.envelopes and not _before(first.envelopes[0], at):
        return TimeFound(first.envelopes[0].seq, "the first retained event is already later")
    while low < high:
        middle = (low + high) // 2
        probe = await broker.read_range(run_id, middle, count=1)
        if not probe.envelopes:
            break  # trimmed or emptied meanwhile: settle for what is known
        found = probe.envelopes[0]
        if found.seq >= high:
            break
        if _before(found, at):
            low = found.seq + 1
        else:
            high = found.seq
    return TimeFound(high)


def _before(envelope: Envelope, at: datetime) -> bool:
    ts = envelope.event.ts
    return ts is None or ts < at


async def export_jsonl(
    broker: EventBroker, run_id: str, path: Path, *, from_seq: Seq = 0, to_seq: Seq | None = None
) -> int:
    """Write the run's ``tail --jsonl --no-follow`` lines (within the seq range) to ``path``.

    Returns the number of lines. The trailing ``finished`` record is written only for a whole,
    closed run, as the CLI does.
    """
    lines = 0
    with path.open("w", encoding="ascii") as out:
        async for item in tail_run(broker, run_id, from_seq=from_seq, follow=False):
            seq = item.seq if isinstance(item, Envelope) else None
            if to_seq is not None and seq is not None and seq > to_seq:
                break
            if to_seq is not None and isinstance(item, Finished):
                break
            out.write(dumps_record(record(run_id, item)) + "\n")
            lines += 1
    return lines
