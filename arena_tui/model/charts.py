"""The series behind a run's charts: the world over turns, what it cost, when it was busy.

``ChartData`` folds events in, like the kind ``Tally``: a background scan hands it the retained
history below ``live_from`` (``add_history``) and the live tail everything from there on
(``add``), each seq counted once. What it keeps is small beside the events (one point per agent
and turn, one count per second of the run, one span per stretch of consecutive seqs), in blocks,
so a batch costs O(batch + blocks), not a copy of everything seen.

* **world**: per agent, the resources and population of each ``turn_start`` state;
* **cost**: per agent and turn, the ``metric`` ``cost_usd`` when the turn has one, else the sum
  of its ``llm_response`` ``cost_usd`` (the arena sends both for the same call: counting both
  would double it);
* **activity**: events per second across the run; the seqs before the first one read (trimmed
  by the broker) and holes in the seq sequence are kept as ``Gap`` values with the times they
  cover, so the chart can draw them where they were (the types and the binning are
  ``model.chart_activity``'s).

The series methods turn the data into what a chart of a given width draws; they are pure and
know nothing of any plotting library.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType
from typing import Any, TypeVar

from arena_tui.broker.models import Envelope, Seq
from arena_tui.model.chart_activity import (
    ActivitySeries,
    Gap,
    Second,
    Span,
    bins,
    merge_spans,
)
from arena_tui.model.world import RESOURCES

T = TypeVar("T")

BLOCK = 64
"""Turns (per agent) or seconds per block."""
WORLD_FIELDS = (*RESOURCES, "population")
COST_METRIC = "cost_usd"

_EMPTY: Mapping[Any, Any] = MappingProxyType({})


def _empty() -> Mapping[Any, Any]:
    return _EMPTY


@dataclass(frozen=True, slots=True)
class WorldPoint:
    turn: int
    values: tuple[float | None, ...]
    """One value per ``WORLD_FIELDS`` name; None where the state lacks it."""


@dataclass(frozen=True, slots=True)
class TurnCost:
    metric: float | None = None
    response: float = 0.0

    @property
    def value(self) -> float:
        return self.metric if self.metric is not None else self.response


@dataclass(frozen=True, slots=True)
class ChartData:
    world: Mapping[tuple[str, int], Mapping[int, WorldPoint]] = field(default_factory=_empty)
    costs: Mapping[tuple[str, int], Mapping[int, TurnCost]] = field(default_factory=_empty)
    seconds: Mapping[int, Mapping[int, Second]] = field(default_factory=_empty)
    spans: tuple[Span, ...] = ()
    live_from: Seq = 1
    counted_to: Seq = 0
    scanned_to: Seq = 0
    """The highest seq the history scan has covered."""
    complete: bool = False
    started_at: float | None = None
    """When the run started (its ``:open`` sentinel), if known: where the trimmed head begins."""

    @classmethod
    def start(cls, live_from: Seq, started_at: datetime | None = None) -> ChartData:
        return cls(
            live_from=live_from,
            counted_to=live_from - 1,
            started_at=started_at.timestamp() if started_at else None,
        )

    def add(self, envelopes: Sequence[Envelope]) -> ChartData:
        """Fold in live ``envelopes`` (ascending seqs); seqs already counted are skipped."""
        fresh = [e for e in envelopes if e.seq > self.counted_to]
        if not fresh:
            return self
        return replace(self._fold(fresh), counted_to=fresh[-1].seq)

    def add_history(
        self, envelopes: Sequence[Envelope], covered_to: Seq | None = None
    ) -> ChartData:
        """Fold in what the scan read (only seqs below ``live_from`` it has not covered yet); it
        has now covered the seqs up to ``covered_to`` (default: the last envelope's)."""
        older = [e for e in envelopes if self.scanned_to < e.seq < self.live_from]
        covered = covered_to if covered_to is not None else (envelopes[-1].seq if envelopes else 0)
        data = self._fold(older) if older else self
        return replace(data, scanned_to=max(self.scanned_to, min(covered, self.live_from - 1)))

    def done(self) -> ChartData:
        return replace(self, complete=True, scanned_to=self.live_from - 1)

    @property
    def progress(self) -> float:
        """How much of the history below ``live_from`` the scan has covered (0..1)."""
        if self.complete or self.live_from <= 1:
            return 1.0
        return min(1.0, self.scanned_to / (self.live_from - 1))

    def _fold(self, envelopes: Iterable[Envelope]) -> ChartData:
        world: dict[tuple[str, int], dict[int, WorldPoint]] = {}
        costs: dict[tuple[str, int], dict[int, TurnCost]] = {}
        seconds: dict[int, dict[int, Second]] = {}
        batch: list[Span] = []
        for envelope in envelopes:
            event = envelope.event
            ts = event.ts.timestamp() if event.ts is not None else None
            if batch and batch[-1].last_seq + 1 == envelope.seq:
                last = batch[-1]
                batch[-1] = replace(
                    last, last_seq=envelope.seq, last_ts=ts if ts is not None else last.last_ts
                )
            else:
                batch.append(Span(envelope.seq, envelope.seq, ts, ts))
            if ts is not None:
                second = math.floor(ts)
                block = _block(seconds, self.seconds, second // BLOCK)
                seen = block.get(second)
                block[second] = (
                    Second(seen.count + 1, min(seen.first_seq, envelope.seq))
                    if seen
                    else Second(1, envelope.seq)
                )
            if event.kind == "turn_start":
                point = _world_point(event.payload, event.t)
                if point is not None:
                    key = (event.agent_id, point.turn // BLOCK)
                    _block(world, self.world, key)[point.turn] = point
            elif event.kind in ("llm_response", "metric"):
                amount = _cost(event.kind, event.payload)
                if amount is not None:
                    turns = _block(costs, self.costs, (event.agent_id, event.t // BLOCK))
                    was = turns.get(event.t, TurnCost())
                    turns[event.t] = (
                        TurnCost((was.metric or 0.0) + amount, was.response)
                        if event.kind == "metric"
                        else TurnCost(was.metric, was.response + amount)
                    )
        return replace(
            self,
            world=MappingProxyType({**self.world, **_frozen(world)}),
            costs=MappingProxyType({**self.costs, **_frozen(costs)}),
            seconds=MappingProxyType({**self.seconds, **_frozen(seconds)}),
            spans=merge_spans(self.spans, batch),
        )

    # --- reading -------------------------------------------------------------------------

    def agents(self) -> list[str]:
        """Agents with world points, the one with the most turns first (ties by id)."""
        turns: dict[str, int] = {}
        for (agent, _block_no), points in self.world.items():
            turns[agent] = turns.get(agent, 0) + len(points)
        return sorted(turns, key=lambda agent: (-turns[agent], agent))

    def world_series(self, agent: str) -> list[WorldPoint]:
        points = [p for (a, _b), block in self.world.items() if a == agent for p in block.values()]
        return sorted(points, key=lambda point: point.turn)

    def cost_series(self) -> CostSeries:
        """Cost per turn number (every agent's turn of that number) and the running total."""
        per_turn: dict[int, float] = {}
        for block in self.costs.values():
            for turn, cost in block.items():
                per_turn[turn] = per_turn.get(turn, 0.0) + cost.value
        turns = sorted(per_turn)
        running = 0.0
        cumulative: list[float] = []
        for turn in turns:
            running += per_turn[turn]
            cumulative.append(running)
        return CostSeries(tuple(turns), tuple(per_turn[t] for t in turns), tuple(cumulative))

    def gaps(self) -> list[Gap]:
        """The trimmed head (seqs before the first one read) and the holes between spans.

        Only what is known: the head once the scan has read something (or finished), a hole
        once the scan (or the live tail) has been past both of its ends.
        """
        if not self.spans:
            return []
        found: list[Gap] = []
        first = self.spans[0]
        if first.first_seq > 1 and (self.complete or self.scanned_to > 0 or self.live_from <= 1):
            found.append(Gap(1, first.first_seq - 1, self.started_at, first.first_ts, True))
        for before, after in zip(self.spans, self.spans[1:], strict=False):
            known = (
                self.complete
                or after.first_seq <= self.scanned_to + 1
                or before.last_seq >= self.live_from
            )
            if known:
                found.append(
                    Gap(
                        before.last_seq + 1,
                        after.first_seq - 1,
                        before.last_ts,
                        after.first_ts,
                        False,
                    )
                )
        return found

    def activity(self, buckets: int) -> ActivitySeries:
        """Events/s in ``buckets`` equal stretches of time, each knowing its first seq and
        whether it lies in a gap (``chart_activity.bins``)."""
        return bins(self.seconds, self.gaps(), self.started_at, buckets)


@dataclass(frozen=True, slots=True)
class CostSeries:
    turns: tuple[int, ...]
    per_turn: tuple[float, ...]
    cumulative: tuple[float, ...]


def thin(points: Sequence[T], most: int) -> list[T]:
    """At most ``most`` of ``points``, evenly spaced, the last one always kept: a chart cannot
    show more points than it has dots across, and drawing them all costs time."""
    if len(points) <= most:
        return list(points)
    step = len(points) / most
    return [*(points[int(index * step)] for index in range(most - 1)), points[-1]]


def _block(made: dict[Any, dict[int, Any]], old: Mapping[Any, Mapping[int, Any]], key: Any) -> Any:
    block = made.get(key)
    if block is None:
        block = made[key] = dict(old.get(key, _EMPTY))
    return block


def _frozen(blocks: dict[Any, dict[int, Any]]) -> dict[Any, Mapping[int, Any]]:
    return {key: MappingProxyType(block) for key, block in blocks.items()}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _world_point(payload: Mapping[str, Any], t: int) -> WorldPoint | None:
    state = payload.get("state")
    if not isinstance(state, Mapping):
        return None
    turn = payload.get("turn_num", t)
    if isinstance(turn, bool) or not isinstance(turn, int):
        turn = t
    values = tuple(_number(state.get(name)) for name in WORLD_FIELDS)
    return WorldPoint(turn, values) if any(v is not None for v in values) else None


def _cost(kind: str, payload: Mapping[str, Any]) -> float | None:
    if kind == "metric":
        return _number(payload.get("value")) if payload.get("name") == COST_METRIC else None
    return _number(payload.get(COST_METRIC))
