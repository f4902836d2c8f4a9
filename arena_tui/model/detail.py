"""What the detail pane says about one event: its facts, and its payload pretty-printed.

The payload is re-serialized with indentation and then passed through ``safe_text`` (keeping
newlines), because ``json.dumps`` leaves DEL, C1 controls, bidi overrides and zero-width
characters as they are. A broken entry shows what was wrong and its raw fields instead.
"""

from __future__ import annotations

import json
from datetime import datetime, tzinfo

from arena_tui.broker.models import Envelope
from arena_tui.model.rows import GapKind, GapRow, MarkRow, Row
from arena_tui.model.text import safe_text
from arena_tui.model.words import seq_span

PAYLOAD_LIMIT = 200_000
"""Characters of pretty-printed payload shown at most (a 10 MB payload must not freeze us)."""


def facts(
    envelope: Envelope,
    previous: Envelope | None,
    run_started: datetime | None,
    tz: tzinfo,
    *,
    log_row: int | None = None,
) -> list[tuple[str, str]]:
    """Label/value pairs: seq, kind, turn, agent, time, and the time since two reference points.

    ``log_row``: the event is a row of the run's log that lines up with no seq (an
    ``UnnumberedRow``): it has none, and its row in the log is said instead."""
    event = envelope.event
    seq = f"{envelope.seq:,}" if log_row is None else f"none (row {log_row:,} of the log)"
    pairs = [
        ("seq", seq),
        ("kind", safe_text(event.kind)),
        ("turn", str(event.t)),
        ("agent", safe_text(event.agent_id) or "—"),
        ("run", safe_text(event.run_id)),
    ]
    ts = event.ts
    pairs.append(("time", ts.astimezone(tz).isoformat(timespec="milliseconds") if ts else "—"))
    if ts is not None and previous is not None and previous.event.ts is not None:
        gap = (ts - previous.event.ts).total_seconds()
        pairs.append(("since previous", f"{elapsed(gap)} (seq {previous.seq:,})"))
    if ts is not None and run_started is not None:
        pairs.append(("since run start", elapsed((ts - run_started).total_seconds())))
    if event.v != 1:
        pairs.append(("schema", f"v{event.v}"))
    return pairs


def payload_text(envelope: Envelope) -> str:
    """The payload as indented JSON (or the raw fields and problems of a broken entry)."""
    if envelope.problems:
        problems = "\n".join(f"⚠ {p}" for p in envelope.problems)
        raw = json.dumps(dict(envelope.raw or {}), indent=2, ensure_ascii=False)
        return safe_text(f"{problems}\n\nraw fields:\n{raw}"[:PAYLOAD_LIMIT], keep_newlines=True)
    text = json.dumps(envelope.event.payload, indent=2, ensure_ascii=False, default=str)
    if len(text) > PAYLOAD_LIMIT:
        text = text[:PAYLOAD_LIMIT] + f"\n… ({len(text) - PAYLOAD_LIMIT:,} more characters)"
    return safe_text(text, keep_newlines=True)


def describe_row(row: Row) -> str:
    """What a non-event row means, for the detail pane."""
    if isinstance(row, GapRow) and row.disk is not None:
        return (
            f"{row.describe()}\n\nRedis trimmed {seq_span(row.first, row.last)}. The run's "
            "log holds its events, but its rows do not line up with Redis's seqs (holes in "
            "the seqs, extra rows in the log, or no match at all), so the log's rows above are "
            "shown without seqs: none is invented."
        )
    if isinstance(row, GapRow):
        if row.kind is GapKind.TRIMMED:
            return (
                f"{row.describe()}\n\nThe broker keeps only the newest entries of each run "
                "(MAXLEN); these were removed before this viewer read them."
            )
        return (
            f"{row.describe()}\n\nThe seq counter moved past these but no entry was written "
            "(a producer that stopped between INCR and XADD leaves such a hole)."
        )
    if isinstance(row, MarkRow):
        return row.describe()
    return ""


def elapsed(seconds: float) -> str:
    """``+0.004 s``, ``+12.3 s``, ``+4m 05s``, ``+2h 03m``; negative when clocks disagree."""
    sign = "-" if seconds < 0 else "+"
    s = abs(seconds)
    if s < 10:
        return f"{sign}{s:.3f} s"
    if s < 60:
        return f"{sign}{s:.1f} s"
    whole = int(s)
    if whole < 3600:
        return f"{sign}{whole // 60}m {whole % 60:02d}s"
    return f"{sign}{whole // 3600}h {whole % 3600 // 60:02d}m"
