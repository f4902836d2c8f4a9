"""Turns in a run with several agents (issue 10 defect 2): ``g t41``, ``[`` and ``]``.

The agents of a synthetic arena run play their own loops, merged by time, so after a few hundred
turns one agent is turns ahead of another and the turns along the seqs go up and down. Every
answer here is checked against a brute-force scan of the same events.
"""

from __future__ import annotations

from itertools import pairwise

import pytest

from arena_tui.arena.runs import RunPlanner, run_events
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.broker.models import Envelope, Event
from arena_tui.reading.seek import TurnNotFound, find_turn, turn_start_near


async def published(turns: int, *, max_len: int = 100_000) -> tuple[InProcessBroker, str]:
    spec = RunPlanner(7).run("rank", turns=turns, agents=4)
    broker = InProcessBroker(max_len=max_len)
    await broker.open_run(spec.run_id)
    await broker.publish_many(spec.run_id, list(run_events(spec)))
    return broker, spec.run_id


async def retained(broker: InProcessBroker, run_id: str) -> list[Envelope]:
    out: list[Envelope] = []
    seq = 1
    while True:
        result = await broker.read_range(run_id, seq, count=1_000)
        out.extend(result.envelopes)
        if len(result.envelopes) < 1_000:
            return out
        seq = result.envelopes[-1].seq + 1


def first_at_or_after(events: list[Envelope], turn: int) -> int | None:
    return next((e.seq for e in events if e.event.t >= turn), None)


def nearest_turn_start(
    events: list[Envelope], seq: int, step: int, agent: str | None
) -> int | None:
    def fits(e: Event) -> bool:
        return e.kind == "turn_start" and (agent is None or e.agent_id == agent)

    if step > 0:
        return next((e.seq for e in events if e.seq > seq and fits(e.event)), None)
    return next((e.seq for e in reversed(events) if e.seq < seq and fits(e.event)), None)


async def test_turns_go_down_along_the_seqs_so_g_t_searches_each_agent() -> None:
    broker, run_id = await published(120)
    events = await retained(broker, run_id)
    assert any(a.event.t > b.event.t + 2 for a, b in pairwise(events)), "agents drift apart"
    for turn in (1, 2, 41, 60, 97, 118, 120):
        assert await find_turn(broker, run_id, turn) == first_at_or_after(events, turn), turn
    with pytest.raises(TurnNotFound, match="turn 121 has not started; the newest is 120"):
        await find_turn(broker, run_id, 121)


async def test_g_t_on_a_trimmed_run_lands_on_the_first_retained_event_of_a_trimmed_turn() -> None:
    broker, run_id = await published(120, max_len=1_500)
    events = await retained(broker, run_id)
    assert events[0].seq > 1
    assert await find_turn(broker, run_id, 3) == events[0].seq
    late = max(e.event.t for e in events[:50]) + 1
    assert await find_turn(broker, run_id, late) == first_at_or_after(events, late)


async def test_turn_start_near_always_moves_the_way_it_is_asked() -> None:
    broker, run_id = await published(60)
    events = await retained(broker, run_id)
    agents = sorted({e.event.agent_id for e in events} - {""})
    for seq in (1, 7, 350, 900, events[-1].seq - 3, events[-1].seq):
        for agent in (None, *agents):
            for step in (-1, 1):
                got = await turn_start_near(broker, run_id, seq, step, agent)
                assert got == nearest_turn_start(events, seq, step, agent), (seq, agent, step)
                if got is not None:
                    assert (got - seq) * step > 0
