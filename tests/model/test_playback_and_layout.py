"""The replay clock, and the filter/wrap projection of the log view's rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from arena_tui.model.log import LogView
from arena_tui.model.log.layout import Layout, build_layout
from arena_tui.model.log.navigator import settle_top, snap, step
from arena_tui.model.playback import MAX_GAP, MAX_STEPS, Playback, Speed
from arena_tui.model.rows import EventRow, Row
from tests.support.views import following, opened_at, serve, shape

T0 = datetime(2026, 6, 7, 12, 0, tzinfo=UTC)


def at(*seconds: float | None) -> list[datetime | None]:
    return [None if s is None else T0 + timedelta(seconds=s) for s in seconds]


# -- playback -------------------------------------------------------------------------------------


def test_p_cycles_speeds_and_space_pauses_and_resumes() -> None:
    clock = Playback()
    assert clock.label == "⏸ 1x"
    clock = clock.cycle(0.0)
    assert (clock.playing, clock.label) == (True, "▶ 1x")
    assert clock.cycle(0.0).label == "▶ 10x"
    assert clock.cycle(0.0).cycle(0.0).label == "▶ max"
    assert clock.cycle(0.0).cycle(0.0).cycle(0.0).label == "▶ 1x"
    paused = clock.cycle(0.0).toggle(1.0)
    assert paused.label == "⏸ 10x"
    assert paused.toggle(5.0) == Playback(Speed.X10, True, 5.0)


@pytest.mark.parametrize(
    ("speed", "stamps", "now", "due", "since"),
    [
        # 1x: events 0.5 s apart are due one per 0.5 s of real time
        (Speed.X1, at(0, 0.5, 1.0, 1.5), 0.4, 0, 0.0),
        (Speed.X1, at(0, 0.5, 1.0, 1.5), 0.5, 1, 0.5),
        (Speed.X1, at(0, 0.5, 1.0, 1.5), 1.2, 2, 1.0),
        # 10x: the same gaps take a tenth
        (Speed.X10, at(0, 0.5, 1.0, 1.5), 0.1, 2, 0.1),
        # a ten-minute stall waits MAX_GAP, not ten minutes
        (Speed.X1, at(0, 600), MAX_GAP - 0.01, 0, 0.0),
        (Speed.X1, at(0, 600), MAX_GAP, 1, MAX_GAP),
        # time going backwards, or missing, waits nothing
        (Speed.X1, at(5, 4, None, 6), 0.0, 3, 0.0),
        # max takes everything there is, up to MAX_STEPS
        (Speed.MAX, at(0, 100, 200), 0.0, 2, 0.0),
    ],
)
def test_due_follows_the_runs_pacing(
    speed: Speed, stamps: list[datetime | None], now: float, due: int, since: float
) -> None:
    clock = Playback(speed, True, 0.0)
    got, after = clock.due(now, stamps)
    assert got == due
    assert after.since == pytest.approx(since)


def test_due_is_bounded_per_frame_and_nothing_when_paused() -> None:
    stamps = at(*range(1000))
    assert Playback(Speed.MAX, True, 0.0).due(0.0, stamps)[0] == MAX_STEPS
    assert Playback(Speed.X1, False, 0.0).due(99.0, stamps)[0] == 0


# -- layout ---------------------------------------------------------------------------------------


def kinds(view: LogView, *keep: str) -> Layout:
    """Show events whose kind is in ``keep`` (turn_start every 4th seq, else action)."""

    def shown(row: Row) -> bool:
        return not isinstance(row, EventRow) or row.envelope.event.kind in keep

    return build_layout(view.rows, shown)


def test_identity_layout_is_one_line_per_row() -> None:
    view = following(range(1, 21))
    layout = build_layout(view.rows)
    assert layout.identity
    assert layout.total == 20
    assert layout.at_line(5) == (5, 0)


def test_filtered_layout_keeps_gap_rows_and_wrapped_rows_take_lines() -> None:
    view = opened_at(1, range(5, 30))  # a trimmed gap row, then 5..29
    layout = kinds(view, "turn_start")
    assert [shape([view.rows[i]])[0] for i in layout.shown] == [
        "T1-4",
        "5",
        "9",
        "13",
        "17",
        "21",
        "25",
        "29",
    ]
    wrapped = build_layout(view.rows, None, lambda row: 2 if row.seq == 5 else 1)
    assert wrapped.lines_of(1) == (1, 2)
    assert wrapped.at_line(2) == (1, 1)
    assert wrapped.at_line(3) == (2, 0)


@pytest.mark.parametrize(
    ("delta", "cursor_seq"),
    [(-1, 13), (-2, 9), (1, 21), (2, 25)],
)
def test_steps_skip_hidden_rows(delta: int, cursor_seq: int) -> None:
    view = opened_at(1, range(1, 41)).move(16)  # on seq 17, a turn_start
    layout = kinds(view, "turn_start")
    moved = step(view, layout, delta)
    assert moved.cursor_seq == cursor_seq
    assert not moved.following


def test_a_step_from_a_hidden_row_counts_from_the_row_drawn_as_the_cursor() -> None:
    view = opened_at(1, range(1, 41)).move(18)  # on seq 19, an action: hidden; 17 is drawn
    layout = kinds(view, "turn_start")
    assert step(view, layout, 1).cursor_seq == 21
    assert step(view, layout, -1).cursor_seq == 13


def test_stepping_past_the_window_reads_the_next_page_then_snaps_onto_a_shown_row() -> None:
    view = opened_at(1, range(1, 2001), page=100)  # window 1..100; run goes to 2000
    layout = kinds(view, "turn_start")
    view = step(view, layout, 1)  # cursor 1 -> 5
    view = view.move(len(view.rows) - 1 - view.cursor)  # to the last row (100, hidden)
    view = snap(view, kinds(view, "turn_start"), 1)
    assert view.want is not None  # nothing shown after 100 in the window: read on
    view = serve(view, range(1, 2001))
    view = snap(view, kinds(view, "turn_start"), 1)
    assert view.cursor_seq == 101


def test_snap_leaves_a_following_view_alone() -> None:
    view = following(range(1, 41))  # newest (40) is an action: hidden, yet still following
    assert snap(view, kinds(view, "turn_start"), 1) is view


def test_settle_top_keeps_the_cursor_row_on_screen() -> None:
    layout = Layout(range(100), range(101))
    assert settle_top(layout, 0, 10, 50, following=False, context=False) == 41
    assert settle_top(layout, 0, 10, 50, following=False, context=True) == 48
    assert settle_top(layout, 45, 10, 50, following=False, context=True) == 45
    assert settle_top(layout, 0, 10, 50, following=True, context=False) == 90
