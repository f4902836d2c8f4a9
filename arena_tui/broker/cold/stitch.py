"""Filling a Redis-trimmed prefix from the run's DuckDB log, by content alignment.

Redis keeps the newest ~10,000 events of a run; the arena's log keeps all of them, numbered by
nothing (cold seq is row order). The two numberings usually agree, but holes in the Redis seqs
(an INCR without its XADD, routine on the arena's concurrent publish path) or extra rows (the
``ranking`` pseudo-run's reused keys) shift them (``cold-store.md`` §4, §7.5). So before any
cold row is given a Redis seq, the first ``BLOCK`` retained Redis events are looked up as a
consecutive block in the cold rows, matching ``(agent, t, kind, payload)``, never ``ts``:

* block at cold row ``F`` (the first retained seq): **exact**; seqs ``1..F-1`` are cold rows
  ``1..F-1``, marked as from disk.
* block at row ``j != F``: **shifted**; cold rows ``1..j-1`` are shown unnumbered with a banner
  giving both counts. No seq is invented.
* block not found: **unaligned**; the disk copy is not mixed in.
* the run is in no readable file but a locked one may hold it: **locked**; the gap stays and
  says where the events are.

The matched pair also gives the writer's exact ``ts`` offset (stored local time minus the
Redis UTC time), which replaces the estimate from the file name for the stitched rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from arena_tui.broker.cold.reader import ColdReader
from arena_tui.broker.models import Envelope, Seq

BLOCK = 8
SCAN_PAGE = 8192
CANDIDATES = 256
"""Rows with the block's first (agent, turn, kind) checked one by one at most; a run with
more such rows is scanned in pages instead."""

State = Literal["exact", "shifted", "unaligned", "locked"]


@dataclass(frozen=True, slots=True)
class Alignment:
    """How the trimmed prefix ``1..available_from-1`` of a Redis run relates to a log file."""

    state: State
    run_id: str
    available_from: Seq
    db_path: Path
    cold_count: int = 0
    at: int | None = None
    """The cold row where the first retained Redis event sits (exact: ``available_from``)."""
    ts_offset: timedelta | None = None

    @property
    def trimmed(self) -> int:
        return self.available_from - 1

    @property
    def disk_rows(self) -> int:
        """Cold rows before the aligned block: the prefix the log adds."""
        return (self.at - 1) if self.at is not None else 0

    @property
    def shown_rows(self) -> int:
        """Cold rows a viewer shows unnumbered above the first retained event: those before
        a shifted block, or the whole copy of an unaligned run (nothing for the others)."""
        if self.state == "shifted":
            return self.disk_rows
        return self.cold_count if self.state == "unaligned" else 0

    def banner(self) -> str:
        where = self.db_path.name
        if self.state == "exact":
            return f"seq 1–{self.trimmed:,} from disk ({where})"
        if self.state == "shifted":
            return (
                f"{self.disk_rows:,} events from disk ({where}) come before seq "
                f"{self.available_from:,}; "
                f"Redis trimmed {self.trimmed:,} seqs: the counts differ (holes or extra rows), "
                "so the disk rows are not numbered"
            )
        if self.state == "unaligned":
            return (
                f"{where} holds {self.cold_count:,} events of this run but none lines up with "
                f"seq {self.available_from:,}: the disk copy is not stitched"
            )
        return (
            f"seq 1–{self.trimmed:,} are held in {where} (being written); "
            "readable when the operation ends"
        )


@dataclass(frozen=True, slots=True)
class DiskRow:
    """A log row shown without a seq (before a shifted alignment's block): row ``index``."""

    index: int
    envelope: Envelope


def matches(row: Sequence[Any], envelope: Envelope) -> bool:
    """Whether a cold row ``(agent_id, t, kind, payload_json, ...)`` is ``envelope``'s event."""
    event = envelope.event
    agent, t, kind, payload_json = row[0], row[1], row[2], row[3]
    if agent != event.agent_id or t != event.t or kind != event.kind:
        return False
    try:
        return bool(json.loads(payload_json) == dict(event.payload))
    except (TypeError, ValueError):
        return False


def find_block(reader: ColdReader, block: Sequence[Envelope], hint: Seq) -> int | None:
    """The cold row (1-based) where ``block`` starts as consecutive rows; ``hint`` first.

    Blocking (a worker thread). When the hint fails, only the rows sharing the block's first
    agent, turn and kind are tried, in row order (one query finds them: a shifted block in a
    million-row run is found in milliseconds, not a scan of every row); the whole run is
    scanned in pages only when more than ``CANDIDATES`` rows share them.
    """
    if not block:
        return None
    k = len(block)
    if hint >= 1 and _block_at(reader.rows(hint, k), block):
        return hint
    head = block[0].event
    candidates = reader.seqs_like(head.agent_id, head.t, head.kind, CANDIDATES + 1)
    if len(candidates) <= CANDIDATES:
        return next((at for at in candidates if _block_at(reader.rows(at, k), block)), None)
    start = 1
    while start <= reader.count:
        rows = reader.rows(start, SCAN_PAGE + k - 1)
        for i in range(min(SCAN_PAGE, len(rows))):
            if matches(rows[i], block[0]) and _block_at(rows[i : i + k], block):
                return start + i
        start += SCAN_PAGE
    return None


def _block_at(rows: Sequence[Sequence[Any]], block: Sequence[Envelope]) -> bool:
    return len(rows) >= len(block) and all(
        matches(row, env) for row, env in zip(rows, block, strict=False)
    )


def exact_offset(reader: ColdReader, at: Seq, envelope: Envelope) -> timedelta | None:
    """Stored ``ts`` minus the Redis ``ts`` of the same event: the writer's UTC offset."""
    rows = reader.rows(at, 1)
    stored = rows[0][4] if rows else None
    if not isinstance(stored, datetime) or envelope.event.ts is None:
        return None
    redis_naive = envelope.event.ts.astimezone(UTC).replace(tzinfo=None)
    return stored - redis_naive
