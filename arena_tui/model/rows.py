"""The rows of the log pane: events, and markers saying exactly what is missing and why.

A log that silently skips seqs lies about position, so every discontinuity becomes a row where
it happens: a ``GapRow`` for seqs the broker trimmed or that were never written (a producer that
crashed between INCR and XADD leaves a hole), and a ``MarkRow`` for things that happened to the
connection ("reconnected after 12 s"). ``rows_from`` builds rows from envelopes in seq order,
inserting hole rows wherever consecutive seqs jump.

One kind of row has no seq: an ``UnnumberedRow`` is a row of the run's DuckDB log shown above
the first retained event when the log does not line up with Redis's seqs (``DiskPrefix``:
holes or extra rows shift it, or its rows cannot be matched at all), so no seq can be given to
it without inventing one. Those rows come before seq 1 in the window (``seq`` 0), and the start
gap row below them says why (``GapRow.disk``: both counts).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from arena_tui.broker.models import Envelope, Seq
from arena_tui.model.text import safe_text
from arena_tui.model.words import plural, seq_span


@dataclass(frozen=True, slots=True)
class EventRow:
    envelope: Envelope

    @property
    def seq(self) -> Seq:
        return self.envelope.seq

    @property
    def last(self) -> Seq:
        return self.envelope.seq

    @property
    def turn(self) -> int:
        return self.envelope.event.t


class GapKind(enum.StrEnum):
    TRIMMED = "trimmed"
    """Gone from the broker: MAXLEN trimmed them before this viewer read them."""
    HOLE = "hole"
    """Never in the stream: the seq counter moved but no entry was written."""


@dataclass(frozen=True, slots=True)
class DiskPrefix:
    """What a run's log holds before its first retained seq when it does not line up with
    Redis's seqs: ``rows`` rows of ``file``, shown unnumbered above the start gap row.

    ``aligned``: the first retained events were found as a block in the log, at row
    ``rows + 1`` (holes or extra rows make that differ from ``available_from``), so ``rows`` are
    the log's rows before them; otherwise no block was found and ``rows`` is the log's whole
    copy of the run."""

    file: str
    available_from: Seq
    rows: int
    aligned: bool

    @property
    def trimmed(self) -> int:
        return self.available_from - 1

    def banner(self) -> str:
        name = safe_text(self.file)
        if self.aligned:
            return (
                f"▲ {plural(self.rows, 'event')} from {name}, not aligned with Redis's seqs: "
                f"Redis trimmed {plural(self.trimmed, 'seq')}, the log holds "
                f"{plural(self.rows, 'row')} before the first retained event"
            )
        return (
            f"▲ {plural(self.rows, 'event')} from {name}, none lines up with Redis's seqs: "
            f"Redis trimmed {plural(self.trimmed, 'seq')}; the log's whole copy of the run, "
            "unnumbered"
        )

    def shorter(self) -> tuple[str, str]:
        """Both counts in fewer words, for a pane too narrow for ``banner`` (the detail pane
        has it all): with the file's name, and without."""
        name = safe_text(self.file)
        how = "not aligned with" if self.aligned else "none lines up with"
        rows, trimmed = plural(self.rows, "event"), f"Redis trimmed {self.trimmed:,}"
        medium = f"▲ {rows} from {name}, {how} Redis's seqs ({trimmed})"
        short = f"▲ {plural(self.rows, 'log row')} {'above' if self.aligned else 'unaligned'}"
        return medium, f"{short} · {trimmed}"


@dataclass(frozen=True, slots=True)
class GapRow:
    kind: GapKind
    first: Seq
    last: Seq
    disk: DiskPrefix | None = None
    """A trimmed start whose log rows are shown above it, unnumbered: the banner it says."""

    @property
    def seq(self) -> Seq:
        return self.first

    @property
    def count(self) -> int:
        return self.last - self.first + 1

    def describe(self) -> str:
        if self.disk is not None:
            return self.disk.banner()
        span = seq_span(self.first, self.last)
        if self.kind is GapKind.TRIMMED:
            return f"⚠ {span} trimmed by the broker ({plural(self.count, 'event')})"
        return f"⚠ {span} missing: never written to the stream ({plural(self.count, 'event')})"


@dataclass(frozen=True, slots=True)
class MarkRow:
    """Something that happened between two seqs, e.g. a reconnect. ``after`` is the seq before."""

    after: Seq
    text: str

    @property
    def seq(self) -> Seq:
        return self.after

    @property
    def last(self) -> Seq:
        return self.after

    def describe(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class UnnumberedRow:
    """Row ``index`` (1-based) of the run's log, shown without a seq (see ``DiskPrefix``)."""

    index: int
    envelope: Envelope

    @property
    def seq(self) -> Seq:
        return 0

    @property
    def last(self) -> Seq:
        return 0


Row = EventRow | GapRow | MarkRow | UnnumberedRow


def rows_from(envelopes: Iterable[Envelope], *, after: Seq | None = None) -> list[Row]:
    """Event rows in order, with a hole row wherever the seq jumps by more than one.

    ``after`` is the seq of the row that will precede these (None: no hole check at the start).
    Envelopes at or below the previous seq are dropped (a replayed duplicate is never shown twice).
    """
    rows: list[Row] = []
    previous = after
    for envelope in envelopes:
        if previous is not None:
            if envelope.seq <= previous:
                continue
            if envelope.seq > previous + 1 and not envelope.foreign_id:
                rows.append(GapRow(GapKind.HOLE, previous + 1, envelope.seq - 1))
        rows.append(EventRow(envelope))
        previous = envelope.seq
    return rows


Spans = tuple[tuple[Seq, Seq], ...]


def add_span(spans: Spans, first: Seq, last: Seq) -> Spans:
    """The union of ``spans`` and ``[first, last]``, merged and sorted."""
    if last < first:
        return spans
    merged: list[tuple[Seq, Seq]] = []
    for a, b in sorted((*spans, (first, last))):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return tuple(merged)


def span_total(spans: Spans) -> int:
    return sum(b - a + 1 for a, b in spans)
