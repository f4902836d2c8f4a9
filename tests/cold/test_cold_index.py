"""The cold index on real duckdb files: listing, per-file states, the cache, ts and .wal."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from arena_tui.broker.cold import FileState, index
from arena_tui.broker.cold.index import ColdIndex
from arena_tui.broker.cold.layout import discover, parse_name
from arena_tui.broker.cold.reader import Connections
from tests.cold.cold_helpers import (
    T0,
    Holder,
    compact,
    crash_writer,
    log_path,
    turn_rows,
    write_log,
)

A = "a" * 32
B = "b" * 32


def test_a_multi_run_file_lists_each_run_with_count_times_and_profile(tmp_path: Path) -> None:
    rows = turn_rows(A, "ag1", range(1, 4)) + turn_rows(B, "ag2", range(1, 3))
    path = write_log(log_path(tmp_path, "race"), rows)
    (file,) = ColdIndex(tmp_path).refresh()
    assert file.state is FileState.READY
    assert file.path == path
    assert (file.label, file.name.started_at) == ("race", T0)
    assert [(r.run_id, r.count, r.profile) for r in file.runs] == [
        (A, 18, "boom"),
        (B, 12, "boom"),
    ]
    assert file.runs[0].first_ts == datetime(2026, 6, 7, 12, 0, 0, 250000)
    assert file.ts_offset == timedelta(0)


def test_a_fork_file_names_its_parent_and_turn(tmp_path: Path) -> None:
    fork = [
        (A, "", 3, "fork", compact({"kind": "fork", "parent_run_id": B, "parent_t": 3,
                                    "mutation_summary": "gold +300"}), T0, 1),
        *turn_rows(A, "ag", range(1, 3)),
    ]  # fmt: skip
    write_log(tmp_path / "2026-06-07" / "fork-120000123456.duckdb", fork)
    (file,) = ColdIndex(tmp_path).refresh()
    assert file.label == "fork"
    assert file.name.started_at == T0.replace(microsecond=123456)
    assert file.runs[0].parent == (B, 3)


def test_unlisted_files_are_one_line_each_and_hide_nothing(tmp_path: Path) -> None:
    write_log(log_path(tmp_path, "race"), turn_rows(A, "ag", [1]))
    write_log(log_path(tmp_path, "smoke"), [])
    foreign = log_path(tmp_path, "notes")
    import duckdb

    conn = duckdb.connect(str(foreign))
    conn.execute("CREATE TABLE other (x INTEGER)")
    conn.close()
    junk = log_path(tmp_path, "junk")
    junk.write_bytes(b"this is not a database" * 300)
    held = log_path(tmp_path, "rank", T0 + timedelta(hours=1))
    holder = Holder(held)
    try:
        files = {f.label: f for f in ColdIndex(tmp_path).refresh()}
    finally:
        holder.release()
    assert files["race"].state is FileState.READY
    assert files["smoke"].state is FileState.EMPTY
    assert files["notes"].state is FileState.FOREIGN
    assert files["junk"].state is FileState.FOREIGN, files["junk"].message
    assert files["rank"].state is FileState.LOCKED
    assert files["rank"].line() == (
        "rank started 2026-06-07 13:00:00 UTC: being written (another process holds it); "
        "its runs are readable when the operation ends"
    )
    assert (
        files["notes"].line()
        == "notes started 2026-06-07 12:00:00 UTC: not an arena log (no events table)"
    )
    assert files["smoke"].line() == "smoke started 2026-06-07 12:00:00 UTC: empty (no events)"


def test_a_locked_file_is_retried_and_listed_once_released(tmp_path: Path) -> None:
    path = log_path(tmp_path, "rank")
    holder = Holder(path)
    cold = ColdIndex(tmp_path)
    try:
        assert cold.refresh()[0].state is FileState.LOCKED
    finally:
        holder.release()
    (file,) = cold.refresh()
    assert file.state is FileState.READY
    assert [r.run_id for r in file.runs] == ["abc"]


def test_a_killed_writers_wal_is_replayed_read_only(tmp_path: Path) -> None:
    path = log_path(tmp_path, "race")
    crash_writer(path)
    assert Path(f"{path}.wal").exists()
    (file,) = ColdIndex(tmp_path).refresh()
    assert file.state is FileState.READY
    assert [(r.run_id, r.count) for r in file.runs] == [("abc", 1)]
    assert Path(f"{path}.wal").exists()  # read-only: no checkpoint


def test_scans_are_cached_by_size_and_mtime(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_log(log_path(tmp_path, "race"), turn_rows(A, "ag", [1]))
    scans: list[Path] = []
    real = index.scan_file

    def counting(p: Path, stat: tuple[int, int], conns: Connections) -> index.ColdFile:
        scans.append(p)
        return real(p, stat, conns)

    monkeypatch.setattr(index, "scan_file", counting)
    cold = ColdIndex(tmp_path)
    cold.refresh()
    cold.refresh()
    assert scans == [path]
    cold.connections.close()  # a reader blocks a writer, even in this process
    write_log(path, turn_rows(B, "ag", [1]))  # the stat changes (a name collision appends)
    (file,) = cold.refresh()
    assert scans == [path, path]
    assert {r.run_id for r in file.runs} == {A, B}


def test_discovery_globs_one_level_newest_first_and_ignores_wal(tmp_path: Path) -> None:
    old = write_log(log_path(tmp_path, "race"), [])
    new = write_log(log_path(tmp_path, "smoke", T0 + timedelta(days=1)), [])
    os.utime(old, (1_000_000, 1_000_000))
    (tmp_path / "deep" / "er").mkdir(parents=True)
    write_log(tmp_path / "deep" / "er" / "x-120000.duckdb", [])
    (tmp_path / "2026-06-07" / "race-120000.duckdb.wal").write_bytes(b"")
    assert discover(tmp_path) == [new, old]
    assert discover(tmp_path / "missing") == []


def test_names_parse_like_the_arena() -> None:
    assert parse_name(Path("r/2026-06-07/rank-235959.duckdb")).started_at == datetime(
        2026, 6, 7, 23, 59, 59, tzinfo=UTC
    )
    assert parse_name(Path("r/2026-06-07/my-label-120000.duckdb")).label == "my"
    odd = parse_name(Path("r/anything/scratch.duckdb"))
    assert (odd.label, odd.started_at) == ("scratch", None)


_TZ_WRITER = textwrap.dedent(
    """
    import sys, duckdb
    from datetime import datetime, UTC
    conn = duckdb.connect(sys.argv[1])
    conn.execute({ddl!r})
    conn.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                 ["abc", "a", 1, "metric", "{{}}", datetime(2026, 6, 7, 12, 0, tzinfo=UTC), 1])
    conn.close()
    """
)


@pytest.mark.parametrize(
    ("zone", "hours"), [("Asia/Tokyo", 9), ("America/New_York", -4), ("UTC", 0)]
)
def test_a_writer_stores_its_local_wall_clock_time(tmp_path: Path, zone: str, hours: int) -> None:
    """The finding: an aware UTC datetime bound to the TIMESTAMP column is stored as the
    writer's local time (duckdb casts TIMESTAMPTZ with the session TimeZone)."""
    from tests.cold.cold_helpers import ARENA_DDL

    path = log_path(tmp_path, "race")
    path.parent.mkdir(parents=True)
    subprocess.run(
        [sys.executable, "-c", _TZ_WRITER.format(ddl=ARENA_DDL), str(path)],
        check=True,
        env={**os.environ, "TZ": zone},
        timeout=60,
    )
    (file,) = ColdIndex(tmp_path).refresh()
    stored = file.runs[0].first_ts
    assert stored == datetime(2026, 6, 7, 12, 0) + timedelta(hours=hours)
    assert file.ts_offset == timedelta(hours=hours)  # estimated from the file name
    assert file.to_utc(stored) == datetime(2026, 6, 7, 12, 0, tzinfo=UTC)
