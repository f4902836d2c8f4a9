"""One run's summary, as the Redis listing reads it, and when to read it again.

``listing.RunLister`` decides *which* runs to read and when (scans, polls, batches); this module
turns one run's pipelined reply (sentinel and its TTL, counter, length, both ends of its
stream) into a ``Summary``, and says what that summary implies: whether the run is settled
(finished for good, never polled again) and when an unsettled one is polled next.

A fork's parent link rides on the same reply: a fork's first event is its ``fork`` event
(``parent_run_id``, ``parent_t``), and the reply already holds the stream's first retained
entry. So the link is learned, at no extra command, from the summary that still sees that entry,
and kept by every later summary of the run (its head moves on once Redis trims it). A finished
run is summarised once, so the sidebar can put any fork Redis holds under its parent without
a per-poll read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from arena_tui.broker import codec
from arena_tui.broker._listing import CLOSED_GRACE_S, run_status
from arena_tui.broker.models import RunInfo, RunMeta, fork_parent
from arena_tui.broker.redis import replies
from arena_tui.broker.redis.keys import OPEN_TTL_S

STALE_RECHECK_S = 10.0
"""How often an open run silent past ``stale_after`` is polled."""
NEVER = float("inf")


@dataclass(frozen=True, slots=True)
class Summary:
    """What the listing knows of one run, and the values that tell it changed."""

    info: RunInfo
    sentinel: bytes | None
    seq_raw: bytes | None
    opened_at: datetime | None
    suffixes: frozenset[bytes]
    """Which of the run's keys existed when it was read (a rescan compares them)."""
    next_poll: float
    """``time.monotonic()`` at which to read ``:open``/``:seq`` again; inf when finished."""


def read_summary(
    run_id: str,
    reply: list[Any],
    *,
    known: Summary | None,
    meta_seen: dict[str, RunMeta],
    clock: float,
    now: datetime,
    stale_after: float,
) -> Summary | None:
    """The summary in ``reply`` (None: the run was reaped since the scan). ``known`` is the
    run's previous summary; ``meta_seen`` keeps the labels seen while runs were open."""
    sentinel, pttl, seq_raw, length, head, tail = reply
    if sentinel is None and seq_raw is None and not head:
        return None  # reaped since the scan
    is_open = sentinel is not None
    meta = codec.decode_meta(sentinel) if is_open else RunMeta()
    if is_open and (meta.label or meta.started_at):
        meta_seen[run_id] = meta
    elif not is_open:
        meta = meta_seen.get(run_id, meta)
    last_entry_seq = codec.parse_entry_id(tail[0][0])[0] if tail else 0
    opened_at = None
    if is_open and pttl > 0:
        opened_at = now - timedelta(milliseconds=OPEN_TTL_S * 1000 - pttl)
    last_event_at = codec.decode_ts(replies.value(tail[0][1], b"ts")) if tail else None
    active = last_event_at or meta.started_at or opened_at
    info = RunInfo(
        run_id=run_id,
        meta=meta,
        status=run_status(is_open=is_open, last_activity=active, now=now, stale_after=stale_after),
        n_events=int(length),
        last_seq=max(int_or_zero(seq_raw), last_entry_seq),
        available_from=codec.parse_entry_id(head[0][0])[0] if head else 0,
        last_event_at=last_event_at,
        parent=_parent(head, known),
    )
    present = _SUFFIXES[is_open, seq_raw is not None, length > 0]
    poll = _poll_at(run_id, is_open, active, clock, now, stale_after)
    return Summary(info, sentinel, seq_raw, opened_at, present, poll)


_SUFFIXES = {
    (is_open, has_seq, has_events): frozenset(
        suffix
        for suffix, exists in ((b":open", is_open), (b":seq", has_seq), (b":events", has_events))
        if exists
    )
    for is_open in (False, True)
    for has_seq in (False, True)
    for has_events in (False, True)
}
"""Which keys a run has, one shared frozenset per combination."""


def stream_info(reply: Any) -> tuple[int, list[Any], list[Any]]:
    """Length, first and last entry (each ``[]`` or a one-entry list, as ``XRANGE ... COUNT 1``
    answers) from a raw ``XINFO STREAM`` reply; ``None`` (a missing key) is an empty stream."""
    if reply is None:
        return 0, [], []
    fields = dict(zip(reply[::2], reply[1::2], strict=True))
    first, last = fields.get(b"first-entry"), fields.get(b"last-entry")
    return int(fields[b"length"]), [first] if first else [], [last] if last else []


def needs_ttl(reply: list[Any]) -> bool:
    """Whether only the sentinel's PTTL can date this open run (``reply`` as ``read_summary``
    takes it): no event in its stream and no start time in its sentinel."""
    sentinel, _pttl, _seq, _length, _head, tail = reply
    return sentinel is not None and not tail and codec.decode_meta(sentinel).started_at is None


def _parent(head: list[Any], known: Summary | None) -> tuple[str, int] | None:
    """The fork's parent link: kept once learned, else from a first entry that is a ``fork``
    event (only its kind field is looked at for any other run)."""
    if known is not None and known.info.parent is not None:
        return known.info.parent
    if not head:
        return None
    fields: Mapping[bytes, bytes] | list[bytes] = head[0][1]
    if replies.value(fields, b"k") != b"fork":
        return None
    return fork_parent(replies.decode(head[:1])[0].event)


def settled(summary: Summary) -> bool:
    """Closed, quiet past the grace and never polled: finished, whatever the time or poll."""
    if summary.sentinel is not None or summary.next_poll != NEVER:
        return False
    active = last_activity(summary)
    return active is None or (datetime.now(UTC) - active).total_seconds() > CLOSED_GRACE_S


def last_activity(summary: Summary) -> datetime | None:
    return summary.info.last_event_at or summary.info.meta.started_at or summary.opened_at


def next_poll(summary: Summary, clock: float, stale_after: float) -> float:
    """When to poll a run again: every listing while it may change, rarely or never after."""
    is_open = summary.sentinel is not None
    active = last_activity(summary)
    return _poll_at(summary.info.run_id, is_open, active, clock, datetime.now(UTC), stale_after)


def _poll_at(
    run_id: str,
    is_open: bool,
    active: datetime | None,
    clock: float,
    now: datetime,
    stale_after: float,
) -> float:
    quiet = (now - active).total_seconds() if active is not None else NEVER
    if quiet <= stale_after:
        return clock  # open and busy, or closed only just: its events may still be landing
    if is_open:
        return clock + STALE_RECHECK_S * (0.5 + hash(run_id) % 100 / 100)
    return NEVER


def int_or_zero(raw: bytes | None) -> int:
    try:
        return int(raw) if raw is not None else 0
    except ValueError:
        return 0
