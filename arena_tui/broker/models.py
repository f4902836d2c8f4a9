"""Plain, immutable values that cross the broker boundary.

Nothing here knows about Redis or the terminal. An ``Envelope`` is one stream entry: the seq the
broker assigned plus the decoded ``Event``. Decoding never fails (see ``codec``), so an envelope
may carry ``problems`` (what was wrong) and ``raw`` (the fields as they were on the wire, decoded
with backslash escapes) for the viewer to show.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, NewType

RunId = NewType("RunId", str)
Source = Literal["broker", "cold"]
"""Where an envelope was read: the broker, or the arena's DuckDB log of the run (``cold``)."""
Seq = int
"""Per-run sequence number: starts at 1, strictly increases, may have holes."""

FOREIGN_SEQ_FLOOR: Seq = 10**12
"""No run reaches this seq; an id ``<ms>-0`` this large came from ``XADD *`` (a clock in ms)."""

KNOWN_KINDS: tuple[str, ...] = (
    "turn_start",
    "observation",
    "llm_prompt",
    "llm_response",
    "action",
    "action_result",
    "world_mutation",
    "fork",
    "metric",
)


@dataclass(frozen=True, slots=True)
class Event:
    """One arena event as a producer hands it to ``publish``.

    ``payload`` is the JSON object of the ``p`` field; it always has ``kind`` on the wire (the
    codec adds it when encoding). ``ts`` is an aware UTC datetime; it is ``None`` only on
    an entry read back without a usable ``ts`` field.
    """

    run_id: str
    agent_id: str
    t: int
    kind: str
    payload: Mapping[str, Any]
    ts: datetime | None
    v: int = 1


@dataclass(frozen=True, slots=True)
class Envelope:
    """An event as read back, with its seq. ``problems`` is empty for a clean entry.

    ``source`` is ``cold`` for an event read from the arena's DuckDB log (a finished run only
    the log holds, or a Redis-trimmed prefix filled from it); its seq is then the row's
    position in the run's insertion order, which equals the Redis seq only when the two were
    aligned by content (``broker.cold.stitch``)."""

    seq: Seq
    event: Event
    problems: tuple[str, ...] = ()
    raw: Mapping[str, str] | None = None
    source: Source = "broker"

    @property
    def broken(self) -> bool:
        return bool(self.problems)

    @property
    def foreign_id(self) -> bool:
        """The entry id was not ``<seq>-0`` of this run (``XADD *``): its "seq" is a clock
        value, so a jump to it is not a hole in the run's seq sequence."""
        return self.seq >= FOREIGN_SEQ_FLOOR


@dataclass(frozen=True, slots=True)
class RunMeta:
    """What the ``:open`` sentinel says about a run. Both fields are optional on the wire."""

    label: str | None = None
    started_at: datetime | None = None


class RunStatus(enum.StrEnum):
    OPEN = "open"
    """The ``:open`` key exists and events are recent (or events arrive without it)."""
    STALE = "stale"
    """The ``:open`` key exists but nothing was published for longer than the quiet time."""
    FINISHED = "finished"
    """No ``:open`` key and no recent events: the run is over but still replayable."""


def fork_parent(event: Event) -> tuple[str, int] | None:
    """``(parent_run_id, parent_t)`` named by a ``fork`` event (None for any other event);
    ``parent_t`` defaults to the event's turn, which the arena sets to it."""
    if event.kind != "fork":
        return None
    payload: Any = event.payload
    parent, turn = payload.get("parent_run_id"), payload.get("parent_t", event.t)
    if not isinstance(parent, str) or not parent:
        return None
    return parent, turn if isinstance(turn, int) and not isinstance(turn, bool) else event.t


@dataclass(frozen=True, slots=True)
class RunInfo:
    """One run still held by the broker, open or finished, for the sidebar and ``runs --json``.

    ``last_seq`` is the highest seq ever assigned (the ``:seq`` counter); ``available_from`` is
    the first seq still retained (0 when nothing is retained); ``n_events`` counts retained
    entries. (``runs --json`` writes ``available_from`` under its published key ``first_seq``.)
    """

    run_id: str
    meta: RunMeta
    status: RunStatus
    n_events: int
    last_seq: Seq
    available_from: Seq
    last_event_at: datetime | None = None
    source: str = "broker"
    """``broker``, ``cold`` (only the arena's DuckDB log holds it) or ``broker+cold``."""
    db_path: str | None = None
    """The log file that holds (or, while it is locked, is writing) the run."""
    arena_id: str | None = None
    """The arena's run id when ``run_id`` had to be made unique (``ranking@<file>``)."""
    parent: tuple[str, int] | None = None
    """A fork's ``(parent_run_id, parent_t)``, from its ``fork`` event (in the log, or the
    first entry Redis or the in-process broker held when the run was first listed)."""

    @property
    def trimmed(self) -> int:
        """How many seqs below ``available_from`` are gone (trimmed or never written)."""
        return max(0, self.available_from - 1) if self.available_from else self.last_seq


@dataclass(frozen=True, slots=True)
class ReadResult:
    """What a range read got, with trimming as data rather than an exception.

    ``envelopes`` are in ascending seq order whatever the read direction. ``available_from`` is
    the first seq the broker still holds (0 when the stream is empty); ``last_seq`` the highest
    seq assigned so far. ``requested`` is the seq the caller asked for. When ``requested`` is
    below ``available_from`` on a forward read, ``requested``..``available_from - 1`` is gone
    (``overflowed``; ``lost`` counts them).
    """

    run_id: str
    requested: Seq
    envelopes: tuple[Envelope, ...]
    available_from: Seq
    last_seq: Seq
    is_open: bool = True
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def overflowed(self) -> bool:
        return 0 < self.requested < self.available_from

    @property
    def lost(self) -> int:
        """Seqs in ``[requested, available_from)`` that the broker no longer holds."""
        return self.available_from - self.requested if self.overflowed else 0
