"""The sidebar's columns at its two widths: the seq is never cut mid-number, headings align."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from arena_tui.broker.models import RunInfo, RunMeta, RunStatus
from arena_tui.model.groups import GroupRow
from arena_tui.ui.widgets.run_rows import group_line, heading, run_line

NOW = datetime(2026, 6, 7, 12, tzinfo=UTC)
RUN = RunInfo(
    "3f2a9c1e" + "0" * 24, RunMeta("rank", NOW), RunStatus.FINISHED, 1_234_567, 1_234_567, 1,
    last_event_at=NOW - timedelta(minutes=12),
)  # fmt: skip


@pytest.mark.parametrize(("width", "seq"), [(46, 1_234_567), (26, 234_567), (26, 5_297)])
@pytest.mark.parametrize("depth", [0, 1, 2])
def test_the_seq_sits_whole_under_its_heading(width: int, seq: int, depth: int) -> None:
    info = replace(RUN, last_seq=seq)
    line = run_line(info, NOW, width, depth=depth, opened=False).plain
    head = heading(width).plain
    assert len(line) <= width
    assert len(head) <= width
    assert line.rstrip().endswith(f"{seq:,}")
    assert len(line.rstrip()) == head.index("seq") + len("seq")
    assert "rank" in line
    assert "12m" in line


def test_in_the_narrow_sidebar_id_and_age_shrink_and_a_seq_with_no_room_is_an_ellipsis() -> None:
    line = run_line(RUN, NOW, 26, depth=0, opened=False).plain  # 30 columns less border, bar
    assert line.split() == ["✓", "rank", "3f2a…", "12m", "…"]
    assert line.rstrip().endswith(" …")
    assert "1," not in line
    squeezed = run_line(RUN, NOW, 16, depth=3, opened=False).plain
    assert squeezed.rstrip().endswith("…")
    assert "1," not in squeezed


@pytest.mark.parametrize(("width", "expected"), [(46, "12 runs"), (26, "12 runs"), (16, "12")])
def test_a_group_row_has_label_start_count_and_status(width: int, expected: str) -> None:
    row = GroupRow("file:x", "rank", NOW, 12, RunStatus.OPEN, folded=True)
    line = group_line(row, width).plain
    assert line.startswith("● ▸ rank")
    assert line.rstrip().endswith(expected)
    assert len(line) <= width
    start = NOW.astimezone().strftime("%H:%M:%S" if width > 26 else "%H:%M")
    assert (start in line) == (width >= 26)
