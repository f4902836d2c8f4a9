"""The wire codec: exact round trips for every kind, and decoding that never raises."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arena_tui.broker import KNOWN_KINDS, Event, RunMeta
from arena_tui.broker.codec import (
    FIELD_ORDER,
    decode_entry,
    decode_meta,
    encode_event,
    encode_meta,
    entry_id,
)

TS = datetime(2026, 5, 21, 12, 0, 0, 123456, tzinfo=UTC)
NOON = datetime(2026, 6, 7, 12, 0, tzinfo=UTC)

PAYLOADS: dict[str, dict[str, object]] = {
    "turn_start": {
        "turn_num": 3,
        "state": {
            "food": 200.0,
            "wood": 150.5,
            "population": 5,
            "age": "Dark Age",
            "buildings": ["town_center"],
            "villager_queue": [1, 2],
        },
        "profile_name": None,
    },
    "observation": {"entity_count": 12, "classes": ["villager", "house"]},
    "llm_prompt": {"state_summary": "food 200 · wood 150 — «dark age»"},
    "llm_response": {"actions": [{"type": "build"}], "reasoning": "grow", "cost_usd": 0.00123},
    "action": {"index_in_turn": 1, "action": {"type": "train", "unit": "villager"}},
    "action_result": {"index_in_turn": 1, "action_type": "train", "state_changed": False},
    "world_mutation": {"before_summary": "a", "after_summary": "b", "reason": "drought"},
    "fork": {"parent_run_id": "3f2a9c1e" * 4, "parent_t": 7, "mutation_summary": "drought"},
    "metric": {"name": "cost_usd", "value": 1e-05},
}


def clean_fields(**override: bytes) -> dict[bytes, bytes]:
    fields = encode_event(Event("r1", "a1", 4, "metric", PAYLOADS["metric"], TS))
    for name, value in override.items():
        fields[name.encode()] = value
    return fields


@pytest.mark.parametrize("kind", KNOWN_KINDS)
def test_round_trip_every_kind(kind: str) -> None:
    agent = "" if kind in ("fork", "world_mutation") else "9c1e" * 8
    event = Event("run-1", agent, 41, kind, PAYLOADS[kind], TS)
    fields = encode_event(event)
    assert tuple(fields) == FIELD_ORDER
    assert fields[b"k"] == kind.encode()
    assert (
        fields[b"p"]
        == json.dumps(
            {"kind": kind, **PAYLOADS[kind]}, separators=(",", ":"), ensure_ascii=False
        ).encode()
    )
    envelope = decode_entry(entry_id(17), fields)
    assert envelope.seq == 17
    assert envelope.problems == ()
    assert envelope.raw is None
    assert envelope.event == Event("run-1", agent, 41, kind, {"kind": kind, **PAYLOADS[kind]}, TS)


@pytest.mark.parametrize(
    ("ts", "wire"),
    [
        (TS, b"2026-05-21T12:00:00.123456+00:00"),
        (TS.replace(microsecond=0), b"2026-05-21T12:00:00+00:00"),
        (TS.astimezone(timezone(timedelta(hours=2))), b"2026-05-21T12:00:00.123456+00:00"),
    ],
)
def test_timestamps_are_utc_isoformat(ts: datetime, wire: bytes) -> None:
    assert encode_event(Event("r", "a", 1, "metric", {}, ts))[b"ts"] == wire


@pytest.mark.parametrize(
    ("raw_id", "fields", "problem"),
    [
        (b"1-0", clean_fields(k=b"brand_new", p=b'{"kind":"brand_new","x":1}'), None),
        (b"1-0", {b"r": b"r1"}, "missing field 'a'"),
        (b"1-0", clean_fields(p=b"{not json"), "payload is not valid JSON"),
        (b"1-0", clean_fields(p=b"[1,2]"), "payload is JSON list"),
        (b"1-0", clean_fields(a=b"\xff\xfe"), "field 'a' is not valid UTF-8"),
        (b"1-0", clean_fields(t=b"forty"), "turn 'forty' is not a number"),
        (b"1-0", clean_fields(ts=b"yesterday"), "timestamp 'yesterday' is not ISO 8601"),
        (b"1-0", clean_fields(v=b"x"), "schema version 'x' is not a number"),
        (b"1-0", clean_fields(k=b"action"), "differs from payload kind"),
        (b"1700000000000-3", clean_fields(), "not <seq>-0"),
        (b"garbage", clean_fields(), "not <seq>-0"),
    ],
)
def test_decoding_tolerates_and_records_problems(
    raw_id: bytes, fields: dict[bytes, bytes], problem: str | None
) -> None:
    envelope = decode_entry(raw_id, fields)
    if problem is None:  # an unknown kind is not a problem: it is shown raw
        assert envelope.problems == ()
        assert envelope.event.kind == "brand_new"
        assert envelope.event.payload == {"kind": "brand_new", "x": 1}
        return
    assert any(problem in p for p in envelope.problems), envelope.problems
    assert envelope.broken
    assert envelope.raw is not None
    assert set(envelope.raw) == {k.decode() for k in fields}


def test_missing_kind_falls_back_to_payload_then_placeholder() -> None:
    fields = clean_fields()
    del fields[b"k"]
    assert decode_entry(b"1-0", fields).event.kind == "metric"
    assert decode_entry(b"1-0", {}).event.kind == "?"


@given(
    raw_id=st.one_of(st.binary(max_size=24), st.text(max_size=24)),
    fields=st.dictionaries(
        st.sampled_from([*FIELD_ORDER, b"x", b""]) | st.binary(max_size=4),
        st.binary(max_size=64)
        | st.sampled_from([b"{}", b'{"kind":1}', b"null", b"1e999", b"-3", b"\xc3("]),
        max_size=9,
    ),
)
def test_decode_entry_never_raises(raw_id: bytes | str, fields: dict[bytes, bytes]) -> None:
    envelope = decode_entry(raw_id, fields)
    assert isinstance(envelope.event.kind, str)
    assert isinstance(envelope.event.payload, dict)
    assert envelope.broken == bool(envelope.problems)


@pytest.mark.parametrize(
    ("value", "meta"),
    [
        (
            b'{"label": "rank", "started_at": "2026-06-07T12:00:00+00:00"}',
            RunMeta("rank", NOON),
        ),
        (b'{"label": null, "started_at": null}', RunMeta()),
        (b'{"label": "race"}', RunMeta("race")),
        (b'{"started_at": "2026-06-07T12:00:00"}', RunMeta(None, NOON)),
        (b'{"label": 7, "started_at": ["x"]}', RunMeta()),
        (b'{"label": "", "started_at": "not a date"}', RunMeta()),
        (b"1", RunMeta()),
        (b"[1]", RunMeta()),
        (b"not json", RunMeta()),
        (b"\xff", RunMeta()),
        (None, RunMeta()),
    ],
)
def test_decode_meta_every_sentinel_variant(value: bytes | None, meta: RunMeta) -> None:
    assert decode_meta(value) == meta


def test_encode_meta_matches_the_arena() -> None:
    assert encode_meta(None) == b"1"
    assert encode_meta(RunMeta("rank", datetime(2026, 6, 7, 12, 0, tzinfo=UTC))) == (
        b'{"label": "rank", "started_at": "2026-06-07T12:00:00+00:00"}'
    )
    assert encode_meta(RunMeta()) == b'{"label": null, "started_at": null}'
