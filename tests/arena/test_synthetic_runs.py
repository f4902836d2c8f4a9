"""The synthetic arena's generator: deterministic, every kind, the arena's run shapes."""

from __future__ import annotations

import itertools
import re
from collections import Counter

from arena_tui.arena.runs import SMOKE_EVENTS, RunPlanner, RunSpec, run_events
from arena_tui.arena.world import AGES, NO_OPS
from arena_tui.broker.codec import decode_entry, encode_event, entry_id
from arena_tui.broker.models import KNOWN_KINDS, Event

HEX32 = re.compile(r"[0-9a-f]{32}")


def _events(spec: RunSpec, n: int | None = None) -> list[Event]:
    return list(itertools.islice(run_events(spec), n))


def test_same_seed_same_runs_and_different_seed_different_runs() -> None:
    def plan(seed: int) -> list[Event]:
        planner = RunPlanner(seed)
        race = planner.run("race", turns=12)
        return [
            *_events(planner.smoke()),
            *_events(race),
            *_events(planner.fork(race, parent_t=5, turns=6)),
        ]

    assert plan(11) == plan(11)
    assert plan(11) != plan(12)


def test_ids_are_uuid4_hex_and_agents_distinct() -> None:
    spec = RunPlanner(3).run("rank", turns=1, agents=4)
    assert HEX32.fullmatch(spec.run_id)
    assert len(set(spec.agents)) == 4
    assert all(HEX32.fullmatch(agent) and agent[12] == "4" for agent in spec.agents)


def test_a_run_is_one_agent_and_the_six_kinds_of_the_synth_loop() -> None:
    spec = RunPlanner(1).run("race", turns=60)
    events = _events(spec)
    assert len(spec.agents) == 1
    assert {e.agent_id for e in events} == {spec.agents[0]}
    assert {e.kind for e in events} == {
        "turn_start", "llm_prompt", "llm_response", "action", "action_result", "metric"
    }  # fmt: skip
    assert {e.payload["profile_name"] for e in events if e.kind == "turn_start"} == {spec.profile}
    types = {e.payload["action"]["type"] for e in events if e.kind == "action"}
    assert types <= {"queue_villager", "build", "press", *NO_OPS}
    assert {"queue_villager", "build", "press"} <= types
    assert all("building_key" in e.payload["action"] for e in events
               if e.kind == "action" and e.payload["action"]["type"] == "build")  # fmt: skip
    presses = [e for e in events if e.kind == "action" and e.payload["action"]["type"] == "press"]
    assert {e.payload["action"]["key"] for e in presses} == {"z"}


def test_a_rank_operation_is_rounds_x_scenarios_x_profiles_plus_ranking() -> None:
    specs = RunPlanner(2).rank(rounds=2, scenarios=("a", "b"), profiles=("boom", "fc"), turns=3)
    *runs, ranking = specs
    assert len(runs) == 2 * 2 * 2
    assert {s.profile for s in runs} == {"boom", "fc"}
    assert {s.label for s in specs} == {"rank"}
    assert ranking.run_id == "ranking"
    events = _events(ranking)
    assert [(e.agent_id, e.t, e.kind) for e in events] == [
        (p, 0, "metric") for p in ("boom", "fc") for _ in range(3)
    ]
    assert [e.payload["name"] for e in events[:3]] == [
        "ranking_rating_boom", "ranking_ci_lo_boom", "ranking_ci_hi_boom"
    ]  # fmt: skip


def test_forks_carry_the_odd_kinds_with_their_fields() -> None:
    planner = RunPlanner(1)
    parent = planner.run("race", turns=10)
    events = _events(planner.fork(parent, parent_t=5, turns=60))
    kinds = Counter(event.kind for event in events)
    assert set(kinds) == set(KNOWN_KINDS)
    fields = {
        "turn_start": {"turn_num", "state", "profile_name"},
        "observation": {"entity_count", "classes"},
        "llm_prompt": {"state_summary"},
        "llm_response": {"actions", "reasoning", "cost_usd"},
        "action": {"index_in_turn", "action"},
        "action_result": {"index_in_turn", "action_type", "state_changed"},
        "world_mutation": {"before_summary", "after_summary", "reason"},
        "metric": {"name", "value"},
        "fork": {"parent_run_id", "parent_t", "mutation_summary"},
    }
    for event in events:
        assert set(event.payload) == {"kind", *fields[event.kind]}, event
        assert event.payload["kind"] == event.kind
        expect_agent = event.kind not in ("world_mutation", "fork")
        assert bool(event.agent_id) is expect_agent
    assert all(e.payload["name"] == "cost_usd" for e in events if e.kind == "metric")
    assert any(not e.payload["state_changed"] for e in events if e.kind == "action_result")


def test_per_agent_turn_order_and_action_pairs() -> None:
    """Per agent and turn: turn_start, [observation], llm_prompt, llm_response, pairs, metric."""
    spec = RunPlanner(5).run("race", turns=20, agents=2)  # several agents still interleave
    events = _events(spec)
    for agent in spec.agents:
        mine = [e for e in events if e.agent_id == agent]
        for _turn, group in itertools.groupby(mine, key=lambda e: e.t):
            kinds = [e.kind for e in group]
            assert kinds[0] == "turn_start"
            assert kinds[-1] == "metric"
            body = [k for k in kinds[1:-1] if k != "observation"]
            assert body[:2] == ["llm_prompt", "llm_response"]
            assert body[2:] == ["action", "action_result"] * (len(body[2:]) // 2)
        assert [e.t for e in mine if e.kind == "turn_start"] == list(range(1, 21))
    stamps = [e.ts for e in events]
    assert stamps == sorted(stamps)  # type: ignore[type-var]


def test_smoke_shape_is_ten_turns_of_four_events() -> None:
    events = _events(RunPlanner(2).smoke())
    assert len(events) == SMOKE_EVENTS == 40
    assert [e.kind for e in events] == ["turn_start", "llm_prompt", "llm_response", "metric"] * 10
    assert [e.t for e in events] == [t for t in range(1, 11) for _ in range(4)]
    assert all(e.payload["actions"] == [] for e in events if e.kind == "llm_response")
    assert len({e.agent_id for e in events}) == 1


def test_fork_opens_with_fork_and_world_mutation_then_plays_turns_from_one() -> None:
    planner = RunPlanner(4)
    parent = planner.run("race", turns=30)
    events = _events(planner.fork(parent, parent_t=12, turns=5))
    first, second = events[0], events[1]
    assert (first.kind, first.agent_id, first.t) == ("fork", "", 12)
    assert (second.kind, second.agent_id, second.t) == ("world_mutation", "", 12)
    assert first.payload["parent_run_id"] == parent.run_id
    assert first.payload["parent_t"] == 12
    assert second.payload["reason"] == first.payload["mutation_summary"]
    assert "fork" not in {e.kind for e in events[1:]}
    assert {e.t for e in events[2:]} == set(range(1, 6))
    start = next(e for e in events if e.kind == "turn_start")
    assert start.payload["state"]["population"] > 4  # played up to the branch point


def test_world_evolves_turn_by_turn() -> None:
    spec = RunPlanner(9).run("rank", turns=150, agents=1)
    states = [e.payload["state"] for e in _events(spec) if e.kind == "turn_start"]
    assert [s["turn"] for s in states] == list(range(1, 151))
    assert states[-1]["population"] > states[0]["population"]
    assert states[-1]["pop_cap"] > states[0]["pop_cap"]
    assert len(states[-1]["buildings"]) > len(states[0]["buildings"])
    ages = [AGES.index(s["age"]) for s in states]
    assert ages == sorted(ages)
    assert ages[-1] >= 2
    assert any(s["age_up_ticks_remaining"] for s in states)
    assert any(s["villager_queue"] for s in states)
    for s in states:
        assert all(isinstance(s[r], float) and s[r] >= 0 for r in ("food", "wood", "gold", "stone"))
        assert s["population"] <= s["pop_cap"]


def test_endless_run_keeps_going() -> None:
    events = _events(RunPlanner(6).run("rank", turns=None, agents=3), 12_000)
    assert len(events) == 12_000
    assert max(e.t for e in events) > 100


def test_events_survive_the_wire_format() -> None:
    for seq, event in enumerate(_events(RunPlanner(8).run("race", turns=10)), start=1):
        envelope = decode_entry(entry_id(seq), encode_event(event))
        assert not envelope.problems
        assert envelope.event == event
