"""Where a turn or a time starts in a run, and the turn before or after a seq.

A run's events are in seq order. Their timestamps never decrease along the seqs (nearly: one
clock per producer), so "the first event at or after 19:42" is a binary search for the first
seq whose event has *reached* that time: ``first_reached``, each probe one
``read_range(seq, count=1)`` (holes and trimming are stepped over for free). Where a producer's
clock stepped back the search still lands on an event that has reached the time, right after
one probed before it that had not, just not necessarily the first such crossing. An event
without a ``ts`` counts as earlier than any time.

Turns are different (issue 10): the agents of one run play their own loops, so at seq 5,500
one agent is on turn 238 and another on 243, and turns go up and down along the seqs. Only
*each agent's* turns never decrease. So ``find_turn`` (``g t41``: the first event of turn 41 or
later, whichever agent got there first) searches once per agent, each probe reading on to that
agent's next event, and takes the earliest. ``turn_start_near`` (``[`` and ``]`` past the rows
the view holds) does not search at all: it reads on from a seq, backward or forward, to the
nearest ``turn_start`` of one agent (or of any), so ``[`` always goes back and ``]`` forward.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from arena_tui.broker.models import Envelope, Seq
from arena_tui.broker.protocol import Direction, EventBroker


class TurnNotFound(LookupError):
    """The turn asked for has not started yet."""


@dataclass(frozen=True, slots=True)
class TimeFound:
    """Where a time seek lands, and what to tell the user when it is not exactly there."""

    seq: Seq
    note: str | None = None


async def first_reached(
    broker: EventBroker,
    run_id: str,
    reached: Callable[[Envelope], bool],
    low: Seq,
    high: Seq,
    *,
    probe: Callable[[Seq], Awaitable[Envelope | None]] | None = None,
) -> Seq:
    """The lowest seq in ``low..high`` whose event has ``reached`` (which must hold at
    ``high``), among the events ``probe(seq)`` returns: the first at or after ``seq`` (by
    default the first retained event; ``find_turn`` passes one agent's). A probe that finds
    nothing below ``high`` (a hole, or trimmed meanwhile) narrows the search to below it."""

    async def first_event(seq: Seq) -> Envelope | None:
        result = await broker.read_range(run_id, seq, count=1)
        return result.envelopes[0] if result.envelopes else None

    probe = probe or first_event
    best = high
    while low < high:
        middle = (low + high) // 2
        found = await probe(middle)
        if found is None or found.seq >= high:
            high = middle  # no event in middle..high - 1: the answer is below, or is best
        elif reached(found):
            best = high = found.seq
        else:
            low = found.seq + 1
    return best


AGENT_PROBE = 64
"""Events a probe of one agent's turns reads at a time, until it meets that agent."""
TURN_SCAN = 500
"""Events per read of ``turn_start_near``."""
TURN_SCAN_LIMIT = 20_000
"""``turn_start_near`` gives up after reading this many events (it says so)."""


async def find_turn(broker: EventBroker, run_id: str, turn: int) -> Seq:
    """The first retained seq whose event's turn is ``turn`` or later: the earliest of every
    agent's first such event (``TurnNotFound`` when no agent has reached it)."""
    newest = await broker.read_range(run_id, 0, count=AGENT_PROBE, direction="backward")
    if not newest.envelopes:
        raise TurnNotFound(f"turn {turn} has not started: the run has no events")
    low = newest.available_from or 1
    oldest = await broker.read_range(run_id, low, count=AGENT_PROBE)
    if oldest.envelopes and oldest.envelopes[0].event.t >= turn:
        return oldest.envelopes[0].seq  # trimmed, or the run starts there (a fork)
    agents = {e.event.agent_id for e in (*oldest.envelopes, *newest.envelopes)} - {""}
    found: list[Seq] = []
    for agent in sorted(agents):
        last = await _agent_event(broker, run_id, newest.last_seq, agent, "backward", low)
        if last is None or last.event.t < turn:
            continue  # this agent has not reached the turn
        probe = _agent_probe(broker, run_id, agent, last.seq)
        found.append(
            await first_reached(
                broker, run_id, lambda e: e.event.t >= turn, low, last.seq, probe=probe
            )
        )
    if not found:
        latest = max(e.event.t for e in newest.envelopes)
        raise TurnNotFound(f"turn {turn} has not started; the newest is {latest}")
    return min(found)


def _agent_probe(
    broker: EventBroker, run_id: str, agent: str, high: Seq
) -> Callable[[Seq], Awaitable[Envelope | None]]:
    async def probe(seq: Seq) -> Envelope | None:
        return await _agent_event(broker, run_id, seq, agent, "forward", high)

    return probe


async def _agent_event(
    broker: EventBroker, run_id: str, seq: Seq, agent: str, direction: Direction, bound: Seq
) -> Envelope | None:
    """``agent``'s first event at or after ``seq`` (forward, up to ``bound``) or at or before
    it (backward, down to ``bound``)."""
    while True:
        result = await broker.read_range(run_id, seq, count=AGENT_PROBE, direction=direction)
        batch = result.envelopes if direction == "forward" else result.envelopes[::-1]
        for envelope in batch:
            if envelope.seq > bound if direction == "forward" else envelope.seq < bound:
                return None
            if envelope.event.agent_id == agent:
                return envelope
        if len(result.envelopes) < AGENT_PROBE:
            return None
        seq = batch[-1].seq + 1 if direction == "forward" else batch[-1].seq - 1


async def turn_start_near(
    broker: EventBroker, run_id: str, seq: Seq, step: int, agent: str | None
) -> Seq | None:
    """The nearest ``turn_start`` after ``seq`` (``step`` > 0) or before it (``step`` < 0) of
    ``agent`` (of any agent when None); None when there is none in the retained run, or none
    within ``TURN_SCAN_LIMIT`` events."""
    direction: Direction = "forward" if step > 0 else "backward"
    cursor = seq + 1 if step > 0 else seq - 1
    scanned = 0
    while scanned < TURN_SCAN_LIMIT and cursor >= 1:
        result = await broker.read_range(run_id, cursor, count=TURN_SCAN, direction=direction)
        batch = result.envelopes if step > 0 else result.envelopes[::-1]
        for envelope in batch:
            event = envelope.event
            if event.kind == "turn_start" and (agent is None or event.agent_id == agent):
                return envelope.seq
        if len(result.envelopes) < TURN_SCAN:
            return None
        scanned += len(batch)
        cursor = batch[-1].seq + 1 if step > 0 else batch[-1].seq - 1
    return None


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
