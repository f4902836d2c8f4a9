"""One line per event, per kind, as the arena dashboard shows it (see wire-format.md).

``summarize`` never raises: a payload whose fields have the wrong types (or an unknown kind)
falls back to its compact JSON, and a broken entry (``Envelope.problems``) says what is wrong
first. The result is already passed through ``safe_text``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from arena_tui.broker.models import Envelope
from arena_tui.model.text import clip, safe_text
from arena_tui.model.words import plural

SUMMARY_LIMIT = 400


def short_id(value: str, n: int = 8) -> str:
    """The first ``n`` characters of an id, with an ellipsis when it was longer; safe."""
    return safe_text(value if len(value) <= n else value[:n] + "…")


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def number(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _turn_start(p: Mapping[str, Any], t: int) -> str:
    text = f"turn {p.get('turn_num', t)}"
    state = p.get("state")
    if isinstance(state, Mapping):
        age, pop, cap = state.get("age"), state.get("population"), state.get("pop_cap")
        if age:
            text += f" · {age}"
        if pop is not None:
            text += f" · pop {pop}/{cap}" if cap is not None else f" · pop {pop}"
    if p.get("profile_name"):
        text += f" · {p['profile_name']}"
    return text


def _observation(p: Mapping[str, Any], t: int) -> str:
    text = plural(int(p["entity_count"]), "entity").replace("entitys", "entities")
    classes = p.get("classes")
    if isinstance(classes, list) and classes:
        text += " · " + ", ".join(str(c) for c in classes[:6])
        if len(classes) > 6:
            text += ", …"
    return text


def _llm_response(p: Mapping[str, Any], t: int) -> str:
    actions = p.get("actions") or []
    cost = float(p.get("cost_usd", 0.0))
    return f"{plural(len(actions), 'action')} · ${cost:.5f}"


def _action_result(p: Mapping[str, Any], t: int) -> str:
    text = str(p["action_type"])
    return text if p.get("state_changed", True) else f"{text} (no-op)"


def _fork(p: Mapping[str, Any], t: int) -> str:
    return f"from {str(p['parent_run_id'])[:8]}@{p['parent_t']}"


_SUMMARIES: dict[str, Callable[[Mapping[str, Any], int], str]] = {
    "turn_start": _turn_start,
    "observation": _observation,
    "llm_prompt": lambda p, t: str(p["state_summary"]),
    "llm_response": _llm_response,
    "action": lambda p, t: compact(p["action"]),
    "action_result": _action_result,
    "world_mutation": lambda p, t: str(p["reason"]),
    "fork": _fork,
    "metric": lambda p, t: f"{p['name']} = {number(p['value'])}",
}


def raw_payload(payload: Mapping[str, Any]) -> str:
    return compact({k: v for k, v in payload.items() if k != "kind"})


def summarize(envelope: Envelope, limit: int = SUMMARY_LIMIT) -> str:
    """The one-line summary of an event, safe for the terminal and at most ``limit`` chars."""
    event = envelope.event
    if envelope.problems:
        raw = envelope.raw or {}
        detail = raw.get("p", "") or compact(raw)
        text = f"⚠ {envelope.problems[0]} · {detail}"
        return clip(safe_text(text[: limit * 2]), limit)
    fn = _SUMMARIES.get(event.kind)
    try:
        text = fn(event.payload, event.t) if fn else raw_payload(event.payload)
    except (KeyError, TypeError, ValueError, AttributeError):
        text = raw_payload(event.payload)
    # Cut before escaping so a 10 MB payload costs what a short one does.
    return clip(safe_text(text[: limit * 2]), limit)
