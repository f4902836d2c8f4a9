"""The runs sidebar's lines: its column heading, a run's row and an operation's group row.

The sidebar is 48 columns wide, 30 below 120 terminal columns (26 inside its border and
scrollbar), and a run's row can sit two levels deep (a fork under a run of a group). A row cut
at the edge would cut the one number a user reads it for in the middle (``1,23`` of
``1,234,567``), so the columns are laid out for the width instead: the seq column (the run's
last seq, as the status bar's ``seq N / N``) is kept whole at the right edge, the run id and the
age narrow first, the sparkline goes when it does not fit, and a seq that still has no room
shows as ``…``. The heading uses the same layout, so each heading sits over its column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text

from arena_tui.broker.models import RunInfo, RunStatus
from arena_tui.model.activity import SAMPLES
from arena_tui.model.groups import GroupRow
from arena_tui.model.runs import ICONS, age, badge
from arena_tui.model.summary import short_id
from arena_tui.model.text import clip, safe_text

STATUS_STYLE = {RunStatus.OPEN: "green", RunStatus.STALE: "yellow", RunStatus.FINISHED: "dim"}
SEQ_W = 10
"""A space and up to 7 digits with separators (``9,999,999``), right-aligned."""
NARROW_SEQ_W = 8
BADGE_W = 6


@dataclass(frozen=True, slots=True)
class Columns:
    indent: int
    id_w: int
    age_w: int
    seq_w: int
    spark: bool


def columns(width: int, depth: int = 0) -> Columns:
    """How wide each column of a run row is in ``width`` cells at ``depth``. The indent comes
    out of the id column, so the age and seq columns line up at every depth. In a narrow
    sidebar the seq column holds up to ``999,999``; a longer seq there shows as ``…``."""
    indent = min(depth, 3)
    seq_w = SEQ_W if width - 2 - BADGE_W - SEQ_W >= 19 else NARROW_SEQ_W
    rest = width - 2 - BADGE_W - seq_w
    if rest < 0:
        return Columns(indent, 0, 0, max(0, rest + seq_w - indent), spark=False)
    if rest >= 19:
        id_w, age_w = 10, 9
    elif rest >= 10:
        id_w, age_w = 6, rest - 6
    else:
        id_w, age_w = rest, 0
    spark = rest - id_w - age_w >= 1 + SAMPLES
    if indent > id_w:
        return Columns(indent, 0, age_w, max(0, seq_w - (indent - id_w)), spark)
    return Columns(indent, id_w - indent, age_w, seq_w, spark)


def heading(width: int) -> Text:
    cols = columns(width)
    text = Text(no_wrap=True, overflow="crop", style="dim")
    text.append(" " * (2 + cols.indent))
    text.append(_cell("label", BADGE_W))
    text.append(_cell("run", cols.id_w))
    text.append(_cell("age", cols.age_w, right=True))
    text.append(_cell("seq", cols.seq_w, right=True))
    return text


def run_line(
    info: RunInfo, now: datetime, width: int, *, depth: int, opened: bool, spark: str = ""
) -> Text:
    cols = columns(width, depth)
    strong = "bold" if opened else ""
    text = Text(no_wrap=True, overflow="crop")
    text.append(f"{ICONS[info.status]} ", STATUS_STYLE[info.status])
    text.append(" " * cols.indent)
    text.append(_cell(badge(info), BADGE_W), strong)
    short = short_id(info.run_id, max(1, cols.id_w - 2))
    text.append(_cell(short, cols.id_w), strong)
    when = age(info, now)
    if cols.age_w < 9:  # narrow: the duration alone (the icon says stale or finished)
        when = when.removeprefix("stale ").removesuffix(" ago")
    text.append(_cell(when, cols.age_w, right=True), "dim")
    text.append(_cell(f"{info.last_seq:,}", cols.seq_w, right=True))
    if spark and cols.spark:
        text.append(f" {spark}", STATUS_STYLE[info.status])
    return text


def group_line(row: GroupRow, width: int, *, opened: bool = False) -> Text:
    """``✓ ▾ rank  12:00:05   9 runs``: an operation's runs, folded (▸) or not (▾)."""
    text = Text(no_wrap=True, overflow="crop")
    text.append(f"{ICONS[row.status]} ", STATUS_STYLE[row.status])
    text.append("▸ " if row.folded else "▾ ", "bold")
    text.append(_cell(clip(safe_text(row.label), 5), BADGE_W), "bold" if opened else "")
    when = row.started_at.astimezone() if row.started_at else None
    rest = width - 4 - BADGE_W
    count = f"{row.count:,} runs"
    if rest < 7 + len(count):
        count = f"{row.count:,}"
    for fmt in ("%H:%M:%S", "%H:%M"):
        start = when.strftime(fmt) if when else ""
        if rest >= len(start) + 2 + len(count):
            text.append(_cell(start, len(start) + 1), "dim")
            rest -= len(start) + 1
            break
    text.append(_cell(count, rest, right=True))
    return text


def _cell(value: str, width: int, *, right: bool = False) -> str:
    """``value`` in ``width`` cells with a space on its left (right-aligned) or right; cut
    with ``…`` when it does not fit, a number then shown as ``…`` alone."""
    if width <= 0:
        return ""
    room = width - 1
    if room <= 0:
        return " " * width
    if len(value) > room:
        value = "…" if value[:1].isdigit() else value[: room - 1] + "…"
    return f" {value:>{room}}" if right else f"{value:<{room}} "
