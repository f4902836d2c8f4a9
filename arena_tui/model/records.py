"""The JSON records of ``tail --jsonl``, ``runs --json`` and the TUI's export, as pure functions.

One event or notice becomes one JSON object with a ``type`` field: ``event``, ``overflow``,
``gap``, ``reconnected``, ``reset`` or ``finished``. The CLI and the TUI's export both go through
``record`` and ``dumps_record``, so they write exactly the same lines. ``dumps_record`` escapes
everything outside ASCII, so a record line is safe to print whatever an agent wrote (an ESC in a
reasoning string is ``\\u001b`` on the wire, never a live escape sequence).

The notices are plain values that say what happened between events; the tail loop produces
them and each view renders them (a JSON line here, a gap row in the TUI).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from arena_tui.broker.codec import format_ts
from arena_tui.broker.models import Envelope, RunInfo, Seq

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Overflow:
    """The broker trimmed ``[requested_seq, available_from)`` before we could read it."""

    run_id: str
    requested_seq: Seq
    available_from: Seq

    @property
    def lost(self) -> int:
        return max(0, self.available_from - self.requested_seq)


@dataclass(frozen=True, slots=True)
class Gap:
    """Seqs ``from_seq..to_seq`` (inclusive) were never written: a hole in the seq sequence."""

    run_id: str
    from_seq: Seq
    to_seq: Seq
    reason: Literal["hole"] = "hole"


@dataclass(frozen=True, slots=True)
class Reconnected:
    """The connection came back after ``after_s`` seconds; reading resumes at ``resumed_from``."""

    run_id: str
    after_s: float
    resumed_from: Seq


@dataclass(frozen=True, slots=True)
class Reset:
    """The run started over (the broker restarted without persistence and lost seqs
    ``1..last_seen_seq``); what follows is the new run, from seq 1 (up to ``new_last_seq`` when
    it was seen)."""

    run_id: str
    last_seen_seq: Seq
    new_last_seq: Seq


@dataclass(frozen=True, slots=True)
class Finished:
    """The run was closed and every event up to ``last_seq`` has been read."""

    run_id: str
    last_seq: Seq


Notice = Overflow | Gap | Reconnected | Reset | Finished


def event_record(envelope: Envelope) -> Record:
    """An envelope as an ``event`` record; ``problems`` and ``raw`` only for a broken entry."""
    event = envelope.event
    record: Record = {
        "type": "event",
        "seq": envelope.seq,
        "run_id": event.run_id,
        "t": event.t,
        "agent": event.agent_id,
        "kind": event.kind,
        "ts": format_ts(event.ts) if event.ts is not None else None,
        "payload": dict(event.payload),
    }
    if envelope.problems:
        record["problems"] = list(envelope.problems)
        if envelope.raw is not None:
            record["raw"] = dict(envelope.raw)
    return record


def notice_record(notice: Notice) -> Record:
    match notice:
        case Overflow():
            return {
                "type": "overflow",
                "run_id": notice.run_id,
                "requested_seq": notice.requested_seq,
                "available_from": notice.available_from,
                "lost": notice.lost,
            }
        case Gap():
            return {
                "type": "gap",
                "run_id": notice.run_id,
                "from_seq": notice.from_seq,
                "to_seq": notice.to_seq,
                "reason": notice.reason,
            }
        case Reconnected():
            return {
                "type": "reconnected",
                "run_id": notice.run_id,
                "after_s": round(notice.after_s, 3),
                "resumed_from": notice.resumed_from,
            }
        case Reset():
            return {
                "type": "reset",
                "run_id": notice.run_id,
                "last_seen_seq": notice.last_seen_seq,
                "new_last_seq": notice.new_last_seq,
            }
        case Finished():
            return {"type": "finished", "run_id": notice.run_id, "last_seq": notice.last_seq}


def record(item: Envelope | Notice) -> Record:
    """The record of whatever a tail produced."""
    return event_record(item) if isinstance(item, Envelope) else notice_record(item)


def run_record(info: RunInfo) -> Record:
    """One run as ``runs --json`` lists it."""
    started = info.meta.started_at
    return {
        "run_id": info.run_id,
        "label": info.meta.label,
        "started_at": format_ts(started) if started is not None else None,
        "status": info.status.value,
        "n_events": info.n_events,
        "last_seq": info.last_seq,
        "first_seq": info.first_seq,
        "last_event_at": format_ts(info.last_event_at) if info.last_event_at else None,
    }


def dumps_record(value: Record | list[Record]) -> str:
    """One line of compact, ASCII-only JSON."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True, default=str)
