"""Issue 10's log view rules: past a run's end, jumps with context, ``+N new`` that sticks."""

from __future__ import annotations

from arena_tui.broker.models import ReadResult
from arena_tui.model.log import LogView
from arena_tui.model.seek import SeqTarget, StartTarget
from tests.support.events import RUN
from tests.support.events import numbered_all as envs
from tests.support.views import following, serve


def finished_run(view: LogView) -> LogView:
    return view.on_finished()


def test_open_at_a_seq_past_a_finished_runs_end_lands_on_its_last_event() -> None:
    """Defect 4: ``--run FINISHED --seq 5000`` on a 977-event run showed an empty log."""
    view = LogView.open(RUN, seq=5_000, height=20)
    while view.want is not None:
        view = serve_closed(view, range(1, 978))
    assert view.cursor_seq == 977
    assert view.rows, "not an empty log"
    assert view.toast is not None
    assert view.toast.text == "the run ended at seq 977: showing its last event"
    assert view.cursor - view.top > 0, "with the events before it above"
    assert view.follow().cursor_seq == 977, "End recovers"


def test_g_past_a_finished_runs_end_says_it_ended() -> None:
    view = finished_run(following(range(1, 978), height=20)).seek(SeqTarget(1))
    view = serve(view, range(1, 978))
    view = view.seek(SeqTarget(5_000))
    while view.want is not None:
        view = serve(view, range(1, 978))
    assert view.cursor_seq == 977
    assert view.toast is not None
    assert view.toast.text == "the run ended at seq 977: showing its last event"


def test_a_jump_near_the_end_fills_the_screen_with_the_events_above_it() -> None:
    """Defect 11: the target sat on the top row with blank lines below it."""
    view = following(range(1, 5_001), height=20, page=500).seek(SeqTarget(1))
    view = serve(view, range(1, 5_001))
    view = view.seek(SeqTarget(4_995))
    while view.want is not None:
        view = serve(view, range(1, 5_001))
    assert view.cursor_seq == 4_995
    assert view.top == len(view.rows) - view.height, "the screen is full"
    assert view.cursor - view.top == view.height - 6


def test_a_jump_lands_with_context_above_it() -> None:
    view = following(range(1, 20_001), height=20).seek(SeqTarget(7_000))
    view = serve(view, range(1, 20_001))
    assert view.cursor_seq == 7_000
    assert view.cursor - view.top == 3  # min(3, height // 4) rows above it
    assert view.rows[view.top].seq < 7_000


def test_new_count_survives_home_and_g_until_following_resumes() -> None:
    """'+N new' reset on Home or g: it counts what arrived since following stopped."""
    view = following(range(1, 5_001), height=10, max_rows=300).move(-5)
    view = view.on_events(envs(range(5_001, 5_011)))
    assert view.new_count == 10
    for target in (StartTarget(), SeqTarget(2_000)):
        view = view.seek(target)
        while view.want is not None:
            view = serve(view, range(1, 5_011))
        assert view.new_count == 10
    resumed = view.follow()
    while resumed.want is not None:
        resumed = serve(resumed, range(1, 5_011))
    assert resumed.new_count == 0


def serve_closed(view: LogView, seqs: range) -> LogView:
    """``serve``, from a broker whose run is closed (its reads say ``is_open`` False)."""
    assert view.want is not None
    fetch = view.want
    start = max(fetch.from_seq, seqs.start)
    got = (
        range(start, min(start + fetch.count, seqs.stop))
        if fetch.direction == "forward"
        else (range(max(seqs.start, seqs.stop - fetch.count), seqs.stop))
    )
    read = ReadResult(RUN, fetch.from_seq, tuple(envs(got)), seqs.start, seqs.stop - 1, False)
    return view.on_fetched(fetch, read)
