"""The JSON records of ``tail --jsonl``, ``runs --json`` and the TUI's export, as pure functions.

One event or notice becomes one JSON object with a ``type`` field: ``event``, ``overflow``,
``gap``, ``reconnected``, ``reset``, ``finished`` or ``disk`` (what the run's DuckDB log holds
of a prefix Redis trimmed: ``broker.cold.stitch``). An event read from the log carries
``"source": "cold"``; a log row that no Redis seq can be given has ``"seq": null`` and its
``disk_row``. The CLI and the TUI's export both go through
``record`` and ``dumps_record``, so they write exactly the same lines. ``dumps_record`` escapes
everything outside ASCII, so a record line is safe to print whatever an agent wrote (an ESC in a
reasoning string is ``\\u001b`` on the wire, never a live escape sequence).

The notices are ``follow()``'s own items (``broker/follow_items.py``); a record adds the run id, so
one line stands on its own.
"""

from __future__ import annotations

import json
from typing import Any

from arena_tui.broker.codec import format_ts
from arena_tui.broker.cold.stitch import Alignment, DiskRow
from arena_tui.broker.follow_items import Finished, Hole, Notice, Overflow, Reconnected, Reset
from arena_tui.broker.models import Envelope, RunInfo

Record = dict[str, Any]


Told = Notice | Alignment
"""A notice, or what the run's DuckDB log holds of a prefix Redis trimmed."""


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
    if envelope.source != "broker":
        record["source"] = envelope.source
    if envelope.problems:
        record["problems"] = list(envelope.problems)
        if envelope.raw is not None:
            record["raw"] = dict(envelope.raw)
    return record


def notice_record(run_id: str, notice: Told) -> Record:
    match notice:
        case Overflow():
            return {
                "type": "overflow",
                "run_id": run_id,
                "requested_seq": notice.requested_seq,
                "available_from": notice.available_from,
                "lost": notice.lost,
            }
        case Hole():
            return {
                "type": "gap",
                "run_id": run_id,
                "from_seq": notice.from_seq,
                "to_seq": notice.to_seq,
                "reason": "hole",
            }
        case Reconnected():
            return {
                "type": "reconnected",
                "run_id": run_id,
                "after_s": round(notice.after_s, 3),
                "resumed_from": notice.resumed_from,
            }
        case Reset():
            return {
                "type": "reset",
                "run_id": run_id,
                "last_seen_seq": notice.last_seen_seq,
                "new_last_seq": notice.new_last_seq,
            }
        case Finished():
            return {"type": "finished", "run_id": run_id, "last_seq": notice.last_seq}
        case Alignment():
            return {
                "type": "disk",
                "run_id": run_id,
                "state": notice.state,
                "db_path": str(notice.db_path),
                "trimmed": notice.trimmed,
                "disk_rows": notice.disk_rows,
                "cold_count": notice.cold_count,
                "message": notice.banner(),
            }


def record(run_id: str, item: Envelope | DiskRow | Told) -> Record:
    """The record of whatever a tail of ``run_id`` produced."""
    if isinstance(item, Envelope):
        return event_record(item)
    if isinstance(item, DiskRow):
        return {**event_record(item.envelope), "seq": None, "disk_row": item.index}
    return notice_record(run_id, item)


def run_record(info: RunInfo) -> Record:
    """One run as ``runs --json`` lists it."""
    started = info.meta.started_at
    out: Record = {
        "run_id": info.run_id,
        "label": info.meta.label,
        "started_at": format_ts(started) if started is not None else None,
        "status": info.status.value,
        "n_events": info.n_events,
        "last_seq": info.last_seq,
        "first_seq": info.available_from,
        "last_event_at": format_ts(info.last_event_at) if info.last_event_at else None,
        "source": info.source,
        "db_path": info.db_path,
    }
    if info.arena_id is not None:
        out["arena_run_id"] = info.arena_id
    return out


def dumps_record(value: Record | list[Record]) -> str:
    """One line of compact, ASCII-only JSON."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True, default=str)
