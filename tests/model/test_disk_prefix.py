"""The log's rows above a trimmed start they do not line up with: unnumbered, paged, bannered.

Redis trimmed seqs 1..20 (the first retained is 21); the run's log holds rows before the first
retained event that cannot be given seqs (shifted or unaligned, ``broker.cold.stitch``). The
start gap row becomes a banner with both counts, and the log's rows are read above it in pages
as the cursor moves, never numbered. ``serve_disk`` answers those reads from a log whose rows
before the block are 1..``held``; ``serve`` answers seq reads from a broker holding 21..N.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from arena_tui.broker.models import ReadResult
from arena_tui.model.log import LogView, Purpose
from arena_tui.model.match import EventFilter
from arena_tui.model.rows import DiskPrefix, GapRow, UnnumberedRow
from arena_tui.model.seek import SeqTarget, StartTarget
from tests.support.events import RUN
from tests.support.events import numbered_all as envs
from tests.support.views import following, opened_at, serve, shape

SHIFTED = DiskPrefix("race-120000.duckdb", available_from=21, rows=17, aligned=True)


def serve_disk(view: LogView, held: int) -> LogView:
    """Answer the pending log read from a log whose shown rows are 1..``held``."""
    fetch = view.want
    assert fetch is not None
    assert fetch.purpose is Purpose.DISK, fetch
    if fetch.direction == "backward":
        stop = min(fetch.from_seq, held)
        got = range(max(1, stop - fetch.count + 1), stop + 1)
    else:
        start = max(fetch.from_seq, 1)
        got = range(start, min(held, start + fetch.count - 1) + 1)
    cold = tuple(replace(e, source="cold") for e in envs(got))
    return view.on_fetched(fetch, ReadResult(RUN, fetch.from_seq, cold, fetch.prefix_of, 0))


def banner(view: LogView) -> str:
    head = view.rows[0]
    assert isinstance(head, GapRow)
    assert head.disk is not None
    return head.describe()


def up(view: LogView, rows: int, *, held: int, seqs: range) -> LogView:
    """Move up one row at a time, answering every read the moves ask for."""
    for _ in range(rows):
        view = view.move(-1)
        while view.want is not None:
            if view.want.purpose is Purpose.DISK:
                view = serve_disk(view, held)
            else:
                view = serve(view, seqs)
    return view


def down(view: LogView, rows: int, *, held: int, seqs: range) -> LogView:
    for _ in range(rows):
        view = view.move(1)
        while view.want is not None:
            if view.want.purpose is Purpose.DISK:
                view = serve_disk(view, held)
            else:
                view = serve(view, seqs)
    return view


def test_the_start_gap_becomes_a_banner_with_both_counts_and_nothing_is_renumbered() -> None:
    view = opened_at(21, range(21, 61), page=100)
    assert shape(view.rows)[:2] == ["T1-20", "21"]
    shown = view.on_disk_prefix(SHIFTED)
    assert shape(shown.rows)[:2] == ["B1-20", "21"]
    assert banner(shown) == (
        "▲ 17 events from race-120000.duckdb, not aligned with Redis's seqs: Redis trimmed "
        "20 seqs, the log holds 17 rows before the first retained event"
    )
    assert SHIFTED.shorter() == (
        "▲ 17 events from race-120000.duckdb, not aligned with Redis's seqs (Redis trimmed 20)",
        "▲ 17 log rows above · Redis trimmed 20",
    )
    assert (shown.cursor_seq, shown.lost_count, shown.at_start) == (21, 20, False)
    assert shown.want is None  # nothing is read until the cursor goes there
    assert shown.on_disk_prefix(SHIFTED) is shown


def test_moving_above_the_banner_reads_the_log_rows_unnumbered_in_pages() -> None:
    view = opened_at(21, range(21, 61), page=5).on_disk_prefix(SHIFTED)
    view = view.move(-1)  # onto the banner: no read
    assert (view.want, view.cursor) == (None, 0)
    view = view.move(-1)
    assert view.want is not None
    assert (view.want.purpose, view.want.from_seq, view.want.direction) == (
        Purpose.DISK,
        17,
        "backward",
    )
    assert view.want.prefix_of == 21
    view = serve_disk(view, 17)
    assert shape(view.rows)[:7] == ["D13", "D14", "D15", "D16", "D17", "B1-20", "21"]
    assert (view.rows[view.cursor], view.at_start) == (view.rows[4], False)
    assert view.cursor_seq == 0  # an unnumbered row has no seq to show
    view = up(view, 20, held=17, seqs=range(21, 61))
    assert shape(view.rows)[:19] == [f"D{i}" for i in range(1, 18)] + ["B1-20", "21"]
    assert view.at_start
    assert view.cursor == 0
    log_rows = view.rows[:17]
    assert all(isinstance(r, UnnumberedRow) and r.envelope.source == "cold" for r in log_rows)
    assert view.move(-1).want is None  # the log's first row: nothing above
    assert view.lost_count == 20  # Redis's seqs 1..20 are still trimmed


def test_a_million_rows_are_read_a_page_at_a_time_and_the_window_stays_bounded() -> None:
    big = replace(SHIFTED, rows=1_000_000)
    view = opened_at(21, range(21, 61), page=50, max_rows=120).on_disk_prefix(big)
    view = up(view, 300, held=1_000_000, seqs=range(21, 61))
    assert len(view.rows) <= 120
    first = view.rows[0]
    assert isinstance(first, UnnumberedRow)
    assert first.index > 1_000_000 - 350
    assert not view.at_start
    assert not any(isinstance(row, GapRow) for row in view.rows)  # the bottom was dropped


def test_coming_back_down_reads_the_rows_again_then_the_banner_then_the_seqs() -> None:
    hundred = replace(SHIFTED, rows=100)
    view = opened_at(21, range(21, 400), page=10, max_rows=40).on_disk_prefix(hundred)
    view = up(view, 110, held=100, seqs=range(21, 400))
    assert shape(view.rows)[0] == "D1"
    assert "B1-20" not in shape(view.rows)  # the window's bottom was dropped on the way up
    view = down(view, 105, held=100, seqs=range(21, 400))
    assert view.cursor_seq == 25
    rows = shape(view.rows)
    at = rows.index("B1-20")
    assert rows[at - 1] == "D100"
    assert rows[at + 1] == "21"
    assert rows[:at] == [f"D{i}" for i in range(101 - at, 101)]  # read again, in order
    tail = [int(r) for r in rows[at + 1 :]]
    assert tail == list(range(21, 21 + len(tail)))  # the seqs resume where Redis's start
    assert len(view.rows) <= 40


def test_a_window_read_again_at_the_start_gets_the_banner_back() -> None:
    view = following(range(21, 2001), page=100).on_disk_prefix(SHIFTED)
    assert view.disk == SHIFTED
    assert not view.at_start
    view = view.seek(StartTarget())
    view = serve(view, range(21, 2001))
    while view.want is not None:
        view = serve(view, range(21, 2001))
    assert shape(view.rows)[:2] == ["B1-20", "21"]
    assert (view.cursor_seq, view.at_start) == (21, False)
    assert view.seek(SeqTarget(5)).cursor_seq == 21  # a trimmed seq lands after the banner


def test_a_log_that_does_not_line_up_shows_its_whole_copy_and_says_so() -> None:
    whole = DiskPrefix("race-120000.duckdb", available_from=21, rows=240, aligned=False)
    view = opened_at(21, range(21, 61), page=100).on_disk_prefix(whole)
    assert banner(view) == (
        "▲ 240 events from race-120000.duckdb, none lines up with Redis's seqs: Redis trimmed "
        "20 seqs; the log's whole copy of the run, unnumbered"
    )
    view = up(view, 2, held=240, seqs=range(21, 61))
    assert shape(view.rows)[:3] == ["D141", "D142", "D143"]


@pytest.mark.parametrize(
    "prefix",
    [
        pytest.param(replace(SHIFTED, available_from=31), id="for-another-first-seq"),
        pytest.param(replace(SHIFTED, rows=0), id="no-rows-before-the-block"),
    ],
)
def test_a_prefix_that_adds_no_rows_here_leaves_the_start_where_it_is(prefix: DiskPrefix) -> None:
    view = opened_at(21, range(21, 61), page=100).on_disk_prefix(prefix)
    assert view.at_start
    top = view.move(-2)
    assert top.want is None
    assert top.cursor == 0


def test_the_filter_and_a_reset_forget_nothing_they_should_not() -> None:
    view = opened_at(21, range(21, 61), page=100).on_disk_prefix(SHIFTED)
    view = view.with_filter(EventFilter(kinds=frozenset({"turn_start"})))
    assert view.disk == SHIFTED
    reset = view.on_reset(60, 3)
    assert reset.disk is None  # another run's past: its log rows are not this one's
