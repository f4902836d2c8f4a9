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
from arena_tui.model.log import LogView
from arena_tui.model.rows import EventRow
from arena_tui.model.seek import TurnTarget
from arena_tui.reading.fetch import perform
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


async def settled(view: LogView, broker: InProcessBroker) -> LogView:
    """Perform every read the view asks for, as the app does."""
    while view.want is not None:
        fetch = view.want
        try:
            got, target = await perform(broker, view.run_id, fetch)
        except TurnNotFound as exc:
            return view.on_fetch_failed(fetch, str(exc))
        view = view.on_fetched(fetch, got, target)
    return view


def turn_start(view: LogView) -> tuple[int, str, int]:
    row = view.current
    assert isinstance(row, EventRow)
    assert row.envelope.event.kind == "turn_start"
    return row.seq, row.envelope.event.agent_id, row.turn


async def test_brackets_step_through_one_agents_turns_and_never_turn_round() -> None:
    """Defect 2: from seq 5,500 ``[`` landed on an llm_response of a later turn, and pressed
    again it moved forward. Now ``[`` always goes back and ``]`` forward, turn by turn of the
    cursor's agent, in the window and past it (the window here is small: 200 rows)."""
    broker, run_id = await published(120)
    view = await settled(LogView.open(run_id, seq=2_500, height=20, max_rows=200, page=100), broker)
    agent = view.current.envelope.event.agent_id  # type: ignore[union-attr]
    seen = [view.cursor_seq or 0]
    turns: list[int] = []
    for _ in range(40):
        view = await settled(view.turn_step(-1), broker)
        seq, who, turn = turn_start(view)
        assert seq < seen[-1]
        assert who == agent
        seen.append(seq)
        turns.append(turn)
    assert turns == list(range(turns[0], turns[0] - 40, -1)), "one turn back at a time"
    for _ in range(60):
        view = await settled(view.turn_step(1), broker)
        seq, who, turn = turn_start(view)
        assert seq > seen[-1]
        assert who == agent
        seen.append(seq)
        assert turn == turns[-1] + 1
        turns.append(turn)


async def test_g_t_in_the_app_model_lands_on_the_first_event_of_the_turn() -> None:
    broker, run_id = await published(120)
    events = await retained(broker, run_id)
    view = await settled(LogView.open(run_id, height=20, max_rows=200, page=100), broker)
    for turn in (97, 60, 41):
        view = await settled(view.seek(TurnTarget(turn)), broker)
        assert view.cursor_seq == first_at_or_after(events, turn)
        assert view.cursor - view.top >= 3, "context above the target"


async def test_g_t_on_a_trimmed_turn_names_the_turn() -> None:
    broker, run_id = await published(120, max_len=1_500)
    events = await retained(broker, run_id)
    view = await settled(LogView.open(run_id, height=20), broker)
    view = await settled(view.seek(TurnTarget(3)), broker)
    assert view.cursor_seq == events[0].seq
    assert view.toast is not None
    assert view.toast.text.startswith(f"turn 3 was trimmed by the broker: seq {events[0].seq:,}")
