"""The words the log and the CLI share, so the app and ``arena-tui tail``/``runs`` say the same
thing the same way: counts, seq spans, ages, and what a trim or a reset of a run means.

Pure string functions, no state; everything they are given is a number (no agent-written text
passes through here, so nothing needs ``safe_text``).
"""

from __future__ import annotations

from arena_tui.broker.models import Seq


def plural(n: int, word: str) -> str:
    """``1 event``, ``4,203 events`` (the regular plural only: callers fix ``entitys``)."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def seq_span(first: Seq, last: Seq) -> str:
    """``seq 7`` or ``seq 1–4,203``."""
    return f"seq {first:,}" if first == last else f"seq {first:,}–{last:,}"


def duration(seconds: float) -> str:
    """``9s``, ``4m``, ``2h``, ``3d``: the coarse age of a run (sidebar and ``runs``)."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86_400:
        return f"{s // 3600}h"
    return f"{s // 86_400}d"


def jump_text(requested: Seq, available_from: Seq) -> str:
    """What a read that asked for a trimmed seq did (the log's toast)."""
    lost = available_from - requested
    return (
        f"jumped from seq {requested:,} to {available_from:,}: "
        f"{plural(lost, 'event')} {'was' if lost == 1 else 'were'} trimmed by the broker"
    )


def reset_text(last_seen_seq: Seq) -> str:
    """What a reset of the run means (the log's mark row and toast, the CLI's notice line)."""
    return f"run reset: the broker lost seqs 1–{last_seen_seq:,} (restart without persistence)"
