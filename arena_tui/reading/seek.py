"""Where a turn or a time starts in a run: one bisection over single-event reads.

A run's events are in seq order, and both their turns and their timestamps never decrease along
the seqs (timestamps only nearly: one clock per producer), so "the first event at or after X" is
a binary search for the first seq whose event has *reached* X. ``first_reached`` is that search;
``find_turn`` (``g t41``) and ``find_time`` (``g 19:42:05``, ``g -5m``) only say what reaching
means and what to tell the user at the run's ends.

Each probe is ``read_range(seq, count=1)``, which returns the first retained event at or after
``seq``: holes and trimming are stepped over for free. Where the assumption does not hold (a
producer's clock stepped back) the search still lands on an event that has reached X, right
after one probed before it that had not, just not necessarily the first such crossing. An event
without a ``ts`` counts as earlier than any time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from arena_tui.broker.models import Envelope, Seq
from arena_tui.broker.protocol import EventBroker


class TurnNotFound(LookupError):
    """The turn asked for has not started yet."""


@dataclass(frozen=True, slots=True)
class TimeFound:
    """Where a time seek lands, and what to tell the user when it is not exactly there."""

    seq: Seq
    note: str | None = None


async def first_reached(
    broker: EventBroker, run_id: str, reached: Callable[[Envelope], bool], low: Seq, high: Seq
) -> Seq:
    """The lowest retained seq in ``low..high`` whose event has ``reached`` (which must hold
    at ``high``). A probe that finds nothing, or nothing below ``high`` (trimmed, emptied or a
    hole meanwhile), ends the search with what is known."""
    while low < high:
        probe = await broker.read_range(run_id, (low + high) // 2, count=1)
        if not probe.envelopes:
            break
        found = probe.envelopes[0]
        if found.seq >= high:
            break
        if reached(found):
            high = found.seq
        else:
            low = found.seq + 1
    return high


async def find_turn(broker: EventBroker, run_id: str, turn: int) -> Seq:
    """The first retained seq whose turn is ``turn`` or later (``TurnNotFound`` if none)."""
    newest = await broker.read_range(run_id, 0, count=1, direction="backward")
    if not newest.envelopes or newest.envelopes[-1].event.t < turn:
        latest = newest.envelopes[-1].event.t if newest.envelopes else 0
        raise TurnNotFound(f"turn {turn} has not started; the newest is {latest}")
    low, high = newest.available_from or 1, newest.envelopes[-1].seq
    return await first_reached(broker, run_id, lambda e: e.event.t >= turn, low, high)


async def find_time(broker: EventBroker, run_id: str, at: datetime) -> TimeFound | None:
    """The first retained event at or after ``at`` (None: the run has no events)."""
    newest = await broker.read_range(run_id, 0, count=1, direction="backward")
    if not newest.envelopes:
        return None
    last = newest.envelopes[-1]
    if _before(last, at):
        return TimeFound(last.seq, "no event at or after that time yet: showing the newest")
    low = newest.available_from or 1
    oldest = await broker.read_range(run_id, low, count=1)
    if oldest.envelopes and not _before(oldest.envelopes[0], at):
        return TimeFound(oldest.envelopes[0].seq, "the first retained event is already later")
    seq = await first_reached(broker, run_id, lambda e: not _before(e, at), low, last.seq)
    return TimeFound(seq)


def _before(envelope: Envelope, at: datetime) -> bool:
    ts = envelope.event.ts
    return ts is None or ts < at
