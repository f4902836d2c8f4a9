"""The world panel's lines, from the newest ``turn_start`` snapshot of the open run.

The snapshot comes from an agent; any field may be missing or of the wrong type, so each line
is built only from what is there, through ``safe_text``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from arena_tui.broker.models import Envelope
from arena_tui.model.summary import short_id
from arena_tui.model.text import clip, safe_text

RESOURCES = ("food", "wood", "gold", "stone")


def world_lines(envelope: Envelope | None, width: int = 40) -> list[str]:
    """Short lines describing the world: turn and age, resources, population, buildings."""
    if envelope is None:
        return ["no world state yet"]
    payload = envelope.event.payload
    state = payload.get("state")
    turn = payload.get("turn_num", envelope.event.t)
    if not isinstance(state, Mapping):
        return [f"turn {_show(turn)} · no world snapshot"]
    head = f"turn {_show(turn)}"
    if state.get("age") is not None:
        head += f" · {_show(state['age'])}"
    if envelope.event.agent_id:
        head += f" · {short_id(envelope.event.agent_id, 4)}"
    lines = [head]
    resources = [f"{name} {_amount(state[name])}" for name in RESOURCES if name in state]
    for pair in (resources[:2], resources[2:]):
        if pair:
            lines.append("  ".join(pair))
    if "population" in state:
        pop = f"pop {_show(state['population'])}"
        if "pop_cap" in state:
            pop += f"/{_show(state['pop_cap'])}"
        queue = state.get("villager_queue")
        if isinstance(queue, list) and queue:
            pop += f" · queue {len(queue)}"
        lines.append(pop)
    buildings = state.get("buildings")
    if isinstance(buildings, list):
        counts = Counter(_show(b) for b in buildings)
        text = ", ".join(f"{name}×{n}" if n > 1 else name for name, n in counts.items())
        lines.append(f"buildings: {text or 'none'}")
    return [clip(line, width) for line in lines]


def _amount(value: Any) -> str:
    """``812``, ``4,641``, ``15.4k``, ``2.1M``: short enough for four on one line."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _show(value)
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 10_000:
        return f"{value / 1_000:.1f}k"
    return f"{value:,.0f}"


def _show(value: Any) -> str:
    return safe_text(str(value))[:80]
