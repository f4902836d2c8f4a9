"""safe_text and summarize: what reaches the terminal from an event, per kind and when hostile."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arena_tui.broker.codec import decode_entry, encode_event
from arena_tui.broker.models import Envelope, Event
from arena_tui.model.summary import short_id, summarize
from arena_tui.model.text import clip, is_safe, safe_text
from tests.support.events import envelope

TS = datetime(2026, 5, 21, 12, 0, tzinfo=UTC)


def env(kind: str, payload: dict[str, Any]) -> Envelope:
    """Event 1 of turn 3 from agent ``9c1e9c1e…`` (the summaries name both)."""
    return envelope(kind=kind, payload=payload, t=3, agent="9c1e" * 8, ts=TS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain [red]markup[/red] stays", "plain [red]markup[/red] stays"),
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("\x1b]52;c;aGVsbG8=\x07", "\\x1b]52;c;aGVsbG8=\\x07"),
        ("\x1b]0;pwned\x1b\\", "\\x1b]0;pwned\\x1b\\"),
        ("over\rwrite", "over\\rwrite"),
        ("back\x08space", "back\\x08space"),
        ("tab\there", "tab\\there"),
        ("line\nbreak", "line\\nbreak"),
        ("\u202eevil\u202c", "\\u202eevil\\u202c"),
        ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
        ("c1 \x9b31m", "c1 \\x9b31m"),
        ("emoji 🏰 and ü stay", "emoji 🏰 and ü stay"),
    ],
)
def test_safe_text_escapes_what_a_terminal_would_act_on(text: str, expected: str) -> None:
    assert safe_text(text) == expected


def test_keep_newlines_keeps_only_line_feeds() -> None:
    assert safe_text("a\nb\r\n\x1b", keep_newlines=True) == "a\nb\\r\n\\x1b"


@given(st.text())
def test_safe_text_output_is_always_safe(text: str) -> None:
    assert is_safe(safe_text(text))


def test_clip() -> None:
    assert clip("abcdef", 4) == "abc…"
    assert clip("abc", 4) == "abc"


STATE = {"age": "Feudal Age", "population": 23, "pop_cap": 30, "food": 200.0}


@pytest.mark.parametrize(
    ("kind", "payload", "expected"),
    [
        ("turn_start", {"turn_num": 41, "state": None, "profile_name": None}, "turn 41"),
        ("turn_start", {"turn_num": 41, "state": STATE}, "turn 41 · Feudal Age · pop 23/30"),
        ("observation", {"entity_count": 12, "classes": []}, "12 entities"),
        ("observation", {"entity_count": 1, "classes": ["villager"]}, "1 entity · villager"),
        ("llm_prompt", {"state_summary": "food 200, wood 150"}, "food 200, wood 150"),
        (
            "llm_response",
            {"actions": [{}, {}, {}], "reasoning": "", "cost_usd": 0.00123},
            "3 actions · $0.00123",
        ),
        (
            "llm_response",
            {"actions": [{}], "reasoning": "", "cost_usd": 0.0},
            "1 action · $0.00000",
        ),
        (
            "action",
            {"index_in_turn": 0, "action": {"type": "build", "what": "house"}},
            '{"type":"build","what":"house"}',
        ),
        (
            "action_result",
            {"index_in_turn": 0, "action_type": "build", "state_changed": True},
            "build",
        ),
        (
            "action_result",
            {"index_in_turn": 0, "action_type": "build", "state_changed": False},
            "build (no-op)",
        ),
        (
            "world_mutation",
            {"before_summary": "", "after_summary": "", "reason": "famine"},
            "famine",
        ),
        (
            "fork",
            {"parent_run_id": "3f2a9c1e" * 4, "parent_t": 12, "mutation_summary": "x"},
            "from 3f2a9c1e@12",
        ),
        ("metric", {"name": "cost_usd", "value": 0.0012}, "cost_usd = 0.0012"),
        ("brand_new_kind", {"x": 1}, '{"x":1}'),
        ("metric", {"name": "cost_usd"}, '{"name":"cost_usd"}'),
        ("observation", {"entity_count": "many"}, '{"entity_count":"many"}'),
    ],
)
def test_summary_per_kind(kind: str, payload: dict[str, Any], expected: str) -> None:
    assert summarize(env(kind, {"kind": kind, **payload})) == expected


def test_summary_of_hostile_payload_is_literal_and_safe() -> None:
    hostile = "[link=http://x]click[/link] \x1b]52;c;aGk=\x07 \x1b[2J\u202e"
    text = summarize(env("llm_prompt", {"kind": "llm_prompt", "state_summary": hostile}))
    assert "[link=http://x]click[/link]" in text
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "\u202e" not in text
    assert is_safe(text)


def test_summary_of_huge_payload_is_clipped_cheaply() -> None:
    text = summarize(env("llm_prompt", {"kind": "llm_prompt", "state_summary": "x" * 10_000_000}))
    assert len(text) <= 400
    assert text.endswith("…")


def test_summary_of_broken_entry_says_what_is_wrong() -> None:
    fields = encode_event(Event("r1", "a", 1, "metric", {"name": "n", "value": 1.0}, TS))
    fields[b"p"] = b'{"kind": "metric", "name": '
    text = summarize(decode_entry(b"5-0", fields))
    assert text.startswith("⚠ payload is not valid JSON")


def test_short_id() -> None:
    assert short_id("9c1e" * 8) == "9c1e9c1e…"
    assert short_id("r1") == "r1"
    assert short_id("\x1b[2J") == "\\x1b[2J"
