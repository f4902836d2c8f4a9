"""The live tail loop the screen runs in its worker.

``follow_run`` tails a run from a seq until it finishes. Reconnect, resume, reset and overflow
are ``broker.follow``'s; this only hands each of its items to the sink (the screen), and closes
the follower however it ends, so a cancelled worker (the user picked another run) leaves
nothing running.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Protocol

from arena_tui.broker.clock import Clock
from arena_tui.broker.errors import BrokerError
from arena_tui.broker.follow import (
    AuthFailed,
    Backoff,
    Batch,
    Finished,
    Following,
    Hole,
    Overflow,
    Reconnected,
    Reconnecting,
    Reset,
    follow,
)
from arena_tui.broker.models import Envelope, Seq
from arena_tui.broker.protocol import EventBroker

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


async def follow_run(
    broker: EventBroker,
    run_id: str,
    from_seq: Seq,
    sink: TailSink,
    *,
    clock: Clock,
    retry: Backoff = TAIL_BACKOFF,
) -> None:
    """Tail ``run_id`` from ``from_seq`` into ``sink`` until the run finishes or fails."""
    items = follow(broker, run_id, from_seq, backoff=retry, clock=clock)
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
