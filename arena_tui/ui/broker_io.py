"""Broker I/O the screen runs in its workers: the live tail loop and the view's range reads.

Kept apart from the widgets so the rules of talking to a broker are readable in one place:

* ``follow_run`` tails a run from a seq until it finishes. Reconnect, resume, reset and
  overflow are ``broker.follow``'s; this only hands each of its items to the sink (the screen),
  and closes the follower however it ends, so a cancelled worker (the user picked another run)
  leaves nothing running.
* ``perform`` does what a ``Fetch`` from the log view asks, resolving a turn to a seq first
  by binary search over range reads (turns never decrease along a run's seqs).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from arena_tui.broker.errors import BrokerError
from arena_tui.broker.follow import (
    AuthFailed,
    Backoff,
    Batch,
    Clock,
    Finished,
    Following,
    Hole,
    Overflow,
    Reconnected,
    Reconnecting,
    Reset,
    follow,
)
from arena_tui.broker.models import Envelope, ReadResult, Seq
from arena_tui.broker.protocol import EventBroker
from arena_tui.model.log_view import Fetch

MAX_BACKOFF = 10.0
TAIL_BACKOFF = Backoff(initial=0.5, maximum=MAX_BACKOFF)
"""The tail's reconnect delays: 0.5 s, doubling, at most ``MAX_BACKOFF`` (with jitter)."""


class TailSink(Protocol):
    """Where ``follow_run`` reports; the screen implements it (all calls on the UI's loop)."""

    def tail_live(self) -> None: ...
    def tail_events(self, batch: Sequence[Envelope]) -> None: ...
    def tail_trimmed(self, requested: Seq, available_from: Seq) -> None: ...
    def tail_reconnecting(self, attempt: int, delay: float, reason: str) -> None: ...
    def tail_reconnected(self, seconds: float) -> None: ...
    def tail_reset(self, last_seen_seq: Seq, new_last_seq: Seq) -> None: ...
    def tail_finished(self, last_seq: Seq) -> None: ...
    def tail_auth_failed(self, reason: str) -> None: ...
    def tail_failed(self, error: BrokerError) -> None: ...


class GuardedSink:
    """Forwards to ``sink`` only while ``current()`` holds.

    A tail worker that was replaced (the user opened another run) may still report once before
    its cancellation lands; this keeps that report out of the next run's view.
    """

    def __init__(self, sink: TailSink, current: Callable[[], bool]) -> None:
        self.sink = sink
        self.current = current

    def tail_live(self) -> None:
        if self.current():
            self.sink.tail_live()

    def tail_events(self, batch: Sequence[Envelope]) -> None:
        if self.current():
            self.sink.tail_events(batch)

    def tail_trimmed(self, requested: Seq, available_from: Seq) -> None:
        if self.current():
            self.sink.tail_trimmed(requested, available_from)

    def tail_reconnecting(self, attempt: int, delay: float, reason: str) -> None:
        if self.current():
            self.sink.tail_reconnecting(attempt, delay, reason)

    def tail_reconnected(self, seconds: float) -> None:
        if self.current():
            self.sink.tail_reconnected(seconds)

    def tail_reset(self, last_seen_seq: Seq, new_last_seq: Seq) -> None:
        if self.current():
            self.sink.tail_reset(last_seen_seq, new_last_seq)

    def tail_finished(self, last_seq: Seq) -> None:
        if self.current():
            self.sink.tail_finished(last_seq)

    def tail_auth_failed(self, reason: str) -> None:
        if self.current():
            self.sink.tail_auth_failed(reason)

    def tail_failed(self, error: BrokerError) -> None:
        if self.current():
            self.sink.tail_failed(error)


def backoff(attempt: int) -> float:
    """The range reads' retry delay: 0.5 s, 1 s, 2 s, ... up to ``MAX_BACKOFF``."""
    return float(min(MAX_BACKOFF, 0.5 * 2 ** max(0, attempt - 1)))


async def follow_run(
    broker: EventBroker,
    run_id: str,
    from_seq: Seq,
    sink: TailSink,
    *,
    monotonic: Callable[[], float],
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    retry: Backoff = TAIL_BACKOFF,
) -> None:
    """Tail ``run_id`` from ``from_seq`` into ``sink`` until the run finishes or fails."""
    items = follow(broker, run_id, from_seq, backoff=retry, clock=Clock(monotonic, sleep))
    try:
        async with contextlib.aclosing(items):
            async for item in items:
                match item:
                    case Following():
                        sink.tail_live()
                    case Hole():
                        pass  # the log view derives hole rows from the seqs themselves
                    case Batch(envelopes):
                        sink.tail_events(envelopes)
                    case Overflow(requested, available_from):
                        sink.tail_trimmed(requested, available_from)
                    case Reconnecting(attempt, delay, reason):
                        sink.tail_reconnecting(attempt, delay, reason)
                    case Reconnected(after_s):
                        sink.tail_reconnected(after_s)
                        sink.tail_live()
                    case Reset(last_seen, new_last):
                        sink.tail_reset(last_seen, new_last)
                    case AuthFailed(reason):
                        sink.tail_auth_failed(reason)
                    case Finished(last_seq):
                        sink.tail_finished(last_seq)
    except BrokerError as exc:  # the run is not in the broker, or an unexpected refusal
        sink.tail_failed(exc)


class TurnNotFound(LookupError):
    """The turn asked for has not started yet."""


async def perform(broker: EventBroker, run_id: str, fetch: Fetch) -> tuple[ReadResult, Seq | None]:
    """Do the read ``fetch`` asks for; returns the result and the resolved target seq."""
    target = fetch.target
    from_seq = fetch.from_seq
    if fetch.turn is not None:
        target = await find_turn(broker, run_id, fetch.turn)
        from_seq = target
    result = await broker.read_range(run_id, from_seq, count=fetch.count, direction=fetch.direction)
    return result, target


async def find_turn(broker: EventBroker, run_id: str, turn: int) -> Seq:
    """The first retained seq whose turn is ``turn`` or later (``TurnNotFound`` if none)."""
    newest = await broker.read_range(run_id, 0, count=1, direction="backward")
    if not newest.envelopes or newest.envelopes[-1].event.t < turn:
        latest = newest.envelopes[-1].event.t if newest.envelopes else 0
        raise TurnNotFound(f"turn {turn} has not started; the newest is {latest}")
    low, high = newest.first_available, newest.envelopes[-1].seq
    while low < high:
        middle = (low + high) // 2
        probe = await broker.read_range(run_id, middle, count=1)
        if not probe.envelopes:  # trimmed or emptied meanwhile: settle for what is known
            break
        found = probe.envelopes[0]
        if found.event.t >= turn:
            high = found.seq
        else:
            low = found.seq + 1
    return high
