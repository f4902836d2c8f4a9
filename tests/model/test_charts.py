"""The chart series (``model.charts``, ``model.chart_activity``) from seeded synthetic runs and
hand-made gaps."""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from arena_tui.arena.runs import RunPlanner, run_events
from arena_tui.broker.models import Envelope, Event
from arena_tui.model.chart_activity import Gap
from arena_tui.model.charts import BLOCK, ChartData, TurnCost, thin

T0 = datetime(2026, 6, 7, 12, 0, tzinfo=UTC)


def seeded(seed: int, *, turns: int, agents: int) -> list[Envelope]:
    spec = RunPlanner(seed).run("rank", turns=turns, agents=agents)
    return [Envelope(seq, event) for seq, event in enumerate(run_events(spec), start=1)]


def at(seq: int, second: float, kind: str = "action", t: int = 1, **payload: object) -> Envelope:
    event = Event("r1", "a1", t, kind, payload, T0 + timedelta(seconds=second))
    return Envelope(seq, event)


def test_a_smoke_run_by_hand() -> None:
    """Seed 4, one agent, 10 turns: the numbers below were read off the run's own events."""
    spec = RunPlanner(4).smoke()
    run = [Envelope(s, e) for s, e in enumerate(run_events(spec), start=1)]
    data = ChartData.start(1).add(run)
    [agent] = data.agents()
    world = data.world_series(agent)
    assert [p.turn for p in world] == list(range(1, 11))
    first_state = run[0].event.payload["state"]
    assert world[0].values == (
        first_state["food"],
        first_state["wood"],
        first_state["gold"],
        first_state["stone"],
        first_state["population"],
    )
    metrics = [e.event.payload["value"] for e in run if e.event.kind == "metric"]
    costs = data.cost_series()
    assert costs.turns == tuple(range(1, 11))
    assert costs.per_turn == tuple(metrics), "metric and llm_response are one cost, not two"
    assert costs.cumulative[-1] == pytest.approx(sum(metrics))
    # the same seed, the same run: these are its numbers
    assert world[0].values == (207.1, 207.3, 100.0, 200.0, 4.0)
    assert world[-1].values == (272.8, 259.3, 100.0, 200.0, 4.0)
    assert costs.per_turn[:3] == (0.00196, 0.0037, 0.00282)
    assert costs.cumulative[-1] == pytest.approx(0.02553)
    activity = data.activity(buckets=10)  # 43 s of run in ten 4.3 s buckets
    assert activity.width == 4.3
    assert [b.first_seq for b in activity.buckets] == [1, 7, 13, 17, 19, 23, 25, 27, 31, 35]
    assert [round(b.rate * 4.3) for b in activity.buckets] == [6, 6, 4, 2, 4, 2, 2, 4, 4, 6]


@pytest.mark.parametrize("seed", [1, 7, 23])
def test_series_match_the_events_of_a_seeded_run(seed: int) -> None:
    run = seeded(seed, turns=40, agents=3)
    data = ChartData.start(1).add(run)

    starts = [e.event for e in run if e.event.kind == "turn_start"]
    assert sorted(data.agents()) == sorted({e.agent_id for e in starts})
    for agent in data.agents():
        mine = [e for e in starts if e.agent_id == agent]
        series = data.world_series(agent)
        assert [p.turn for p in series] == [e.payload["turn_num"] for e in mine]
        assert [p.values[0] for p in series] == [e.payload["state"]["food"] for e in mine]
        assert [p.values[4] for p in series] == [e.payload["state"]["population"] for e in mine]

    per_turn: Counter[int] = Counter()
    for envelope in run:
        if envelope.event.kind == "metric":
            per_turn[envelope.event.t] += envelope.event.payload["value"]
    costs = data.cost_series()
    assert costs.turns == tuple(sorted(per_turn))
    assert costs.per_turn == pytest.approx([per_turn[t] for t in costs.turns])
    assert costs.cumulative[-1] == pytest.approx(sum(per_turn.values()))

    seconds = Counter(math.floor(e.event.ts.timestamp()) for e in run if e.event.ts)
    activity = data.activity(buckets=len(seconds) * 4)  # at least one second per bucket
    assert sum(b.rate * activity.width for b in activity.buckets) == pytest.approx(len(run))
    assert activity.buckets[0].first_seq == 1
    assert data.gaps() == []


def test_history_and_live_are_each_folded_once() -> None:
    run = seeded(5, turns=20, agents=2)
    whole = ChartData.start(1).add(run).done()
    live_from = 200
    split = ChartData.start(live_from)
    split = split.add(run[live_from - 1 : live_from + 50])  # live arrives before the scan ends
    split = split.add_history(run[:120])
    assert split.progress == pytest.approx(120 / 199)
    split = split.add(run[live_from + 40 :])  # overlaps what was already counted
    split = split.add_history(run[100 : live_from + 10])  # overlaps, and reaches past live_from
    split = split.done()
    assert split.cost_series() == whole.cost_series()
    assert split.activity(50) == whole.activity(50)
    for agent in whole.agents():
        assert split.world_series(agent) == whole.world_series(agent)
    assert split.spans == whole.spans
    assert split.progress == 1.0


def test_cost_prefers_the_metric_and_falls_back_to_the_response() -> None:
    data = ChartData.start(1).add(
        [
            at(1, 0, "llm_response", t=1, cost_usd=0.002),
            at(2, 1, "metric", t=1, name="cost_usd", value=0.002),
            at(3, 2, "llm_response", t=2, cost_usd=0.005),  # its metric never came
            at(4, 3, "metric", t=3, name="tokens", value=812),  # not a cost
            at(5, 4, "llm_response", t=3, cost_usd="lots"),  # not a number
            at(6, 5, "llm_response", t=3, cost_usd=True),  # not a number either
            at(7, 6, "metric", t=4, name="cost_usd", value=float("nan")),
        ]
    )
    costs = data.cost_series()
    assert costs.turns == (1, 2), "turns 3 and 4 have no usable cost"
    assert costs.per_turn == pytest.approx([0.002, 0.005])
    assert costs.cumulative == pytest.approx([0.002, 0.007])
    [block] = data.costs.values()
    assert block[1] == TurnCost(metric=0.002, response=0.002)


def test_world_points_need_a_state_with_numbers() -> None:
    data = ChartData.start(1).add(
        [
            at(1, 0, "turn_start", t=1, turn_num=1, state={"food": 200, "population": 4}),
            at(2, 1, "turn_start", t=2, turn_num=2, state="no world"),
            at(3, 2, "turn_start", t=3, state={"food": "x", "wood": None}),
            at(4, 3, "turn_start", t=4, turn_num=True, state={"wood": 10.5}),
        ]
    )
    series = data.world_series("a1")
    assert [(p.turn, p.values) for p in series] == [
        (1, (200.0, None, None, None, 4.0)),
        (4, (None, 10.5, None, None, None)),
    ]


def test_trimmed_head_and_holes_are_gaps_where_they_were() -> None:
    started = T0 - timedelta(seconds=10)
    events = [at(s, s - 5) for s in range(5, 11)] + [at(s, s + 10) for s in range(20, 26)]
    data = ChartData.start(21, started_at=started)
    data = data.add(events[-5:])  # live: 21..25
    data = data.add_history(events[:6], covered_to=12)  # the scan has read up to 12
    assert data.gaps() == [Gap(1, 4, started.timestamp(), T0.timestamp(), True)]
    data = data.add_history(events[6:7]).done()  # 20; the scan saw nothing in 13..19
    from_ts = (T0 + timedelta(seconds=5)).timestamp()
    assert data.gaps() == [
        Gap(1, 4, started.timestamp(), T0.timestamp(), True),
        Gap(11, 19, from_ts, (T0 + timedelta(seconds=30)).timestamp(), False),
    ]

    activity = data.activity(buckets=46)  # run start (-10 s) to the last event (+35 s)
    assert activity.width == 1.0
    states = "".join(b.state[0] for b in activity.buckets)
    # t-10..-1 trimmed, 0..5 events, 6..29 a hole, 30..35 events
    assert states == "t" * 10 + "e" * 6 + "h" * 24 + "e" * 6
    assert activity.index_at(T0.timestamp()) == 10
    assert activity.target(0) == 5, "a jump into the trimmed head lands on the first seq read"
    assert activity.target(20) == 20, "a jump into a hole lands where events resume"
    assert activity.buckets[10].first_seq == 5


def test_blocks_keep_a_batch_from_copying_everything() -> None:
    data = ChartData.start(1).add(
        [at(s, s, "turn_start", t=s, state={"food": s}) for s in range(1, 3 * BLOCK)]
    )
    before = data.world
    late = 3 * BLOCK - 2  # a late turn_start of a turn in the newest block
    data = data.add([at(3 * BLOCK, 3 * BLOCK, "turn_start", t=late, state={"food": 1})])
    assert data.world_series("a1")[late - 1].values[0] == 1.0
    unchanged = [key for key in before if data.world[key] is before[key]]
    assert len(unchanged) == len(before) - 1, "only the newest block was rebuilt"


def test_thin_keeps_evenly_spaced_points_and_the_last() -> None:
    assert thin([1, 2, 3], 5) == [1, 2, 3]
    assert thin(list(range(100)), 5) == [0, 20, 40, 60, 99]
    assert len(thin(list(range(10_001)), 300)) == 300


def test_a_short_run_gets_one_bucket_per_second_and_no_more() -> None:
    data = ChartData.start(1).add([at(s, s / 4) for s in range(1, 9)])  # 8 events in 2 s
    activity = data.activity(buckets=100)
    assert activity.width == 1.0
    assert [round(b.rate) for b in activity.buckets] == [3, 4, 1]  # seconds 0, 1 and 2
