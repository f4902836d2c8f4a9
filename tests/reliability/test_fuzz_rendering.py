"""Fuzz: whatever an agent puts in an entry, every text we derive from it is terminal-safe.

Arbitrary JSON payloads under every kind (known ones too, so the per-kind summaries meet wrong
types), and arbitrary raw fields through the codec, go through everything that renders an
event: ``summarize``, the detail pane's ``payload_text`` and ``facts``, the CLI's ``event_line``
and the ``tail --jsonl`` record. None may raise, and none may contain a character a terminal
would act on (``payload_text`` keeps plain line feeds; JSON records are ASCII-only).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from arena_tui.broker.codec import FIELD_ORDER, decode_entry, encode_event
from arena_tui.broker.models import Envelope, Event
from arena_tui.headless.output import event_line
from arena_tui.model.detail import facts, payload_text
from arena_tui.model.records import dumps_record, event_record
from arena_tui.model.summary import summarize
from arena_tui.model.text import is_safe

KINDS = [
    "turn_start", "observation", "llm_prompt", "llm_response", "action", "action_result",
    "world_mutation", "fork", "metric",
]  # fmt: skip
NASTY = st.sampled_from(
    [
        "\x1b]52;c;aGk=\x07",
        "\x1b[2J",
        "\x1b]0;t\x07",
        "[red]",
        "[link=x]y[/link]",
        "\u202e",
        "\u200b",
        "\r",
        "\x08",
        "\x9b",
        "\ud800",
        "\x00",
        "\x7f",
    ]
)
TEXT = st.text(max_size=40) | NASTY | st.builds(lambda a, b: a + b, st.text(max_size=8), NASTY)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)


def assert_rendered_safely(envelope: Envelope) -> None:
    assert is_safe(summarize(envelope))
    assert is_safe(event_line(envelope))
    for label, value in facts(envelope, None, None, UTC):
        assert is_safe(label)
        assert is_safe(value)
    for line in payload_text(envelope).split("\n"):
        assert is_safe(line)
    line = dumps_record(event_record(envelope))
    assert line.isascii()
    assert is_safe(line)
    json.loads(line)


@settings(max_examples=300)
@given(
    kind=st.sampled_from(KINDS) | TEXT,
    payload=st.dictionaries(TEXT, JSON, max_size=6),
    agent=TEXT,
    t=st.integers(min_value=-(2**63), max_value=2**63),
)
def test_any_payload_under_any_kind_renders_safely(
    kind: str, payload: dict[str, Any], agent: str, t: int
) -> None:
    event = Event("r1", agent, t, kind, payload, datetime(2026, 6, 7, tzinfo=UTC))
    assert_rendered_safely(Envelope(seq=1, event=event))


@settings(max_examples=300)
@given(
    raw_id=st.binary(max_size=24) | st.sampled_from([b"1-0", b"7-3", b"1717171717171-0"]),
    fields=st.dictionaries(
        st.sampled_from(FIELD_ORDER) | st.binary(max_size=4),
        st.binary(max_size=64)
        | st.sampled_from([b"{}", b"null", b"[1]", b"1e999", b"\xc3(", b"\x1b]52;c;x\x07"]),
        max_size=9,
    ),
)
def test_any_raw_entry_decodes_and_renders_safely(
    raw_id: bytes, fields: dict[bytes, bytes]
) -> None:
    assert_rendered_safely(decode_entry(raw_id, fields))


@given(payload=st.dictionaries(TEXT, JSON, max_size=6), kind=st.sampled_from(KINDS))
def test_encode_decode_round_trip_keeps_any_json_payload(
    payload: dict[str, Any], kind: str
) -> None:
    event = Event("r1", "a", 1, kind, {**payload, "kind": kind}, datetime(2026, 6, 7, tzinfo=UTC))
    try:
        fields = encode_event(event)
    except (ValueError, UnicodeEncodeError):
        return  # NaN or a lone surrogate: not JSON a producer can write
    decoded = decode_entry(b"1-0", fields)
    assert decoded.problems == ()  # our own encoding of a JSON-able payload is always clean
    assert decoded.event.kind == kind
    assert decoded.event.payload == json.loads(fields[b"p"])
