"""Whole-run work in chunks: search hits and the kind tally's history.

Each function reads by ``read_range`` in chunks and reports as it goes, so the app can run it in
a cancellable worker and show progress; none holds more than a chunk.

* ``scan_hits``: the seqs whose events match a search, from ``origin`` to ``end`` and then
  from the first retained seq back up to ``origin`` (the hits the user wants first come first).
  Matching runs in a thread, so a long scan does not stall the screen.
* ``count_history``: every retained event below a seq, in short reads, for the kind tally; the
  caller can hold it between reads (the counts are a background convenience).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from arena_tui.broker.models import Envelope, Seq
from arena_tui.broker.protocol import EventBroker
from arena_tui.model.match import SearchPattern

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
