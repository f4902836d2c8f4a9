"""How one row of the log pane becomes one line of cells.

Columns are fixed-width (seq, time, turn, agent, kind) so the column header is a plain line and
a row's look never depends on its neighbours; the summary takes the rest and is cut with an
ellipsis. Every piece of event text is already terminal-safe (``safe_text`` via ``summarize``
and ``short_id``) and goes into a ``Segment`` as plain text, so nothing an agent writes is ever
parsed as markup or reaches the terminal as a control sequence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import tzinfo

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from arena_tui.broker.models import KNOWN_KINDS, Envelope
from arena_tui.model.rows import EventRow, GapKind, GapRow, Row
from arena_tui.model.summary import short_id
from arena_tui.model.text import safe_text

SEQ_W, TIME_W, TURN_W, AGENT_W, KIND_W = 9, 8, 4, 5, 14
HEADER = f"{'seq':>{SEQ_W}} {'time':<{TIME_W}} {'t':>{TURN_W}} {'agent':<{AGENT_W}} " + (
    f"{'kind':<{KIND_W}} summary"
)
FIXED_W = SEQ_W + TIME_W + TURN_W + AGENT_W + KIND_W + 5
KIND_CLASSES = {kind: f"log-pane--kind-{kind}" for kind in KNOWN_KINDS}
UNKNOWN_KIND_CLASS = "log-pane--kind-unknown"


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


def render_row(
    row: Row,
    *,
    width: int,
    tz: tzinfo,
    styles: RowStyles,
    cursor: bool,
    summary: Callable[[Envelope], str],
) -> Strip:
    base = styles.base + styles.cursor if cursor else styles.base
    if isinstance(row, EventRow):
        segments = _event_segments(row.envelope, tz, styles, summary, width)
    else:
        style = styles.mark
        if isinstance(row, GapRow):
            style = styles.trimmed if row.kind is GapKind.TRIMMED else styles.hole
        text = f"┄┄ {row.describe()} "
        segments = [Segment(text + "┄" * max(0, width - cell_len(text)), style)]
    if cursor:
        segments = [
            Segment(text, (style or Style()) + styles.cursor) for text, style, _ in segments
        ]
    return Strip(segments).crop_extend(0, width, base)


def _event_segments(
    envelope: Envelope,
    tz: tzinfo,
    styles: RowStyles,
    summary: Callable[[Envelope], str],
    width: int,
) -> list[Segment]:
    event = envelope.event
    ts = event.ts.astimezone(tz).strftime("%H:%M:%S") if event.ts else "--:--:--"
    agent = short_id(event.agent_id, AGENT_W - 1) if event.agent_id else "—"
    kind = safe_text(event.kind)
    kind_style = styles.kinds.get(event.kind, styles.unknown)
    text_style = styles.broken if envelope.broken else styles.base
    return [
        Segment(f"{envelope.seq:>{SEQ_W},} ", styles.dim),
        Segment(f"{ts:<{TIME_W}} ", styles.dim),
        Segment(f"{event.t:>{TURN_W}} ", styles.dim),
        Segment(set_cell_size(agent, AGENT_W) + " ", styles.dim),
        Segment(set_cell_size(kind, KIND_W) + " ", kind_style),
        Segment(_fit(summary(envelope), width - FIXED_W), text_style),
    ]


def _fit(text: str, cells: int) -> str:
    """``text`` cut to ``cells`` terminal cells, with an ellipsis when something was cut."""
    if cells <= 0:
        return ""
    if cell_len(text) <= cells:
        return text
    return set_cell_size(text, cells - 1) + "…"
