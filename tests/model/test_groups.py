"""Runs grouped by operation for the sidebar: files, live operations, forks, folding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from arena_tui.broker.models import RunInfo, RunMeta, RunStatus
from arena_tui.model.groups import GroupRow, RunRow, operation_key, sidebar_rows
from arena_tui.model.runs import RunList

T0 = datetime(2026, 6, 7, 12, tzinfo=UTC)


def _run(run_id: str, label: str | None = "rank", *, at: datetime | None = T0,
         db: str | None = None, status: RunStatus = RunStatus.FINISHED,
         parent: tuple[str, int] | None = None) -> RunInfo:  # fmt: skip
    return RunInfo(run_id, RunMeta(label, at), status, 1, 1, 1, db_path=db, parent=parent)


def test_an_operation_is_its_file_else_its_label_and_start() -> None:
    assert operation_key(_run("a", db="x.duckdb")) == "file:x.duckdb"
    assert operation_key(_run("a")) == f"live:rank:{T0.isoformat()}"
    assert operation_key(_run("a", None)) is None
    assert operation_key(_run("a", at=None)) is None


def test_groups_of_two_or_more_get_a_row_and_keep_the_list_order() -> None:
    runs = [
        _run("live1", status=RunStatus.OPEN),
        _run("solo", "race", at=T0 + timedelta(hours=1)),
        _run("cold1", db="f.duckdb"),
        _run("live2", status=RunStatus.FINISHED),
        _run("cold2", db="f.duckdb"),
    ]
    rows = sidebar_rows(runs)
    assert [type(r).__name__ for r in rows] == [
        "GroupRow", "RunRow", "RunRow", "RunRow", "GroupRow", "RunRow", "RunRow"
    ]  # fmt: skip
    live = rows[0]
    assert isinstance(live, GroupRow)
    assert (live.label, live.count, live.status, live.started_at) == ("rank", 2, RunStatus.OPEN, T0)
    assert [r.row_id for r in rows if isinstance(r, RunRow)] == [
        "live1", "live2", "solo", "cold1", "cold2"
    ]  # fmt: skip
    assert [r.depth for r in rows if isinstance(r, RunRow)] == [1, 1, 0, 1, 1]


def test_a_folded_group_hides_its_runs() -> None:
    runs = [_run("a", db="f"), _run("b", db="f"), _run("c", "race", at=None)]
    rows = sidebar_rows(runs, folded={"file:f"})
    assert [r.row_id for r in rows] == ["group:file:f", "c"]
    assert isinstance(rows[0], GroupRow)
    assert rows[0].folded


def test_forks_sit_under_their_listed_parent() -> None:
    runs = [
        _run("fork1", "fork", db="fork-1", parent=("p", 3)),
        _run("p", "race", db="race.duckdb"),
        _run("orphan", "fork", db="fork-2", parent=("gone", 5)),
        _run("fork2", "fork", db="fork-3", parent=("fork1", 1)),
    ]
    rows = sidebar_rows(runs)
    assert [(r.row_id, r.depth) for r in rows if isinstance(r, RunRow)] == [
        ("p", 0), ("fork1", 1), ("fork2", 2), ("orphan", 0)
    ]  # fmt: skip


def test_the_run_list_folds_the_group_under_the_cursor_and_keeps_it_folded() -> None:
    runs = [_run("a", db="f"), _run("b", db="f"), _run("c", "race", at=None)]
    listed = RunList().refreshed(runs).highlight("b")
    assert [r.row_id for r in listed.rows] == ["group:file:f", "a", "b", "c"]
    folded = listed.fold("b")  # on a run of the group: the group folds, the cursor moves up
    assert folded.highlighted == "group:file:f"
    assert [r.row_id for r in folded.rows] == ["group:file:f", "c"]
    again = folded.refreshed([*runs, _run("d", db="f")])  # a poll keeps it folded
    assert [r.row_id for r in again.rows] == ["group:file:f", "c"]
    assert again.highlighted == "group:file:f"
    row = again.rows[0]
    assert isinstance(row, GroupRow)
    assert row.count == 3
    assert row.folded
    unfolded = again.fold("group:file:f", folded=False)
    assert [r.row_id for r in unfolded.rows] == ["group:file:f", "a", "b", "d", "c"]
    assert listed.fold("c") == listed  # a lone run has no group to fold


def test_a_highlighted_run_hidden_by_a_fold_hands_the_cursor_to_its_group() -> None:
    runs = [_run("a", db="f"), _run("b", db="f")]
    listed = RunList().refreshed(runs).highlight("a").fold("a").highlight("a")
    assert listed.refreshed(runs).highlighted == "group:file:f"


def test_opening_a_run_in_a_folded_group_unfolds_it() -> None:
    runs = [_run("a", db="f"), _run("b", db="f"), _run("k", "fork", db="g", parent=("a", 2))]
    folded = RunList().refreshed(runs).fold("a")
    assert [r.row_id for r in folded.rows] == ["group:file:f"]
    opened = folded.open("k")  # a fork under a run of the folded group
    assert [r.row_id for r in opened.rows] == ["group:file:f", "a", "k", "b"]
    assert (opened.highlighted, opened.opened) == ("k", "k")
    assert opened.group_of("k") == opened.rows[0]
