"""``decode_entry``'s clean fast path must decide exactly as the tolerant path would.

So must ``decode_flat`` (the same entry as Redis sends it, a flat list of names and values,
read by position when its names are the arena's seven in order).

``test_codec`` holds the decoder to its guarantees; here every entry, clean or slightly off
(the edge cases of ``int()``, UTF-8, ISO 8601 and JSON where a shortcut could differ), must
decode to the same envelope as the tolerant path alone makes of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from arena_tui.broker import Envelope, Event, codec
from arena_tui.broker.codec import (
    _decode_clean,
    _decode_tolerant,
    decode_entry,
    decode_flat,
    encode_event,
    entry_id,
)

TS = datetime(2026, 5, 21, 12, 0, 0, 123456, tzinfo=UTC)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)
events = st.builds(
    Event,
    run_id=st.text(max_size=8),
    agent_id=st.text(max_size=8),
    t=st.integers(min_value=-(10**20), max_value=10**20),
    kind=st.text(max_size=8),
    payload=st.dictionaries(st.text(max_size=6), json_values, max_size=4),
    ts=st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=-7))])),
    v=st.integers(min_value=-5, max_value=10**6),
)
ODD_NUMBERS = [b"", b" 12", b"+3", b"-4", b"1_0", b"12\n", b"\x1c12", "\uff14".encode(), b"0x1"]
ODD_TS = [b"", b"2026-05-21T12:00:00", b"2026-05-21", b"2026-05-21T12:00:00Z", b"\xff", b"now"]
ODD_PAYLOADS = [b"", b"[]", b"null", b'{"kind":1}', b"{}", b'{"a":NaN}', b'{"kind":"x","kind":"y"}']
ODD_IDS: list[bytes | str] = [
    b"+5-0", b" 5-0", b"5-1", "5-0", b"5", b"-0", b"1_0-0", b"0-0", b"1000000000000-0", b"\xff-0",
]  # fmt: skip
odd_values = st.sampled_from(ODD_NUMBERS + ODD_TS + ODD_PAYLOADS) | st.binary(max_size=6)


@given(
    event=events,
    seq=st.integers(min_value=0, max_value=10**13) | st.sampled_from(ODD_IDS),
    changes=st.dictionaries(
        st.sampled_from([b"r", b"a", b"t", b"k", b"p", b"ts", b"v", b"x"]),
        odd_values | st.none(),
        max_size=2,
    ),
)
@example(event=Event("r", "a", 1, "metric", {}, TS), seq=1, changes={b"t": "\uff14".encode()})
@example(event=Event("r", "a", 1, "metric", {}, TS), seq=1, changes={b"p": b'{"kind":"metric"}'})
def test_fast_path_decodes_as_the_tolerant_path(
    event: Event, seq: int | bytes | str, changes: dict[bytes, bytes | None]
) -> None:
    fields = encode_event(event)
    for name, value in changes.items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    raw_id = entry_id(seq) if isinstance(seq, int) else seq
    expected = _decode_tolerant(raw_id, fields)
    assert decode_entry(raw_id, fields) == expected
    flat = [part for pair in fields.items() for part in pair]
    assert decode_flat(raw_id, flat) == expected
    try:
        fast = _decode_clean(raw_id, fields)
    except codec._NOT_CLEAN:
        fast = None
    if fast is not None:
        assert fast == expected
        assert not expected.problems


def test_a_clean_entry_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    fields = encode_event(Event("r1", "a1", 4, "metric", {"name": "x", "value": 1.5}, TS))
    expected = _decode_tolerant(b"7-0", fields)

    def tolerant_path(raw_id: bytes | str, fields: Mapping[bytes, bytes]) -> Envelope:
        raise AssertionError(f"a clean entry took the tolerant path: {raw_id!r}")

    monkeypatch.setattr(codec, "_decode_tolerant", tolerant_path)
    assert decode_entry(b"7-0", fields) == expected
    with pytest.raises(AssertionError, match="tolerant path"):  # and a broken one does not
        decode_entry(b"7-0", {**fields, b"t": b"x"})


def test_a_flat_entry_is_decoded_as_its_dict() -> None:
    fields = encode_event(Event("r1", "a1", 4, "metric", {"name": "x", "value": 1.5}, TS))
    flat = [part for pair in fields.items() for part in pair]
    expected = _decode_tolerant(b"7-0", fields)
    assert decode_flat(b"7-0", flat) == expected
    assert not expected.problems
    # another order, or a name twice (the last value counts, as in redis-py's dict)
    assert decode_flat(b"7-0", flat[2:] + flat[:2]) == expected
    twice = [*flat, b"t", b"9"]
    assert decode_flat(b"7-0", twice) == _decode_tolerant(b"7-0", {**fields, b"t": b"9"})
    assert decode_flat(b"7-0", twice).event.t == 9
    # surrounding whitespace json.loads skips is left to the tolerant path: the same result
    spaced = [b" " + v + b" " if n == b"p" else v for n, v in fields.items()]
    flat_spaced = [part for pair in zip(fields, spaced, strict=True) for part in pair]
    assert decode_flat(b"7-0", flat_spaced) == expected


def test_a_clean_flat_entry_is_read_by_position(monkeypatch: pytest.MonkeyPatch) -> None:
    fields = encode_event(Event("r1", "a1", 4, "metric", {"name": "x"}, TS))
    flat = [part for pair in fields.items() for part in pair]

    def via_dict(raw_id: bytes | str, fields: Mapping[bytes, bytes]) -> Envelope:
        raise AssertionError("a clean flat entry was turned into a dict")

    monkeypatch.setattr(codec, "decode_entry", via_dict)
    assert decode_flat(b"7-0", flat).seq == 7
    with pytest.raises(AssertionError, match="into a dict"):  # a broken one is
        decode_flat(b"7-0", [*flat[:5], b"x", *flat[6:]])
