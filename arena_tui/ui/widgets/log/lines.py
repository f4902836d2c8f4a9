"""How one row of the log pane becomes one line of cells.

Columns are fixed-width (seq, time, turn, agent, kind) so the column header is a plain line and
a row's look never depends on its neighbours; the summary takes the rest and is cut with an
ellipsis, or wrapped onto continuation lines under the summary column (``w``). The time column
can be hidden (``t``). Search hits are painted in the summary; an event that matches only in
its payload gets its seq painted instead, so every hit on screen is visible. Every piece of
event text is already terminal-safe (``safe_text`` via ``summarize``
and ``short_id``) and goes into a ``Segment`` as plain text, so nothing an agent writes is ever
parsed as markup or reaches the terminal as a control sequence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo

from rich.cells import cell_len, chop_cells, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from arena_tui.broker.models import KNOWN_KINDS, Envelope
from arena_tui.model.rows import EventRow, GapKind, GapRow, Row, UnnumberedRow
from arena_tui.model.summary import short_id
from arena_tui.model.text import safe_text
from arena_tui.model.words import seq_span

SEQ_W, TIME_W, TURN_W, AGENT_W, KIND_W = 9, 8, 4, 5, 14
HEADER = f"{'seq':>{SEQ_W}} {'time':<{TIME_W}} {'t':>{TURN_W}} {'agent':<{AGENT_W}} " + (
    f"{'kind':<{KIND_W}} summary"
)
FIXED_W = SEQ_W + TIME_W + TURN_W + AGENT_W + KIND_W + 5
HEADER_NO_TIME = f"{'seq':>{SEQ_W}} {'t':>{TURN_W}} {'agent':<{AGENT_W}} {'kind':<{KIND_W}} summary"
HEADER_NARROW = f"{'seq':>{SEQ_W}} {'kind':<{KIND_W}} summary"
NARROW_BELOW = 60
"""A log pane narrower than this drops the time, turn and agent columns (the detail pane
still has them): seq, kind and the summary's first words stay on every row."""
KIND_CLASSES = {kind: f"log-pane--kind-{kind}" for kind in KNOWN_KINDS}
UNKNOWN_KIND_CLASS = "log-pane--kind-unknown"
COMPONENT_CLASSES = {
    "log-pane--cursor",
    "log-pane--dim",
    "log-pane--trimmed",
    "log-pane--hole",
    "log-pane--mark",
    "log-pane--broken",
    "log-pane--hit",
    UNKNOWN_KIND_CLASS,
    *KIND_CLASSES.values(),
}
"""The pane's component classes: every style a row is drawn with (``ui/app.tcss``)."""


@dataclass(frozen=True, slots=True)
class RowStyles:
    """Rich styles resolved from the pane's component classes (see ``ui/app.tcss``)."""

    base: Style
    cursor: Style
    dim: Style
    trimmed: Style
    hole: Style
    mark: Style
    broken: Style
    kinds: Mapping[str, Style]
    unknown: Style
    hit: Style = field(default_factory=lambda: Style(reverse=True))


def row_styles(base: Style, style: Callable[[str], Style]) -> RowStyles:
    """The styles of the pane's component classes (``style``: ``get_component_rich_style``)."""
    return RowStyles(
        base=base,
        cursor=style("log-pane--cursor"),
        dim=style("log-pane--dim"),
        trimmed=style("log-pane--trimmed"),
        hole=style("log-pane--hole"),
        mark=style("log-pane--mark"),
        broken=style("log-pane--broken"),
        kinds={kind: style(name) for kind, name in KIND_CLASSES.items()},
        unknown=style(UNKNOWN_KIND_CLASS),
        hit=style("log-pane--hit"),
    )


@dataclass(frozen=True, slots=True)
class RowOptions:
    """How rows are drawn: the time column, wrapping, and the search's highlighter."""

    show_time: bool = True
    wrap: bool = False
    highlight: Callable[[Envelope, str], Sequence[tuple[int, int]] | None] | None = None
    """Spans to paint in the summary; ``[]`` when the event matches elsewhere; None: no hit."""
    narrow: bool = False
    """Only seq, kind and summary (a pane narrower than ``NARROW_BELOW``)."""
    start_note: str = ""
    """Said on the gap row of a trimmed start instead of "by the broker" (where a locked log
    holds its events)."""

    @property
    def fixed(self) -> int:
        if self.narrow:
            return SEQ_W + KIND_W + 2
        return FIXED_W if self.show_time else FIXED_W - TIME_W - 1

    @property
    def header(self) -> str:
        if self.narrow:
            return HEADER_NARROW
        return HEADER if self.show_time else HEADER_NO_TIME


def summary_lines(text: str, width: int, options: RowOptions) -> list[str]:
    """The summary cut into the lines it takes: one, or as many as wrapping needs."""
    cells = width - options.fixed
    if not options.wrap or cells <= 0 or cell_len(text) <= cells:
        return [text]
    return chop_cells(text, cells)


def row_height(
    row: Row, width: int, summary: Callable[[Envelope], str], options: RowOptions
) -> int:
    if not options.wrap or not isinstance(row, EventRow | UnnumberedRow):
        return 1
    return len(summary_lines(summary(row.envelope), width, options))


def render_row(
    row: Row,
    *,
    width: int,
    tz: tzinfo,
    styles: RowStyles,
    cursor: bool,
    summary: Callable[[Envelope], str],
    options: RowOptions = RowOptions(),
    line: int = 0,
) -> Strip:
    """Line ``line`` of ``row`` (0 unless the row is wrapped over several lines)."""
    base = styles.base + styles.cursor if cursor else styles.base
    if isinstance(row, EventRow | UnnumberedRow):
        bare = isinstance(row, UnnumberedRow)
        segments = _event_segments(row.envelope, tz, styles, summary, width, options, line, bare)
    else:
        style = styles.mark
        if isinstance(row, GapRow):
            style = styles.trimmed if row.kind is GapKind.TRIMMED else styles.hole
        text = f"┄┄ {row.describe()} "
        if isinstance(row, GapRow) and row.disk is not None:
            for shorter in row.disk.shorter():
                if cell_len(text) <= width:
                    break
                text = f"┄┄ {shorter} "
        if options.start_note and isinstance(row, GapRow) and row.first == 1:
            text = f"┄┄ ⚠ {seq_span(1, row.last)} trimmed: {options.start_note} "
        segments = [Segment(text + "┄" * max(0, width - cell_len(text)), style)]
    if cursor:
        segments = [_on_cursor(segment, styles) for segment in segments]
    return _exact(segments, width, base)


def _exact(segments: list[Segment], width: int, pad: Style) -> Strip:
    """One strip of exactly ``width`` cells: padded with ``pad``, or cut when too wide.

    Built directly rather than with ``Strip.crop_extend``: every ``Strip`` costs seven caches,
    and this runs for every new line of every frame.
    """
    cells = sum(cell_len(segment.text) for segment in segments)
    if cells < width:
        segments.append(Segment(" " * (width - cells), pad))
    elif cells > width:
        return Strip(segments, cells).crop(0, width)
    return Strip(segments, width)


def _on_cursor(segment: Segment, styles: RowStyles) -> Segment:
    """The segment on the cursor row; a search hit keeps its own colours over the cursor's."""
    text, style, _ = segment
    style = style or Style()
    if style.bgcolor is not None and style.bgcolor == styles.hit.bgcolor:
        return Segment(text, styles.cursor + style)
    return Segment(text, style + styles.cursor)


def _event_segments(
    envelope: Envelope,
    tz: tzinfo,
    styles: RowStyles,
    summary: Callable[[Envelope], str],
    width: int,
    options: RowOptions,
    line: int,
    unnumbered: bool = False,
) -> list[Segment]:
    event = envelope.event
    text = summary(envelope)
    spans = options.highlight(envelope, text) if options.highlight else None
    text_style = styles.broken if envelope.broken else styles.base
    lines = summary_lines(text, width, options)
    if line > 0:
        offset = sum(len(chunk) for chunk in lines[:line])
        chunk = lines[line] if line < len(lines) else ""
        return [
            Segment(" " * options.fixed),
            *_painted(chunk, offset, spans, text_style, styles.hit),
        ]
    ts = event.ts.astimezone(tz).strftime("%H:%M:%S") if event.ts else "--:--:--"
    agent = short_id(event.agent_id, AGENT_W - 1) if event.agent_id else "—"
    kind = safe_text(event.kind)
    kind_style = styles.kinds.get(event.kind, styles.unknown)
    # an event read from the arena's DuckDB log (a cold run, a stitched prefix): "d" after its
    # seq; a log row that lines up with no seq (``UnnumberedRow``): "disk" and no number
    if unnumbered:
        seq = f"{'disk':>{SEQ_W}} "
    elif envelope.source == "cold":
        seq = f"{envelope.seq:>{SEQ_W - 1},}d "
    else:
        seq = f"{envelope.seq:>{SEQ_W},} "
    dim = f"{ts:<{TIME_W}} " if options.show_time and not options.narrow else ""
    if not options.narrow:
        dim += f"{event.t:>{TURN_W}} " + set_cell_size(agent, AGENT_W) + " "
    if spans is not None and not spans:  # a hit elsewhere in the event: the seq shows it
        segments = [Segment(seq, styles.hit), Segment(dim, styles.dim)]
    else:  # the dim columns as one segment: fewer segments for every later pass over the line
        segments = [Segment(seq + dim, styles.dim)]
    segments.append(Segment(set_cell_size(kind, KIND_W) + " ", kind_style))
    first = lines[0] if options.wrap else _fit(text, width - options.fixed)
    return segments + _painted(first, 0, spans, text_style, styles.hit)


def _painted(
    text: str, offset: int, spans: Sequence[tuple[int, int]] | None, style: Style, hit: Style
) -> list[Segment]:
    """``text`` (which starts at ``offset`` in the summary) with the hit spans in ``hit``."""
    if not spans:
        return [Segment(text, style)]
    segments: list[Segment] = []
    at = 0
    for start, end in spans:
        start, end = max(start - offset, at), min(end - offset, len(text))
        if end <= start:
            continue
        if start > at:
            segments.append(Segment(text[at:start], style))
        segments.append(Segment(text[start:end], style + hit))
        at = end
    if at < len(text):
        segments.append(Segment(text[at:], style))
    return segments


def _fit(text: str, cells: int) -> str:
    """``text`` cut to ``cells`` terminal cells, with an ellipsis when something was cut."""
    if cells <= 0:
        return ""
    if cell_len(text) <= cells:
        return text
    return set_cell_size(text, cells - 1) + "…"
