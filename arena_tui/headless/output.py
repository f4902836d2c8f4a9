"""Human-readable lines for the headless commands: a tail line per event or notice, a runs table.

Everything an event or a run id supplies goes through ``safe_text`` (``summarize`` already does),
so no agent-written byte reaches the terminal as a control sequence. Times are local, like the
TUI's time column; the JSON twins (``model.records``) carry the exact UTC timestamps.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from arena_tui.broker.cold.stitch import Alignment, DiskRow
from arena_tui.broker.follow_items import Finished, Hole, Notice, Overflow, Reconnected, Reset
from arena_tui.broker.models import Envelope, RunInfo
from arena_tui.model.summary import short_id, summarize
from arena_tui.model.text import safe_text
from arena_tui.model.words import duration, reset_text

NOTICE_MARK = "┄┄"


def event_line(item: Envelope | DiskRow) -> str:
    """``seq  time  turn  agent  kind  summary`` with fixed-width leading columns; the seq
    with thousands separators, as in the notices and the app's rows. An event from the arena's
    log has a ``d`` after its seq, a log row without a seq ``disk#N``."""
    envelope = item.envelope if isinstance(item, DiskRow) else item
    event = envelope.event
    when = event.ts.astimezone().strftime("%H:%M:%S.%f")[:-3] if event.ts else "--:--:--.---"
    agent = short_id(event.agent_id, 6) if event.agent_id else "-"
    kind = safe_text(event.kind)
    if isinstance(item, DiskRow):
        seq = f"{'disk#' + str(item.index):>8}"
    else:
        seq = f"{envelope.seq:>8,}" + ("d" if envelope.source == "cold" else "")
    return f"{seq}  {when}  {event.t:>4}  {agent:<7}  {kind:<14}  {summarize(envelope)}"


def notice_line(notice: Notice | Alignment) -> str:
    match notice:
        case Overflow():
            text = (
                f"seq {notice.requested_seq:,}–{notice.available_from - 1:,} trimmed by the broker "
                f"({notice.lost:,} events lost); continuing from seq {notice.available_from:,}"
            )
        case Hole():
            span = (
                f"seq {notice.from_seq:,}"
                if notice.from_seq == notice.to_seq
                else f"seq {notice.from_seq:,}–{notice.to_seq:,}"
            )
            text = f"{span} missing: a hole in the seq sequence (never written)"
        case Reconnected():
            text = (
                f"reconnected after {notice.after_s:.1f} s; resuming from seq "
                f"{notice.resumed_from:,}"
            )
        case Reset():
            text = reset_text(notice.last_seen_seq) + "; reading the new run from seq 1"
        case Finished():
            text = f"run finished at seq {notice.last_seq:,}"
        case Alignment():
            text = notice.banner()
    return f"{NOTICE_MARK} {text} {NOTICE_MARK}"


def runs_table(runs: Sequence[RunInfo], *, now: datetime | None = None) -> str:
    """An aligned table of runs, one per line, with a header; a hint when there are none."""
    if not runs:
        return "no runs in the broker"
    now = now or datetime.now(UTC)
    header = (
        "RUN",
        "LABEL",
        "STATUS",
        "EVENTS",
        "FIRST",
        "LAST",
        "STARTED",
        "LAST EVENT",
        "SOURCE",
    )
    rows = [header]
    for info in runs:
        started = info.meta.started_at
        rows.append(
            (
                safe_text(info.run_id),
                safe_text(info.meta.label or "?"),
                info.status.value,
                f"{info.n_events:,}",
                f"{info.available_from:,}",
                f"{info.last_seq:,}",
                started.astimezone().strftime("%Y-%m-%d %H:%M:%S") if started else "-",
                _ago(info.last_event_at, now),
                info.source,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {3, 4, 5}
    return "\n".join(
        "  ".join(
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    )


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "-"
    return f"{duration((now - when).total_seconds())} ago"
