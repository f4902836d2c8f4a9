"""The sidebar's run list: order, selection kept by id across refreshes, badges and ages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from arena_tui.broker.models import RunInfo, RunMeta, RunStatus
from arena_tui.model.runs import RunList, age, badge
from arena_tui.model.words import duration

NOW = datetime(2026, 6, 7, 12, 0, tzinfo=UTC)


def info(
    run_id: str,
    status: RunStatus = RunStatus.OPEN,
    label: str | None = "race",
    *,
    started: float = 120,
    last: float = 30,
) -> RunInfo:
    """A run started ``started`` seconds ago whose newest event is ``last`` seconds old."""
    return RunInfo(
        run_id=run_id,
        meta=RunMeta(label=label, started_at=NOW - timedelta(seconds=started)),
        status=status,
        n_events=10,
        last_seq=10,
        available_from=1,
        last_event_at=NOW - timedelta(seconds=last),
    )


def ids(runs: RunList) -> list[str]:
    return [r.run_id for r in runs.runs]


def test_open_then_stale_then_finished() -> None:
    runs = RunList().refreshed(
        [
            info("f1", RunStatus.FINISHED),
            info("o1"),
            info("s1", RunStatus.STALE),
            info("o2"),
        ]
    )
    assert ids(runs) == ["o1", "o2", "s1", "f1"]
    assert runs.title == "RUNS (3 open · 1 finished)"


def test_order_within_a_group_does_not_follow_activity() -> None:
    """Busy runs must not swap places on every poll: open by start, finished by end."""
    first = [info("old", started=600, last=1), info("new", started=60, last=5)]
    later = [info("old", started=600, last=9), info("new", started=60, last=0.1)]
    done = [info("f-early", RunStatus.FINISHED, last=900), info("f-late", RunStatus.FINISHED)]
    assert ids(RunList().refreshed(first + done)) == ["new", "old", "f-late", "f-early"]
    assert ids(RunList().refreshed(later + done)) == ["new", "old", "f-late", "f-early"]


@pytest.mark.parametrize(
    ("before", "highlighted", "after", "expected"),
    [
        pytest.param(["a", "b"], "b", ["new", "a", "b"], "b", id="kept-when-a-run-appears-above"),
        pytest.param(["a", "b", "c"], "b", ["a", "c"], "c", id="gone-moves-to-same-place"),
        pytest.param(["a", "b"], "b", ["a"], "a", id="gone-at-the-end-clamps"),
        pytest.param([], None, ["a", "b"], "a", id="first-load-highlights-the-first"),
        pytest.param(["a"], "a", [], None, id="empty"),
    ],
)
def test_selection_survives_refreshes(
    before: list[str], highlighted: str | None, after: list[str], expected: str | None
) -> None:
    runs = RunList().refreshed(info(i) for i in before).highlight(highlighted)
    assert runs.refreshed(info(i) for i in after).highlighted == expected


def test_first_load_highlights_the_opened_run() -> None:
    runs = RunList().open("b").refreshed([info("a"), info("b")])
    assert runs.highlighted == "b"


@pytest.mark.parametrize(
    ("label", "expected"),
    [("race", "race"), ("rank", "rank"), ("smoke", "smoke"), (None, "?"), ("\x1b[2J", "\\x1b…")],
)
def test_badge(label: str | None, expected: str) -> None:
    assert badge(info("a", label=label)) == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [(RunStatus.OPEN, "2m"), (RunStatus.STALE, "stale 30s"), (RunStatus.FINISHED, "30s ago")],
)
def test_age(status: RunStatus, expected: str) -> None:
    assert age(info("a", status), NOW) == expected


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (59.9, "59s"), (60, "1m"), (3599, "59m"), (3600, "1h"), (90_000, "1d"), (-5, "0s")],
)
def test_duration(seconds: float, text: str) -> None:
    assert duration(seconds) == text


def test_a_run_the_tail_saw_finish_is_finished_at_once_and_open_again_if_events_arrive() -> None:
    """Issue 10: the header said finished while the sidebar still said open (the listing's
    grace kept a closed run open for 5 s after its last event)."""
    runs = RunList().refreshed([info("a"), info("b")]).open("a")
    runs = runs.finished("a", 10)
    assert [r.status for r in runs.runs] == [RunStatus.OPEN, RunStatus.FINISHED]
    assert runs.title == "RUNS (1 open · 1 finished)"
    runs = runs.refreshed([info("a"), info("b")])  # the listing still says open (grace)
    assert status(runs, "a") is RunStatus.FINISHED
    more = [RunInfo("a", RunMeta(), RunStatus.OPEN, 11, 11, 1), info("b")]
    assert status(runs.refreshed(more), "a") is RunStatus.OPEN


def status(runs: RunList, run_id: str) -> RunStatus:
    found = runs.get(run_id)
    assert found is not None
    return found.status


def test_a_failed_listing_is_a_problem_until_the_next_good_one() -> None:
    runs = RunList().failed("authentication failed")
    assert runs.problem == "authentication failed"
    assert runs.refreshed([info("a")]).problem == ""
