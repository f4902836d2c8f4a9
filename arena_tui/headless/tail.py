"""Read one run in seq order, as events and notices, for ``arena-tui tail``.

``tail_run`` yields every event with seq >= ``from_seq`` plus a notice wherever something was
not an ordinary next event (see ``model.records``): an ``Overflow`` when the broker trimmed what
we wanted (reading continues at ``available_from``), a ``Gap`` for a hole in the seq sequence, a
``Reconnected`` after the connection came back, a ``Finished`` when the run is over.

The one invariant: every seq is accounted for exactly once, as an event, inside an overflow or
inside a gap, across reconnects. ``_Cursor`` keeps it: it knows the next seq wanted, reports a
jump as a gap and drops an event it has already yielded (a stream resumed after a reconnect may
repeat the last batch). A lost connection (``BrokerUnavailableError``) is retried with backoff
and the tail resumes from the cursor; a refused password (``BrokerAuthError``) is not retried.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass

from arena_tui.broker.errors import (
    BrokerAuthError,
    BrokerOverflowError,
    BrokerUnavailableError,
    RunNotFoundError,
)
from arena_tui.broker.models import Envelope, ReadResult, Seq
from arena_tui.broker.protocol import EventBroker
from arena_tui.model.records import Finished, Gap, Notice, Overflow, Reconnected

TailItem = Envelope | Notice
RetryHook = Callable[[BrokerUnavailableError, float], None]
"""Told about every failed attempt: the error and the seconds until the next one."""

PAGE = 1_000


@dataclass(frozen=True, slots=True)
class Backoff:
    """Delays between reconnect attempts: ``initial``, doubling, at most ``maximum``."""

    initial: float = 0.1
    maximum: float = 5.0

    def delays(self) -> Iterator[float]:
        delay = self.initial
        while True:
            yield delay
            delay = min(delay * 2, self.maximum)


class _Cursor:
    """The next seq wanted; turns each arriving envelope into (gap?, envelope) or a duplicate."""

    def __init__(self, run_id: str, from_seq: Seq) -> None:
        self.run_id = run_id
        self.next: Seq = max(from_seq, 1)

    def admit(self, envelope: Envelope) -> list[TailItem]:
        if envelope.seq < self.next:
            return []  # already yielded before a reconnect
        items: list[TailItem] = []
        if envelope.seq > self.next:
            items.append(Gap(self.run_id, self.next, envelope.seq - 1))
        items.append(envelope)
        self.next = envelope.seq + 1
        return items

    def overflow(self, requested: Seq, available_from: Seq) -> Overflow:
        self.next = max(self.next, available_from)
        return Overflow(self.run_id, requested, available_from)

    def end(self, last_seq: Seq) -> list[TailItem]:
        """The closing notices: a trailing hole (a last INCR without its XADD), then finished."""
        items: list[TailItem] = []
        if last_seq >= self.next:
            items.append(Gap(self.run_id, self.next, last_seq))
        items.append(Finished(self.run_id, max(last_seq, self.next - 1)))
        return items


async def tail_run(
    broker: EventBroker,
    run_id: str,
    *,
    from_seq: Seq = 0,
    follow: bool = True,
    backoff: Backoff = Backoff(),
    on_retry: RetryHook | None = None,
) -> AsyncIterator[TailItem]:
    """Events and notices of ``run_id`` from ``from_seq``; see the module docstring.

    Without ``follow`` it reads up to the newest event that existed when it started and stops
    (with ``Finished`` only when the run is closed). Raises ``RunNotFoundError`` for an unknown
    run and ``BrokerAuthError`` at once; retries ``BrokerUnavailableError`` for ever.
    """
    cursor = _Cursor(run_id, from_seq)
    if follow:
        async for item in _follow(broker, cursor, backoff, on_retry):
            yield item
    else:
        async for item in _read_to_end(broker, cursor):
            yield item


async def _read_to_end(broker: EventBroker, cursor: _Cursor) -> AsyncIterator[TailItem]:
    result = await broker.read_range(cursor.run_id, cursor.next, count=PAGE)
    end = result.last_seq
    while True:
        if result.overflowed:
            yield cursor.overflow(result.requested, result.first_available)
        for envelope in result.envelopes:
            if envelope.seq > end:
                break
            for item in cursor.admit(envelope):
                yield item
        if not result.envelopes or cursor.next > end:
            break
        result = await broker.read_range(cursor.run_id, cursor.next, count=PAGE)
    if not result.is_open:
        for item in cursor.end(end):
            yield item


async def _follow(
    broker: EventBroker, cursor: _Cursor, backoff: Backoff, on_retry: RetryHook | None
) -> AsyncIterator[TailItem]:
    failed_at: float | None = None
    delays = backoff.delays()
    while True:
        try:
            if failed_at is not None:
                await broker.read_range(cursor.run_id, cursor.next, count=1)  # still down?
                yield Reconnected(cursor.run_id, time.monotonic() - failed_at, cursor.next)
                failed_at, delays = None, backoff.delays()
            async for batch in broker.stream_batches(cursor.run_id, cursor.next):
                for envelope in batch:
                    for item in cursor.admit(envelope):
                        yield item
            break
        except BrokerOverflowError as exc:
            yield cursor.overflow(exc.requested_seq, exc.available_from)
        except BrokerAuthError:
            raise
        except BrokerUnavailableError as exc:
            if failed_at is None:
                failed_at = time.monotonic()
            delay = next(delays)
            if on_retry is not None:
                on_retry(exc, delay)
            await asyncio.sleep(delay)
    for item in cursor.end(await _last_seq(broker, cursor)):
        yield item


async def _last_seq(broker: EventBroker, cursor: _Cursor) -> Seq:
    """The run's final seq counter, after its stream has ended (reaped: what we saw)."""
    try:
        result: ReadResult = await broker.read_range(cursor.run_id, cursor.next, count=1)
    except RunNotFoundError:
        return cursor.next - 1
    return result.last_seq
