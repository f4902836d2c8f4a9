"""Seeded synthetic runs: what the arena would publish, as a pure iterator of ``Event``.

A ``RunPlanner`` draws run and agent ids (``uuid4().hex`` made from its seeded RNG) and makes
``RunSpec`` values; ``run_events(spec)`` turns a spec into the run's events without any I/O or
clock, so the same seed always gives the same run (timestamps come from a synthetic clock that
starts at ``spec.started_at``; the producer restamps live events with the real time).

Shaped like the real arena's synth loop: one agent per run (a uuid hex), and per turn
``turn_start`` (``turn_num``, the state as the turn starts, the run's ``profile_name``),
``llm_prompt``, ``llm_response``, an (``action``, ``action_result``) pair per action (the arena's
vocabulary: ``world``), then the ``metric`` ``cost_usd``. A smoke run is 10 turns of 4 events
and no actions. A ``rank`` operation is rounds x scenarios x profiles runs plus the ``ranking``
pseudo-run: three ``metric`` events per profile (rating and its interval) at ``t = 0`` with the
profile name as agent (``RunPlanner.rank``). A fork run opens with ``fork`` and
``world_mutation`` (agent ``""``, ``t = parent_t``), then plays turns 1..n from the branch's
world; the odd kinds (``observation``, ``world_mutation``) appear only in forks. Several agents
per run (``agents=``) still work, merged by time, for benchmarks that want a busy stream.
"""

from __future__ import annotations

import heapq
import itertools
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from arena_tui.arena.world import World, apply, choose_actions, mutate, tick
from arena_tui.broker.models import Event

EPOCH = datetime(2026, 6, 7, 12, 0, tzinfo=UTC)
"""Default start of the synthetic clock (deterministic output needs a fixed instant)."""

SMOKE_TURNS = 10
SMOKE_EVENTS = SMOKE_TURNS * 4
PROFILES = ("balanced", "fast_castle", "boom", "drush_fc")
SCENARIOS = ("arabia", "black_forest")
RANKING_ID = "ranking"
OBSERVED = ("villager", "scout", "sheep", "boar", "tree", "gold_mine", "stone_mine", "deer")
REASONS = (
    "Keep the town center busy and stay ahead on houses.",
    "Food is the bottleneck for the age-up; shift villagers to farms.",
    "Wood income is low; a lumber camp closer to the tree line pays back fast.",
    "The scout found a gold pile nearby, worth a mining camp once Feudal.",
    "Not enough resources to act now; bank for the age-up.",
    "Pop cap is close, build a house before queueing more villagers.",
)


@dataclass(frozen=True, slots=True)
class ForkOrigin:
    """Where a fork run branched off: its parent's run id and turn, and what was changed."""

    parent_run_id: str
    parent_t: int
    mutation_summary: str


@dataclass(frozen=True, slots=True)
class RunSpec:
    """Everything that determines one synthetic run. ``turns`` None means endless."""

    run_id: str
    label: str
    agents: tuple[str, ...]
    turns: int | None
    seed: int
    started_at: datetime = EPOCH
    fork: ForkOrigin | None = None
    smoke: bool = False
    profile: str | None = None
    ranking: tuple[str, ...] = ()
    """For the ``ranking`` pseudo-run: the profiles rated (its events are their metrics)."""


class RunPlanner:
    """A seeded source of run specs: the same seed and calls give the same runs."""

    def __init__(self, seed: int, *, started_at: datetime = EPOCH) -> None:
        self._rng = random.Random(seed)
        self._started_at = started_at

    def new_id(self) -> str:
        return uuid.UUID(int=self._rng.getrandbits(128), version=4).hex

    def run(
        self,
        label: str,
        *,
        turns: int | None,
        agents: int = 1,
        started_at: datetime | None = None,
        profile: str | None = None,
    ) -> RunSpec:
        return RunSpec(
            run_id=self.new_id(),
            label=label,
            agents=tuple(self.new_id() for _ in range(agents)),
            turns=turns,
            seed=self._rng.getrandbits(64),
            started_at=started_at or self._started_at,
            profile=profile or self._rng.choice(PROFILES),
        )

    def smoke(self, *, started_at: datetime | None = None) -> RunSpec:
        spec = self.run("smoke", turns=SMOKE_TURNS, started_at=started_at)
        return replace(spec, smoke=True)

    def rank(
        self,
        *,
        rounds: int = 1,
        scenarios: tuple[str, ...] = SCENARIOS,
        profiles: tuple[str, ...] = PROFILES[:2],
        turns: int | None = 20,
        started_at: datetime | None = None,
    ) -> list[RunSpec]:
        """A rank operation: one run per round x scenario x profile, then ``ranking``."""
        specs = [
            self.run("rank", turns=turns, started_at=started_at, profile=profile)
            for _round in range(rounds)
            for _scenario in scenarios
            for profile in profiles
        ]
        ranking = RunSpec(
            run_id=RANKING_ID,
            label="rank",
            agents=profiles,
            turns=0,
            seed=self._rng.getrandbits(64),
            started_at=started_at or self._started_at,
            ranking=profiles,
        )
        return [*specs, ranking]

    def fork(
        self,
        parent: RunSpec,
        *,
        parent_t: int,
        turns: int | None,
        started_at: datetime | None = None,
    ) -> RunSpec:
        spec = self.run("fork", turns=turns, started_at=started_at, profile=parent.profile)
        summary = self._rng.choice(
            ("food -50%", "removed the enemy scout", "gold +300", "pop cap 10")
        )
        return replace(spec, fork=ForkOrigin(parent.run_id, parent_t, summary))


def run_events(spec: RunSpec) -> Iterator[Event]:
    """The run's events in publish order (merged by synthetic time)."""
    rng = random.Random(spec.seed)
    if spec.ranking:
        return _ranking(spec, rng)
    loops = [_agent_loop(spec, agent, random.Random(rng.getrandbits(64))) for agent in spec.agents]
    merged = heapq.merge(*loops, key=lambda event: event.ts or spec.started_at)
    return itertools.chain(_fork_head(spec), merged)


def _ranking(spec: RunSpec, rng: random.Random) -> Iterator[Event]:
    ts = spec.started_at
    for profile in spec.ranking:
        rating = round(rng.gauss(1500, 120), 1)
        spread = round(rng.uniform(20, 80), 1)
        for name, value in (
            ("rating", rating),
            ("ci_lo", round(rating - spread, 1)),
            ("ci_hi", round(rating + spread, 1)),
        ):
            ts += timedelta(milliseconds=5)
            payload = {"kind": "metric", "name": f"ranking_{name}_{profile}", "value": value}
            yield Event(spec.run_id, profile, 0, "metric", payload, ts)


def _fork_head(spec: RunSpec) -> list[Event]:
    if spec.fork is None:
        return []
    origin = spec.fork
    world = _played(spec, origin.parent_t)
    fork = {
        "kind": "fork",
        "parent_run_id": origin.parent_run_id,
        "parent_t": origin.parent_t,
        "mutation_summary": origin.mutation_summary,
    }
    mutation = {
        "kind": "world_mutation",
        "before_summary": world.summary(),
        "after_summary": world.summary(),
        "reason": origin.mutation_summary,
    }
    at = spec.started_at
    return [
        Event(spec.run_id, "", origin.parent_t, "fork", fork, at),
        Event(spec.run_id, "", origin.parent_t, "world_mutation", mutation, at),
    ]


def _played(spec: RunSpec, turns: int) -> World:
    """The world a fork branches from: ``turns`` turns played (seeded by the fork)."""
    rng = random.Random(spec.seed ^ 0x5EED)
    world = World()
    for _ in range(turns):
        world = tick(world, rng)
        for action in choose_actions(world, rng):
            world, _ = apply(world, action)
    return world


def _agent_loop(spec: RunSpec, agent: str, rng: random.Random) -> Iterator[Event]:
    forked = spec.fork is not None
    world = _played(spec, spec.fork.parent_t) if spec.fork is not None else World()
    clock = spec.started_at + timedelta(seconds=rng.uniform(0.05, 1.5))
    t = 1

    def emit(kind: str, payload: dict[str, Any], after: float, who: str = agent) -> Event:
        nonlocal clock
        clock += timedelta(seconds=after)
        return Event(spec.run_id, who, t, kind, {"kind": kind, **payload}, clock)

    turns = range(1, 1 + spec.turns) if spec.turns is not None else itertools.count(1)
    for t in turns:
        world = tick(world, rng)
        yield emit(
            "turn_start",
            {"turn_num": t, "state": world.snapshot(), "profile_name": spec.profile},
            rng.uniform(1.0, 4.0),
        )
        if forked and rng.random() < 0.5:
            classes = sorted(rng.sample(OBSERVED, rng.randint(2, 5)))
            count = world.population + len(world.buildings) + rng.randint(5, 60)
            yield emit(
                "observation", {"entity_count": count, "classes": classes}, rng.uniform(0.02, 0.1)
            )
        yield emit("llm_prompt", {"state_summary": world.summary()}, rng.uniform(0.005, 0.05))
        actions = [] if spec.smoke else choose_actions(world, rng)
        cost = round(rng.uniform(0.0004, 0.004) * (1 + len(actions) / 2), 5)
        reasoning = rng.choice(REASONS) if actions or spec.smoke else REASONS[4]
        yield emit(
            "llm_response",
            {"actions": actions, "reasoning": reasoning, "cost_usd": cost},
            rng.uniform(0.8, 4.0),
        )
        for index, action in enumerate(actions):
            yield emit(
                "action", {"index_in_turn": index, "action": action}, rng.uniform(0.01, 0.05)
            )
            world, changed = apply(world, action)
            yield emit(
                "action_result",
                {"index_in_turn": index, "action_type": action["type"], "state_changed": changed},
                rng.uniform(0.05, 0.4),
            )
        if forked and rng.random() < 0.08:
            before = world.summary()
            world, reason = mutate(world, rng)
            yield emit(
                "world_mutation",
                {"before_summary": before, "after_summary": world.summary(), "reason": reason},
                rng.uniform(0.1, 1.0),
                who="",
            )
        yield emit("metric", {"name": "cost_usd", "value": cost}, rng.uniform(0.001, 0.01))
