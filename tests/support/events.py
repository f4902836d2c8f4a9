"""The one event factory of the suite: ``event()`` and ``envelope()``, and the runs built on them.

Every event a test makes comes from ``event()`` (an ``Event`` with fixed defaults: run ``r1``,
one agent, turn 1, a ``metric``, stamped ``T0``) or ``envelope()`` (the same with a seq, as read
back). The shapes the layers need are named builders on top of it:

- ``counted(run_id, i)``: event number ``i`` of a run, four per turn, its ``i`` in the payload
  (broker contract and reliability tests; ``ts=None`` lets the broker stamp it now);
- ``turn_loop(run_id, seq)``: event ``seq`` of the synthetic arena loop (turn_start, llm_prompt,
  llm_response, action, metric), five per turn with a real world state (the UI tests);
- ``numbered(seq)``: the model tests' envelope ``seq``, four per turn, the first a turn_start.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from arena_tui.broker.models import Envelope, Event

RUN = "r1"
AGENT = "9c1e5f0a" * 4
T0 = datetime(2026, 6, 7, 12, 0, tzinfo=UTC)
_UNSET: Any = object()


def event(
    run_id: str = RUN,
    *,
    kind: str = "metric",
    t: int = 1,
    agent: str = AGENT,
    payload: Mapping[str, Any] | None = None,
    ts: datetime | None = _UNSET,
) -> Event:
    """An ``Event`` with the suite's defaults; ``ts=None`` is an event the broker stamps."""
    return Event(run_id, agent, t, kind, dict(payload or {}), T0 if ts is _UNSET else ts)


def envelope(seq: int = 1, **fields: Any) -> Envelope:
    """``event(**fields)`` read back at ``seq``."""
    return Envelope(seq=seq, event=event(**fields))


def counted(run_id: str, i: int, *, kind: str = "metric", ts: datetime | None = None) -> Event:
    """Event number ``i`` (from 0) of a run: four per turn, ``i / 1000`` its payload's value.

    Unstamped by default (the broker stamps it now; staleness is judged from ``ts``)."""
    return event(
        run_id,
        kind=kind,
        t=1 + i // 4,
        agent="9c1e" if kind != "fork" else "",
        payload={"name": "cost_usd", "value": i / 1000, "note": "ünïcode ✓"},
        ts=ts,
    )


def turn_loop(run_id: str, seq: int, *, at: datetime = T0, **overrides: Any) -> Event:
    """Event ``seq`` of a synthetic loop: turn_start, llm_prompt, llm_response, action, metric.

    Stamped 250 ms apart from ``at``; ``overrides`` replace ``kind``, ``payload``, ``agent``...
    """
    turn = (seq - 1) // 5 + 1
    step = (seq - 1) % 5
    kinds: list[tuple[str, dict[str, Any]]] = [
        (
            "turn_start",
            {
                "turn_num": turn,
                "state": {
                    "food": 200.0 + turn,
                    "wood": 150.0,
                    "gold": 0.0,
                    "stone": 0.0,
                    "population": 5 + turn,
                    "pop_cap": 20,
                    "age": "Dark Age",
                    "buildings": ["town_center", "house", "house"],
                    "villager_queue": [1],
                },
                "profile_name": "balanced",
            },
        ),
        ("llm_prompt", {"state_summary": f"Turn {turn} · Dark Age · pop {5 + turn}/20"}),
        (
            "llm_response",
            {"actions": [{"type": "build"}], "reasoning": "houses first", "cost_usd": 0.00123},
        ),
        ("action", {"index_in_turn": 0, "action": {"type": "build", "building": "house"}}),
        ("metric", {"name": "cost_usd", "value": 0.00123}),
    ]
    kind, payload = kinds[step]
    fields: dict[str, Any] = {
        "kind": kind,
        "t": turn,
        "payload": payload,
        "ts": at + timedelta(milliseconds=250 * seq),
    }
    fields.update(overrides)
    return event(run_id, **fields)


EVENTS_PER_TURN = 4


def numbered(
    seq: int, *, t: int | None = None, kind: str | None = None, **payload: Any
) -> Envelope:
    """Envelope ``seq`` of run ``r1`` with one agent, four events per turn, the first a
    turn_start, stamped 100 ms apart from ``T0``."""
    turn = t if t is not None else (seq - 1) // EVENTS_PER_TURN + 1
    if kind is None:
        kind = "turn_start" if (seq - 1) % EVENTS_PER_TURN == 0 else "action"
    ts = T0 + timedelta(milliseconds=100 * seq)
    return envelope(seq, agent="a" * 32, t=turn, kind=kind, payload=payload, ts=ts)


def numbered_all(seqs: Iterable[int]) -> list[Envelope]:
    return [numbered(s) for s in seqs]
