"""Seeded synthetic runs: what the arena would publish, as a pure iterator of ``Event``.

A ``RunPlanner`` draws run and agent ids (``uuid4().hex`` made from its seeded RNG) and makes
``RunSpec`` values; ``run_events(spec)`` turns a spec into the run's events without any I/O or
clock, so the same seed always gives the same run (timestamps come from a synthetic clock that
starts at ``spec.started_at``; the producer restamps live events with the real time).

Each agent plays its own ``World`` in its own loop, and the loops' events are merged by time,
as the arena's concurrent agent loops interleave on one stream. Per turn an agent emits
``turn_start``, sometimes ``observation``, ``llm_prompt``, ``llm_response``, an
(``action``, ``action_result``) pair per action, sometimes a ``world_mutation`` (agent ``""``),
then the ``metric`` ``cost_usd``. A smoke run is one agent, 10 turns of 4 events and no actions.
A fork run opens with a ``fork`` event (agent ``""``) and continues the parent's turn numbers.
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
PROFILES = ("balanced", "fast_castle", "boom", "drush_fc", None)
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
        agents: int | None = None,
        started_at: datetime | None = None,
    ) -> RunSpec:
        n_agents = agents if agents is not None else self._rng.randint(2, 4)
        return RunSpec(
            run_id=self.new_id(),
            label=label,
            agents=tuple(self.new_id() for _ in range(n_agents)),
            turns=turns,
            seed=self._rng.getrandbits(64),
            started_at=started_at or self._started_at,
        )

    def smoke(self, *, started_at: datetime | None = None) -> RunSpec:
        spec = self.run("smoke", turns=SMOKE_TURNS, agents=1, started_at=started_at)
        return replace(spec, smoke=True)

    def fork(
        self,
        parent: RunSpec,
        *,
        parent_t: int,
        turns: int | None,
        started_at: datetime | None = None,
    ) -> RunSpec:
        spec = self.run("fork", turns=turns, agents=len(parent.agents), started_at=started_at)
        summary = self._rng.choice(
            ("food -50%", "removed the enemy scout", "gold +300", "pop cap 10")
        )
        return replace(spec, fork=ForkOrigin(parent.run_id, parent_t, summary))


def run_events(spec: RunSpec) -> Iterator[Event]:
    """The run's events in publish order (merged by synthetic time)."""
    rng = random.Random(spec.seed)
    first_turn = 1
    head: list[Event] = []
    if spec.fork is not None:
        first_turn = spec.fork.parent_t + 1
        head.append(
            Event(
                run_id=spec.run_id,
                agent_id="",
                t=spec.fork.parent_t,
                kind="fork",
                payload={
                    "kind": "fork",
                    "parent_run_id": spec.fork.parent_run_id,
                    "parent_t": spec.fork.parent_t,
                    "mutation_summary": spec.fork.mutation_summary,
                },
                ts=spec.started_at,
            )
        )
    loops = [
        _agent_loop(spec, agent, random.Random(rng.getrandbits(64)), first_turn)
        for agent in spec.agents
    ]
    merged = heapq.merge(*loops, key=lambda event: event.ts or spec.started_at)
    return itertools.chain(head, merged)


def _agent_loop(spec: RunSpec, agent: str, rng: random.Random, first_turn: int) -> Iterator[Event]:
    world = World()
    for _ in range(first_turn - 1):  # a fork continues from a world played up to parent_t
        world = tick(world, rng)
        for action in choose_actions(world, rng):
            world, _ = apply(world, action)
    profile = rng.choice(PROFILES)
    clock = spec.started_at + timedelta(seconds=rng.uniform(0.05, 1.5))
    t = first_turn

    def emit(kind: str, payload: dict[str, Any], after: float, who: str = agent) -> Event:
        nonlocal clock
        clock += timedelta(seconds=after)
        return Event(spec.run_id, who, t, kind, {"kind": kind, **payload}, clock)

    turns = range(first_turn, first_turn + spec.turns) if spec.turns is not None else None
    for t in turns if turns is not None else itertools.count(first_turn):
        world = tick(world, rng)
        yield emit(
            "turn_start",
            {"turn_num": t, "state": world.snapshot(), "profile_name": profile},
            rng.uniform(1.0, 4.0),
        )
        if not spec.smoke and rng.random() < 0.5:
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
        if not spec.smoke and rng.random() < 0.08:
            before = world.summary()
            world, reason = mutate(world, rng)
            yield emit(
                "world_mutation",
                {"before_summary": before, "after_summary": world.summary(), "reason": reason},
                rng.uniform(0.1, 1.0),
                who="",
            )
        yield emit("metric", {"name": "cost_usd", "value": cost}, rng.uniform(0.001, 0.01))
