"""A toy AoE2 economy that one synthetic agent plays, turn by turn.

The real arena drives Age of Empires II; the synthetic one only needs world-state snapshots that
look like the real ones (wire-format.md, "World snapshot") and change plausibly: villagers gather,
houses raise the population cap, the queue trains villagers, ages advance after a countdown
(the ``z`` hotkey), and unaffordable actions and the arena's input primitives are no-ops. Every
function is pure: a ``World`` in, a new ``World`` out, and randomness only from the
``random.Random`` the caller passes, so a seed fixes the whole run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any

AGES = ("Dark Age", "Feudal Age", "Castle Age", "Imperial Age")
RESOURCES = ("food", "wood", "gold", "stone")

BUILD_COST: dict[str, dict[str, float]] = {
    "house": {"wood": 25},
    "farm": {"wood": 60},
    "lumber_camp": {"wood": 100},
    "mining_camp": {"wood": 100},
    "mill": {"wood": 100},
    "barracks": {"wood": 175},
    "blacksmith": {"wood": 150},
    "market": {"wood": 175},
    "castle": {"stone": 650},
}
AGE_UP_COST: tuple[dict[str, float], ...] = (
    {"food": 500},
    {"food": 800, "gold": 200},
    {"food": 1000, "gold": 800},
)
AGE_UP_TICKS = 4
VILLAGER_COST = 50.0
VILLAGER_TICKS = 2
MAX_QUEUE = 5
MAX_POP = 200
MAX_BUILDINGS = 60
GATHER_RATE = {"food": 3.2, "wood": 3.9, "gold": 3.5, "stone": 3.3}
"""Resources one villager gathers per turn."""


@dataclass(frozen=True, slots=True)
class World:
    """One agent's game. ``split`` (villagers per resource, in ``RESOURCES`` order) is not on
    the wire; everything else is the snapshot."""

    food: float = 200.0
    wood: float = 200.0
    gold: float = 100.0
    stone: float = 200.0
    population: int = 4
    pop_cap: int = 5
    age: int = 0
    buildings: tuple[str, ...] = ("town_center",)
    villager_queue: tuple[int, ...] = ()
    age_up_ticks_remaining: int = 0
    turn: int = 0
    split: tuple[float, float, float, float] = (0.6, 0.4, 0.0, 0.0)

    def snapshot(self) -> dict[str, Any]:
        """The ``state`` object of a ``turn_start`` payload."""
        return {
            "food": round(self.food, 1),
            "wood": round(self.wood, 1),
            "gold": round(self.gold, 1),
            "stone": round(self.stone, 1),
            "population": self.population,
            "pop_cap": self.pop_cap,
            "age": AGES[self.age],
            "buildings": list(self.buildings),
            "villager_queue": list(self.villager_queue),
            "age_up_ticks_remaining": self.age_up_ticks_remaining,
            "turn": self.turn,
        }

    def summary(self) -> str:
        """The prompt's one-line view of the world."""
        queued = f" · {len(self.villager_queue)} queued" if self.villager_queue else ""
        aging = (
            f" · {AGES[self.age + 1]} in {self.age_up_ticks_remaining}"
            if self.age_up_ticks_remaining
            else ""
        )
        return (
            f"Turn {self.turn} · {AGES[self.age]} · pop {self.population}/{self.pop_cap} · "
            f"food {self.food:.0f} wood {self.wood:.0f} gold {self.gold:.0f} "
            f"stone {self.stone:.0f}{queued}{aging}"
        )

    def can_afford(self, cost: dict[str, float]) -> bool:
        return all(getattr(self, res) >= amount for res, amount in cost.items())

    def pay(self, cost: dict[str, float]) -> World:
        changes = {res: getattr(self, res) - amount for res, amount in cost.items()}
        return replace(self, **changes)


def tick(world: World, rng: random.Random) -> World:
    """One turn passes: villagers gather, the queue and the age-up countdown advance."""
    gathered = {
        res: getattr(world, res)
        + world.population * share * GATHER_RATE[res] * rng.uniform(0.8, 1.2)
        for res, share in zip(RESOURCES, world.split, strict=True)
    }
    queue = list(world.villager_queue)
    population = world.population
    if queue:
        queue[0] -= 1
        if queue[0] <= 0 and population < world.pop_cap:
            queue.pop(0)
            population += 1
        else:
            queue[0] = max(queue[0], 0)
    age, countdown = world.age, world.age_up_ticks_remaining
    if countdown:
        countdown -= 1
        if countdown == 0:
            age += 1
    return replace(
        world,
        **gathered,
        population=population,
        villager_queue=tuple(queue),
        age=age,
        age_up_ticks_remaining=countdown,
        turn=world.turn + 1,
    )


AGE_UP_KEY = "z"
"""The hotkey that researches the next age at the town center (the arena's ``press``)."""
NO_OPS = ("click", "right_click", "drag", "wait", "scroll", "detect")
"""The arena's input primitives that do not change the economy by themselves."""


def apply(world: World, action: dict[str, Any]) -> tuple[World, bool]:
    """Carry out one action; the flag says whether the state changed (else a no-op).

    The arena's vocabulary: ``queue_villager``, ``build`` (``building_key``), ``press`` (key
    ``z`` ages up) and the no-op primitives ``NO_OPS``; anything else is a no-op too."""
    kind = action.get("type")
    if kind == "queue_villager":
        if len(world.villager_queue) >= MAX_QUEUE or world.food < VILLAGER_COST:
            return world, False
        queue = (*world.villager_queue, VILLAGER_TICKS)
        return replace(world, food=world.food - VILLAGER_COST, villager_queue=queue), True
    if kind == "build":
        building = str(action.get("building_key"))
        cost = BUILD_COST.get(building)
        if cost is None or not world.can_afford(cost) or len(world.buildings) >= MAX_BUILDINGS:
            return world, False
        paid = world.pay(cost)
        cap = min(MAX_POP, world.pop_cap + 5) if building == "house" else world.pop_cap
        split = _SPLIT_AFTER.get(building, world.split)
        built = (*world.buildings, building)
        return replace(paid, buildings=built, pop_cap=cap, split=split), True
    if kind == "press" and action.get("key") == AGE_UP_KEY:
        if world.age >= len(AGE_UP_COST) or world.age_up_ticks_remaining:
            return world, False
        cost = AGE_UP_COST[world.age]
        if not world.can_afford(cost):
            return world, False
        return replace(world.pay(cost), age_up_ticks_remaining=AGE_UP_TICKS), True
    return world, False


_SPLIT_AFTER: dict[str, tuple[float, float, float, float]] = {
    "mining_camp": (0.45, 0.3, 0.25, 0.0),
    "mill": (0.55, 0.3, 0.15, 0.0),
    "castle": (0.4, 0.25, 0.25, 0.1),
}
"""Villagers move to the new drop site: the share per resource after such a building."""


def choose_actions(world: World, rng: random.Random) -> list[dict[str, Any]]:
    """What a sensible (if unimaginative) player asks for this turn: 1 to 4 actions."""
    actions: list[dict[str, Any]] = []
    if world.population + len(world.villager_queue) + 2 >= world.pop_cap:
        actions.append({"type": "build", "building_key": "house"})
    for _ in range(2 - min(2, len(world.villager_queue))):
        if rng.random() < 0.7:
            actions.append({"type": "queue_villager"})
    if world.age < len(AGE_UP_COST) and world.population >= 10 + 6 * world.age:
        actions.append({"type": "press", "key": AGE_UP_KEY})
    elif rng.random() < 0.3:
        building = rng.choice(list(BUILD_COST)[1 : 5 + 2 * world.age])
        actions.append({"type": "build", "building_key": building})
    if rng.random() < 0.35 or not actions:
        actions.append(_primitive(rng))
    return actions[:4]


def _primitive(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(NO_OPS)
    x, y = rng.randint(0, 1919), rng.randint(0, 1079)
    if kind in ("click", "right_click"):
        return {"type": kind, "x": x, "y": y}
    if kind == "drag":
        return {
            "type": kind,
            "x1": x,
            "y1": y,
            "x2": rng.randint(0, 1919),
            "y2": rng.randint(0, 1079),
        }
    if kind == "wait":
        return {"type": kind, "seconds": round(rng.uniform(0.5, 3.0), 1)}
    if kind == "scroll":
        return {"type": kind, "dy": rng.choice((-3, -1, 1, 3))}
    return {"type": kind, "target": rng.choice(("town_center", "idle_villager", "sheep", "gold"))}


MUTATIONS: tuple[tuple[str, str, float], ...] = (
    ("wolf pack took the sheep", "food", 0.7),
    ("forest fire near the lumber camp", "wood", 0.6),
    ("trade caravan arrived", "gold", 1.5),
    ("quarry collapsed", "stone", 0.5),
    ("bountiful harvest", "food", 1.4),
)


def mutate(world: World, rng: random.Random) -> tuple[World, str]:
    """An outside event hits the world (a ``world_mutation``); returns the new world and why."""
    reason, resource, factor = rng.choice(MUTATIONS)
    return replace(world, **{resource: getattr(world, resource) * factor}), reason
