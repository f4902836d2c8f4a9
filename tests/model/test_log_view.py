"""The log view's rules, table-driven and without a terminal: follow, pause, scrub, overflow, gaps.

Each case starts from a view loaded the way the app loads it (``following``: the newest page of
a run; ``opened_at``: the page at a seq) and applies transitions, answering any range read the
view asks for from a broker that holds a given seq range (``serve``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from arena_tui.model.log import LogView, Purpose
from arena_tui.model.match import EventFilter
from arena_tui.model.rows import GapRow, MarkRow
from arena_tui.model.seek import EndTarget, RelativeTarget, SeqTarget, StartTarget, TurnTarget
from arena_tui.model.words import jump_text
from tests.support.events import RUN
from tests.support.events import numbered as env
from tests.support.events import numbered_all as envs
from tests.support.views import following, fulfil, opened_at, result, serve, shape

Step = Callable[[LogView], LogView]


def run_steps(view: LogView, steps: list[Step]) -> LogView:
    for step in steps:
        view = step(view)
    return view


# -- follow and pause ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "cursor_seq", "is_following", "new"),
    [
        pytest.param([], 30, True, 0, id="opens-following-the-newest"),
        pytest.param([lambda v: v.on_events(envs([31, 32]))], 32, True, 0, id="follows-new"),
        pytest.param([lambda v: v.move(-1)], 29, False, 0, id="up-pauses"),
        pytest.param([lambda v: v.move(1)], 30, True, 0, id="down-at-newest-keeps-following"),
        pytest.param(
            [lambda v: v.move(-1), lambda v: v.on_events(envs([31, 32, 33]))],
            29,
            False,
            3,
            id="paused-counts-new-and-stays",
        ),
        pytest.param(
            [lambda v: v.move(-3), lambda v: v.on_events(envs([31])), lambda v: v.follow()],
            31,
            True,
            0,
            id="end-resumes-and-clears-count",
        ),
        pytest.param(
            [lambda v: v.move(-2), lambda v: v.on_events(envs([31])), lambda v: v.move(3)],
            31,
            True,
            0,
            id="moving-down-onto-newest-resumes",
        ),
        pytest.param([lambda v: v.page_move(-1)], 21, False, 0, id="pgup-pauses"),
        pytest.param([lambda v: v.seek(SeqTarget(12))], 12, False, 0, id="seek-in-window"),
        pytest.param([lambda v: v.seek(RelativeTarget(-5))], 25, False, 0, id="relative"),
        pytest.param(
            [lambda v: v.seek(SeqTarget(10)), lambda v: v.seek(EndTarget())],
            30,
            True,
            0,
            id="end-target-follows",
        ),
        pytest.param([lambda v: v.scroll_to(0)], 10, False, 0, id="scrollbar-up-pauses"),
        pytest.param([lambda v: v.select(4)], 5, False, 0, id="click-pauses"),
    ],
)
def test_follow_and_pause(steps: list[Step], cursor_seq: int, is_following: bool, new: int) -> None:
    view = run_steps(following(range(1, 31)), steps)
    assert view.want is None
    assert (view.cursor_seq, view.following, view.new_count) == (cursor_seq, is_following, new)
    assert view.top <= view.cursor < view.top + view.height, "the cursor is always on screen"


def test_following_keeps_the_newest_row_on_the_last_line() -> None:
    view = following(range(1, 31), height=10).on_events(envs(range(31, 41)))
    assert shape(view.visible) == [str(s) for s in range(31, 41)]
    assert view.top == len(view.rows) - 10


def test_an_empty_run_follows_its_first_event() -> None:
    view = serve(LogView.open(RUN), range(1, 1))
    assert (view.rows, view.following, view.at_head) == ((), True, True)
    view = view.on_events(envs([1, 2]))
    assert (shape(view.rows), view.cursor_seq) == (["1", "2"], 2)


# -- bounded window -----------------------------------------------------------------------------


def test_following_never_holds_more_than_max_rows() -> None:
    view = following(range(1, 41), max_rows=50, page=20)
    for start in range(41, 1041, 37):
        view = view.on_events(envs(range(start, start + 37)))
    assert len(view.rows) == 50
    assert view.cursor_seq == view.last_seq == 1076
    assert not view.at_start


def test_a_burst_larger_than_the_window_keeps_only_its_tail() -> None:
    view = following(range(1, 11), max_rows=50).on_events(envs(range(11, 10_011)))
    assert shape(view.rows) == [str(s) for s in range(9961, 10_011)]
    assert view.cursor_seq == 10_010


def test_paused_window_detaches_instead_of_dropping_the_cursor() -> None:
    view = following(range(1, 41), max_rows=50, page=40).seek(SeqTarget(25))
    view = view.on_events(envs(range(41, 71)))
    assert view.cursor_seq == 25, "the cursor's event is still there"
    assert not view.at_head
    assert view.new_count == 30
    assert view.last_seq == 70
    # End reads the head again (the tail's events were only counted).
    view = view.follow()
    assert view.want is not None
    assert view.want.purpose is Purpose.HEAD
    view = serve(view, range(1, 71))
    assert (view.cursor_seq, view.following, view.at_head, view.new_count) == (70, True, True, 0)


# -- scrubbing past the window's edges ----------------------------------------------------------


def test_moving_above_the_window_reads_the_previous_page_and_finishes_the_move() -> None:
    view = following(range(1, 1001), page=100)
    assert shape(view.rows)[0] == "901"
    view = view.seek(SeqTarget(901)).move(-3)
    assert view.want is not None
    assert (view.want.purpose, view.want.from_seq, view.want.direction) == (
        Purpose.OLDER,
        900,
        "backward",
    )
    view = serve(view, range(1, 1001))
    assert view.want is None
    assert view.cursor_seq == 898
    assert shape(view.rows)[0] == "801"


def test_keys_pressed_while_a_page_is_loading_add_up() -> None:
    view = following(range(1, 1001), page=100).seek(SeqTarget(901)).move(-1)
    pending = view.want
    view = view.move(-1).move(-1)
    assert view.want is not None
    assert pending is not None
    assert view.want.id == pending.id, "the read in flight is reused"
    view = view.on_fetched(pending, result(range(801, 901), requested=900, last=1000))
    assert view.cursor_seq == 898


def test_moving_below_a_detached_window_reads_the_next_page() -> None:
    view = opened_at(100, range(1, 1001), page=100)
    assert (view.cursor_seq, view.at_head, view.following) == (100, False, False)
    view = view.seek(SeqTarget(199)).move(5)
    assert view.want is not None
    assert view.want.purpose is Purpose.NEWER
    assert view.want.from_seq == 200
    view = serve(view, range(1, 1001))
    assert view.cursor_seq == 204


def test_reading_to_the_newest_page_reattaches_to_the_tail() -> None:
    view = opened_at(950, range(1, 1001), page=100)
    assert view.at_head, "a forward read that came back short reached the newest event"
    view = view.on_events(envs([1001, 1002]))
    assert shape(view.rows)[-1] == "1002"
    assert view.new_count == 2


def test_home_reads_from_the_first_available() -> None:
    view = following(range(1, 1001), page=100).seek(StartTarget())
    view = serve(view, range(1, 1001))
    assert (view.cursor_seq, view.top, view.at_start, view.lost_count) == (1, 0, True, 0)


def test_a_stale_read_is_ignored() -> None:
    view = following(range(1, 1001), page=100).seek(SeqTarget(10))
    first = view.want
    view = view.seek(SeqTarget(500))
    assert first is not None
    stale = view.on_fetched(first, result(range(10, 110), requested=10, last=1000))
    assert stale is view
    assert serve(view, range(1, 1001)).cursor_seq == 500


def test_a_read_for_another_run_is_ignored() -> None:
    view = LogView.open(RUN)
    assert view.want is not None
    other = view.on_fetched(view.want, result([1], run_id="r2"))
    assert other is view


# -- overflow: jumping visibly ------------------------------------------------------------------

JUMP = jump_text(1, 4204)


def served(view: LogView, seqs: range) -> LogView:
    """Answer every read the view asks for until it wants none."""
    while view.want is not None:
        view = serve(view, seqs)
    return view


def test_a_jump_reads_a_screenful_first_and_the_rest_of_its_page_once_that_is_shown() -> None:
    view = following(range(1, 20_001), page=500).seek(SeqTarget(7_000))
    back = view.height  # a screen above the target, so it lands with context above it
    assert view.want is not None
    assert (view.want.purpose, view.want.count) == (Purpose.JUMP, view.screenful + back)
    assert view.want.from_seq == 7_000 - back
    assert view.screenful < view.page
    view = serve(view, range(1, 20_001))
    assert view.cursor_seq == 7_000, "the cursor is on the target with the first read"
    assert len(view.rows) == view.screenful + back
    assert view.want is not None
    assert (view.want.purpose, view.want.from_seq) == (Purpose.NEWER, 7_000 + view.screenful)
    cursor, top = view.cursor, view.top
    view = serve(view, range(1, 20_001))
    assert view.want is None
    assert shape(view.rows)[0] == str(7_000 - back)
    assert len(view.rows) == view.screenful + back + view.page
    assert (view.cursor, view.top, view.cursor_seq) == (cursor, top, 7_000), "nothing moved"


def test_jump_text_matches_the_ux() -> None:
    assert JUMP == "jumped from seq 1 to 4,204: 4,203 events were trimmed by the broker"
    assert jump_text(9, 10) == "jumped from seq 9 to 10: 1 event was trimmed by the broker"


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: opened_at(1, range(4204, 8413)), id="--seq 1"),
        pytest.param(
            lambda: served(following(range(4204, 8413)).seek(SeqTarget(1)), range(4204, 8413)),
            id="g 1",
        ),
        pytest.param(
            lambda: served(following(range(4204, 8413)).seek(StartTarget()), range(4204, 8413)),
            id="home",
        ),
        pytest.param(
            lambda: following(range(4204, 4300), page=500).seek(SeqTarget(1)),
            id="g 1 with the start already in the window",
        ),
    ],
)
def test_asking_for_a_trimmed_seq_jumps_with_a_gap_row_a_notice_and_a_count(
    make: Callable[[], LogView],
) -> None:
    view = make()
    assert view.want is None
    assert shape(view.rows)[:2] == ["T1-4203", "4204"]
    assert view.cursor_seq == 4204
    assert view.top == 0, "the gap row is on screen above the cursor"
    assert view.toast is not None
    assert view.toast.text == JUMP
    assert view.lost_count == 4203
    assert view.available_from == 4204


def test_the_same_jump_twice_counts_lost_events_once() -> None:
    view = opened_at(1, range(4204, 8413))
    view = view.seek(SeqTarget(1))
    assert view.want is None, "the start is already in the window"
    assert view.lost_count == 4203
    assert view.toast is not None
    assert view.toast.id == 2, "but tells the user again"


def test_tail_falling_behind_appends_a_gap_and_follows_on() -> None:
    view = following(range(1, 101)).on_trimmed(101, 301)
    assert shape(view.rows)[-2:] == ["100", "T101-300"]
    view = view.on_events(envs([301, 302]))
    assert shape(view.rows)[-3:] == ["T101-300", "301", "302"]
    assert (view.cursor_seq, view.lost_count, view.available_from) == (302, 200, 301)
    assert view.toast is not None
    assert view.toast.text == jump_text(101, 301)


def test_tail_trim_while_detached_is_counted_and_shown_when_read() -> None:
    view = opened_at(10, range(1, 2000), page=100)
    view = view.on_trimmed(2000, 2500)
    assert view.lost_count == 500
    assert view.toast is not None
    assert not any(isinstance(r, GapRow) for r in view.rows)


def test_reading_newer_rows_that_were_trimmed_meanwhile_shows_the_gap() -> None:
    view = opened_at(10, range(1, 2000), page=100).seek(SeqTarget(109)).move(1)
    view = serve(view, range(150, 2000))
    assert shape(view.rows)[99:102] == ["109", "T110-149", "150"]
    assert view.lost_count == 40
    assert view.toast is not None
    assert view.toast.text == jump_text(110, 150)


def test_scrolling_up_into_trimmed_history_stops_at_the_gap() -> None:
    view = following(range(4204, 4900), page=500)
    assert shape(view.rows)[0] == "4400"
    view = view.seek(SeqTarget(4400)).move(-1)
    view = serve(view, range(4204, 4900))
    assert shape(view.rows)[:2] == ["T1-4203", "4204"]
    assert view.at_start
    assert view.lost_count == 4203
    view = view.move(-1000)
    assert view.want is None
    assert view.cursor == 0


def test_seeking_beyond_the_newest_lands_on_the_newest() -> None:
    view = following(range(1, 101)).seek(SeqTarget(5000))
    assert view.cursor_seq == 100
    assert not view.following
    assert view.toast is not None
    assert "not written yet" in view.toast.text


# -- holes and marks ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seqs", "expected"),
    [
        ([1, 2, 3], ["1", "2", "3"]),
        ([1, 2, 5, 6], ["1", "2", "H3-4", "5", "6"]),
        ([1, 3, 3, 4], ["1", "H2-2", "3", "4"]),
    ],
)
def test_holes_in_a_read_become_gap_rows(seqs: list[int], expected: list[str]) -> None:
    view = fulfil(LogView.open(RUN), seqs)
    assert shape(view.rows) == expected


def test_holes_in_the_live_tail_become_gap_rows() -> None:
    view = following(range(1, 11)).on_events(envs([11, 14]))
    assert shape(view.rows)[-3:] == ["11", "H12-13", "14"]
    gap = view.rows[-2]
    assert isinstance(gap, GapRow)
    assert gap.describe() == "⚠ seq 12–13 missing: never written to the stream (2 events)"
    assert view.lost_count == 0, "holes are not trimming"


def test_replayed_duplicates_are_never_shown_twice() -> None:
    view = following(range(1, 11)).on_events(envs([9, 10, 11]))
    assert shape(view.rows)[-3:] == ["9", "10", "11"]


def test_reconnect_leaves_a_mark_where_it_happened() -> None:
    view = following(range(1, 11)).on_reconnected(12.2).on_events(envs([11]))
    assert shape(view.rows)[-3:] == ["10", "M10", "11"]
    mark = view.rows[-2]
    assert isinstance(mark, MarkRow)
    assert mark.describe() == "⟳ reconnected after 12 s"


def test_trimmed_gap_text() -> None:
    view = opened_at(1, range(4204, 4300))
    assert isinstance(view.rows[0], GapRow)
    assert view.rows[0].describe() == "⚠ seq 1–4,203 trimmed by the broker (4,203 events)"


# -- turns --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "steps", "cursor_seq"),
    [
        pytest.param(10, [lambda v: v.turn_step(1)], 13, id="next-turn"),
        pytest.param(10, [lambda v: v.turn_step(-1)], 9, id="start-of-this-turn"),
        pytest.param(9, [lambda v: v.turn_step(-1)], 5, id="previous-turn"),
        pytest.param(10, [lambda v: v.seek(TurnTarget(5))], 17, id="turn-in-window"),
        pytest.param(3, [lambda v: v.turn_step(-1)], 1, id="first-turn"),
    ],
)
def test_turn_steps_in_the_window(start: int, steps: list[Step], cursor_seq: int) -> None:
    view = following(range(1, 41)).seek(SeqTarget(start))
    view = run_steps(view, steps)
    assert view.want is None
    assert view.cursor_seq == cursor_seq


def test_a_turn_outside_the_window_is_resolved_by_a_read() -> None:
    view = following(range(1, 2001), page=100).seek(TurnTarget(3))
    assert view.want is not None
    assert view.want.turn == 3
    view = serve(view, range(1, 2001))
    assert view.cursor_seq == 9
    assert view.rows[view.cursor].envelope.event.t == 3  # type: ignore[union-attr]


def test_a_turn_not_started_yet_is_said_so() -> None:
    view = following(range(1, 41)).seek(TurnTarget(99))
    assert view.want is None
    assert view.toast is not None
    assert view.toast.text == "turn 99 has not started; the newest is 10"


# -- misc ---------------------------------------------------------------------------------------


def test_world_is_the_newest_turn_start() -> None:
    view = following(range(1, 11)).on_events([env(11, kind="turn_start", turn_num=3)])
    assert view.world is not None
    assert view.world.seq == 11
    view = view.on_events([env(12, kind="action")])
    assert view.world is not None
    assert view.world.seq == 11


def test_tail_starts_after_what_the_window_holds() -> None:
    assert following(range(1, 101)).tail_from == 101
    assert opened_at(10, range(1, 2001), page=100).tail_from == 2001


def test_resize_keeps_the_cursor_on_screen() -> None:
    view = following(range(1, 101)).seek(SeqTarget(50)).resize(3)
    assert view.top <= view.cursor < view.top + 3
    assert replace(view, following=True).resize(40).top == 60


def test_a_stale_first_available_still_gives_one_notice_with_the_true_numbers() -> None:
    view = following(range(4300, 8413)).on_run_info(4204, 8412)  # the listing lags the broker
    view = serve(view.seek(SeqTarget(1)), range(4300, 8413))
    assert view.toast is not None
    assert (view.toast.id, view.toast.text) == (1, jump_text(1, 4300))
    assert view.lost_count == 4299


def test_seeking_into_a_trimmed_gap_inside_the_window_lands_after_it() -> None:
    view = following(range(1, 101)).on_trimmed(101, 301).on_events(envs(range(301, 311)))
    view = view.seek(SeqTarget(150))
    assert view.cursor_seq == 301
    assert view.toast is not None
    assert view.toast.text == jump_text(150, 301)


def test_next_turn_at_the_newest_says_so() -> None:
    view = following(range(1, 41)).seek(SeqTarget(38)).turn_step(1)
    assert view.cursor_seq == 38
    assert view.toast is not None
    assert view.toast.text.startswith("no later turn")
    assert view.toast.text.endswith(" yet")


def test_turn_steps_follow_turn_starts_in_seq_order_with_interleaved_agents() -> None:
    # Agent B is ten turns ahead of agent A; ] must never move backwards.
    a = [env(1, t=1, kind="turn_start"), env(2, t=1), env(5, t=2, kind="turn_start")]
    b = [env(3, t=11, kind="turn_start"), env(4, t=11), env(6, t=12, kind="turn_start")]
    view = LogView.open(RUN)
    assert view.want is not None
    read = result([], last=6)
    read = replace(read, envelopes=tuple(sorted(a + b, key=lambda e: e.seq)))
    view = view.on_fetched(view.want, read).seek(SeqTarget(2))
    seqs = []
    for _ in range(3):
        view = view.turn_step(1)
        seqs.append(view.cursor_seq)
    assert seqs == [3, 5, 6]
    assert view.turn_step(-1).cursor_seq == 5


def test_paused_new_count_counts_only_events_the_filter_shows() -> None:
    # four events a turn: one turn_start, three actions
    view = following(range(1, 41), max_rows=50, page=40).seek(SeqTarget(25))
    view = replace(view, count_filter=EventFilter(kinds=frozenset({"turn_start"})))
    view = view.on_events(envs(range(41, 81)))  # 10 turn_starts among 40 events
    assert view.new_count == 10
    view = replace(view, count_filter=EventFilter())
    view = view.on_events(envs(range(81, 85)))
    assert view.new_count == 14


def test_a_trimmed_start_that_becomes_readable_gives_way_to_its_events_in_place() -> None:
    view = opened_at(1, range(21, 61), page=100)  # seqs 1..20 trimmed: a start gap row
    assert shape(view.rows)[:2] == ["T1-20", "21"]
    assert (view.cursor_seq, view.lost_count) == (21, 20)
    newest = following(range(21, 2001), page=100)  # the window is far from the start
    assert newest.on_prefix_readable() is newest
    filled = view.on_prefix_readable()
    assert filled.want is not None
    assert (filled.want.from_seq, filled.want.direction) == (20, "backward")
    filled = serve(filled, range(1, 61))  # the log lines up: the broker reads from seq 1 now
    assert shape(filled.rows)[:3] == ["1", "2", "3"]
    assert (filled.cursor_seq, filled.lost_count, filled.at_start) == (21, 0, True)
    assert filled.on_prefix_readable() is filled
