"""Event <-> Redis stream fields. The arena's wire format lives here and only here.

An entry is ``XADD <prefix>:run:<id>:events MAXLEN ~ N <seq>-0`` with the seven fields below,
all values bytes (see ``shared/wire-format.md``)::

    r   run id (UTF-8)              a   agent id (UTF-8, "" for fork / world_mutation)
    t   turn, ASCII decimal         k   payload kind, ASCII (duplicates p.kind)
    p   payload, compact JSON       ts  isoformat() of an aware UTC datetime
    v   schema version, "1"

Encoding writes exactly what the arena's Pydantic producer writes (compact separators,
non-ASCII kept as UTF-8, ``kind`` first in ``p``). Decoding never raises: whatever is wrong
(invalid UTF-8 or JSON, a missing field, a non-numeric turn, a foreign entry id) is recorded in
``Envelope.problems`` and the raw fields are kept, so a viewer can show the entry as broken
instead of losing it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from arena_tui.broker.models import Envelope, Event, RunMeta, Seq

SCHEMA_VERSION = 1
FIELD_ORDER = (b"r", b"a", b"t", b"k", b"p", b"ts", b"v")

_SEPARATORS = (",", ":")


def dump_json(value: Any) -> str:
    """Compact JSON the way Pydantic's ``model_dump_json`` writes it."""
    return json.dumps(value, separators=_SEPARATORS, ensure_ascii=False, allow_nan=True)


def encode_payload(kind: str, payload: Mapping[str, Any]) -> bytes:
    body = {"kind": kind, **{k: v for k, v in payload.items() if k != "kind"}}
    return dump_json(body).encode()


def format_ts(ts: datetime) -> str:
    """``isoformat()`` of the instant in UTC (no fraction when microseconds are 0)."""
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.astimezone(UTC).isoformat()


def encode_event(event: Event) -> dict[bytes, bytes]:
    """The stream fields of ``event``, in the arena's order."""
    ts = event.ts if event.ts is not None else datetime.now(UTC)
    return {
        b"r": event.run_id.encode(),
        b"a": event.agent_id.encode(),
        b"t": str(int(event.t)).encode(),
        b"k": event.kind.encode(),
        b"p": encode_payload(event.kind, event.payload),
        b"ts": format_ts(ts).encode(),
        b"v": str(event.v).encode(),
    }


def entry_id(seq: Seq) -> bytes:
    return b"%d-0" % seq


def _text(value: bytes | str) -> str:
    return value if isinstance(value, str) else value.decode("utf-8", "backslashreplace")


def parse_entry_id(raw_id: bytes | str) -> tuple[Seq, str | None]:
    """The seq of an entry id, plus a problem when the id is not ``<seq>-0``."""
    text = _text(raw_id)
    head, _, tail = text.partition("-")
    try:
        seq = int(head)
    except ValueError:
        return 0, f"entry id {text!r} is not <seq>-0"
    if tail != "0":
        return seq, f"entry id {text!r} is not <seq>-0 (written by a foreign producer?)"
    return seq, None


def decode_entry(raw_id: bytes | str, fields: Mapping[bytes, bytes]) -> Envelope:
    """Decode one stream entry. Never raises; see the module docstring."""
    seq, id_problem = parse_entry_id(raw_id)
    problems: list[str] = [id_problem] if id_problem else []

    def field(name: bytes, *, required: bool = True) -> str:
        value = fields.get(name)
        if value is None:
            if required:
                problems.append(f"missing field {name.decode()!r}")
            return ""
        try:
            return value.decode("utf-8") if isinstance(value, bytes) else str(value)
        except UnicodeDecodeError:
            problems.append(f"field {name.decode()!r} is not valid UTF-8")
            return value.decode("utf-8", "backslashreplace")

    run_id = field(b"r")
    agent_id = field(b"a")
    turn_text = field(b"t")
    try:
        turn = int(turn_text) if turn_text else 0
    except ValueError:
        problems.append(f"turn {turn_text!r} is not a number")
        turn = 0
    payload: dict[str, Any] = {}
    p_text = field(b"p")
    if p_text:
        try:
            decoded = json.loads(p_text)
        except json.JSONDecodeError as exc:
            problems.append(f"payload is not valid JSON ({exc.msg} at char {exc.pos})")
        else:
            if isinstance(decoded, dict):
                payload = decoded
            else:
                problems.append(f"payload is JSON {type(decoded).__name__}, not an object")
    kind = field(b"k")
    p_kind = payload.get("kind")
    if not kind and isinstance(p_kind, str):
        kind = p_kind
    elif isinstance(p_kind, str) and p_kind != kind:
        problems.append(f"kind {kind!r} differs from payload kind {p_kind!r}")
    if not kind:
        kind = "?"
    ts = _parse_ts(field(b"ts"), problems)
    v_text = field(b"v", required=False)
    try:
        version = int(v_text) if v_text else SCHEMA_VERSION
    except ValueError:
        problems.append(f"schema version {v_text!r} is not a number")
        version = SCHEMA_VERSION
    event = Event(
        run_id=run_id, agent_id=agent_id, t=turn, kind=kind, payload=payload, ts=ts, v=version
    )
    raw = None
    if problems:
        raw = {_text(k): _text(v) for k, v in fields.items()}
    return Envelope(seq=seq, event=event, problems=tuple(problems), raw=raw)


def _parse_ts(text: str, problems: list[str]) -> datetime | None:
    if not text:
        return None
    try:
        ts = datetime.fromisoformat(text)
    except ValueError:
        problems.append(f"timestamp {text!r} is not ISO 8601")
        return None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts


# -- the :open sentinel ---------------------------------------------------------------------


def encode_meta(meta: RunMeta | None) -> bytes:
    """The ``:open`` value: ``1`` for no meta, else the arena's JSON (default separators)."""
    if meta is None:
        return b"1"
    started = format_ts(meta.started_at) if meta.started_at is not None else None
    return json.dumps({"label": meta.label, "started_at": started}).encode()


def decode_meta(value: bytes | str | None) -> RunMeta:
    """Tolerant: missing, ``1``, non-JSON, non-object or non-string values mean "unknown"."""
    if value is None:
        return RunMeta()
    try:
        decoded = json.loads(value)
    except (ValueError, UnicodeDecodeError):
        return RunMeta()
    if not isinstance(decoded, dict):
        return RunMeta()
    label = decoded.get("label")
    started = decoded.get("started_at")
    started_at: datetime | None = None
    if isinstance(started, str):
        try:
            started_at = datetime.fromisoformat(started)
        except ValueError:
            started_at = None
        if started_at is not None and started_at.tzinfo is None:
            started_at = started_at.replace(tzinfo=UTC)
    return RunMeta(label=label if isinstance(label, str) and label else None, started_at=started_at)
