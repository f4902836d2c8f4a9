"""The activity chart's data: counts per second, the seqs read, the gaps, and their bins.

``ChartData`` (``model.charts``) keeps, besides the world and cost points, one ``Second`` (a
count and the first seq) per second of the run and one ``Span`` per stretch of consecutive seqs
read. From the spans come the gaps (``Gap``): the head the broker trimmed and the holes in the
seq sequence, with the times they cover. ``bins`` turns the seconds and gaps into what a chart
of a given width draws: equal stretches of time, each with its rate, its first seq (where a
click jumps) and whether it lies in a gap. Apart from the fold because this is time arithmetic over
small summaries, not event handling: it can be read, and tested, without any event.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from arena_tui.broker.models import Seq


@dataclass(frozen=True, slots=True)
class Second:
    count: int
    first_seq: Seq


@dataclass(frozen=True, slots=True)
class Span:
    """Consecutive seqs read, with the times of the first and last (None: no timestamp)."""

    first_seq: Seq
    last_seq: Seq
    first_ts: float | None
    last_ts: float | None


@dataclass(frozen=True, slots=True)
class Gap:
    """Seqs ``first_seq..last_seq`` that are not there, between the times around them."""

    first_seq: Seq
    last_seq: Seq
    from_ts: float | None
    to_ts: float | None
    trimmed: bool
    """Before the first seq read (trimmed by the broker), not a hole between two events."""


BucketState = Literal["events", "quiet", "trimmed", "hole"]


@dataclass(frozen=True, slots=True)
class Bucket:
    start: float
    rate: float
    """Events per second in this stretch."""
    first_seq: Seq | None
    state: BucketState


@dataclass(frozen=True, slots=True)
class ActivitySeries:
    start: float
    width: float
    """Seconds per bucket."""
    buckets: tuple[Bucket, ...]

    def index_at(self, ts: float) -> int | None:
        """The bucket holding the time ``ts`` (None outside the series)."""
        if not self.buckets:
            return None
        index = math.floor((ts - self.start) / self.width)
        return index if 0 <= index < len(self.buckets) else None

    def target(self, index: int) -> Seq | None:
        """The seq a jump to bucket ``index`` should land on: its first event, else the first
        event after it (a gap or a quiet stretch jumps to where events resume)."""
        for bucket in self.buckets[index:]:
            if bucket.first_seq is not None:
                return bucket.first_seq
        for bucket in reversed(self.buckets[:index]):
            if bucket.first_seq is not None:
                return bucket.first_seq
        return None


def bins(
    seconds: Mapping[int, Mapping[int, Second]],
    gaps: Sequence[Gap],
    started_at: float | None,
    buckets: int,
) -> ActivitySeries:
    """Events/s in ``buckets`` equal stretches of time (at least a second each: fewer buckets
    for a short run) from the run's start (or its first event) to its newest event; each bucket
    knows its first seq and whether it lies in one of ``gaps``. ``seconds`` is in blocks."""
    stamps = [second for block in seconds.values() for second in block]
    if not stamps or buckets < 1:
        return ActivitySeries(0.0, 1.0, ())
    start = float(min(stamps))
    if started_at is not None:
        start = min(start, math.floor(started_at))
    end = float(max(stamps) + 1)
    width = max(1.0, (end - start) / buckets)
    buckets = max(1, math.ceil((end - start) / width - 1e-9))  # a short run: fewer buckets
    counts = [0] * buckets
    firsts: list[Seq | None] = [None] * buckets
    for block in seconds.values():
        for second, seen in block.items():
            index = min(buckets - 1, int((second - start) // width))
            counts[index] += seen.count
            known = firsts[index]
            firsts[index] = seen.first_seq if known is None else min(known, seen.first_seq)
    made: list[Bucket] = []
    for index in range(buckets):
        lo = start + index * width
        state: BucketState = "events" if counts[index] else "quiet"
        if not counts[index]:
            for gap in gaps:
                if _covers(gap, lo, lo + width, start):
                    state = "trimmed" if gap.trimmed else "hole"
                    break
        made.append(Bucket(lo, counts[index] / width, firsts[index], state))
    return ActivitySeries(start, width, tuple(made))


def merge_spans(spans: tuple[Span, ...], batch: list[Span]) -> tuple[Span, ...]:
    """``spans`` with a batch's spans added, touching or overlapping ones joined."""
    if not batch:
        return spans
    merged: list[Span] = []
    for span in sorted((*spans, *batch), key=lambda s: s.first_seq):
        if merged and span.first_seq <= merged[-1].last_seq + 1:
            last = merged[-1]
            if span.last_seq > last.last_seq:
                merged[-1] = replace(last, last_seq=span.last_seq, last_ts=span.last_ts)
        else:
            merged.append(span)
    return tuple(merged)


def _covers(gap: Gap, lo: float, hi: float, start: float) -> bool:
    begin = gap.from_ts if gap.from_ts is not None else start
    end = gap.to_ts if gap.to_ts is not None else begin
    return begin < hi and end > lo
