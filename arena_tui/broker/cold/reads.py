"""Pages read from a run's log: a run only the log holds, and a trimmed prefix under Redis's page.

``ColdAwareBroker`` (``merged``) decides which source answers a read: the broker alone, the log
alone (a run Redis no longer lists), or both, stitched, when the log aligns exactly with the
run's trimmed prefix. What each answer looks like once decided lives here, as functions of the
store and a reader: the page arithmetic (forward and backward, clipped at the first retained
seq), the ``ReadResult`` a log-only run reports (a closed, complete stream: ``available_from``
1, never open, no overflow), and the pages a stream reads from disk before it hands over to the
broker. Kept apart so that the routing reads as routing, and the seq arithmetic that has to be
exact at the seam between disk and Redis can be read on its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import replace

from arena_tui.broker.cold.index import ColdFile, ColdRun
from arena_tui.broker.cold.reader import ColdReader
from arena_tui.broker.cold.store import ColdStore
from arena_tui.broker.models import Envelope, ReadResult, Seq
from arena_tui.broker.protocol import Direction

PAGE = 1000
"""The most rows one read of a log asks for while streaming."""


async def cold_range(
    store: ColdStore,
    run_id: str,
    found: tuple[ColdFile, ColdRun],
    from_seq: Seq,
    count: int,
    direction: Direction,
) -> ReadResult:
    """A page of a run only the log holds (cold seq = row order, from 1)."""
    file, run = found
    reader = store.reader(file, run)
    if direction == "forward":
        requested = max(from_seq, 1)
        envelopes = await store.read(reader, requested, count)
    else:
        requested = min(from_seq, run.count) if from_seq > 0 else run.count
        start = max(1, requested - count + 1)
        envelopes = await store.read(reader, start, requested - start + 1)
    return ReadResult(
        run_id=run_id,
        requested=requested,
        envelopes=tuple(envelopes),
        available_from=1 if run.count else 0,
        last_seq=run.count,
        is_open=False,
    )


async def stitched_range(
    store: ColdStore,
    result: ReadResult,
    reader: ColdReader,
    from_seq: Seq,
    count: int,
    direction: Direction,
) -> ReadResult:
    """The broker's ``result`` with the rows below its first retained seq read from an exactly
    aligned log: the run then reads from seq 1."""
    first = result.available_from
    if direction == "forward":
        requested = max(from_seq, 1)
        if requested >= first:
            return replace(result, available_from=1)
        prefix = await store.read(reader, requested, min(count, first - requested))
        envelopes = (*prefix, *result.envelopes)[:count]
    else:
        top = result.requested if result.requested > 0 else result.last_seq
        requested = top
        broker_part = result.envelopes
        need = count - len(broker_part)
        low = broker_part[0].seq if broker_part else top + 1
        cold: Sequence[Envelope] = ()
        if need > 0 and (low <= first or not broker_part):
            end = min(first - 1, top)
            start = max(1, end - need + 1)
            if end >= start:
                cold = await store.read(reader, start, end - start + 1)
        envelopes = (*cold, *broker_part)
    return replace(result, requested=requested, envelopes=tuple(envelopes), available_from=1)


async def pages(
    store: ColdStore, reader: ColdReader, start: Seq, end: Seq, size: int
) -> AsyncIterator[list[Envelope]]:
    """Rows ``start..end`` of the log in batches of at most ``size`` (and ``PAGE``)."""
    seq = start
    while seq <= end:
        batch = await store.read(reader, seq, min(size, PAGE, end - seq + 1))
        if not batch:
            return
        yield batch
        seq = batch[-1].seq + 1
