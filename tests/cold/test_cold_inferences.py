"""The inferences of ``shared/cold-store.md`` that arena-tui can pin on real files: name
collisions, extra rows from a reused ``ranking`` id, fork order, and reading the arena's
duckdb 1.5.3 files."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import venv
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from arena_tui.arena.logs import OperationLog
from arena_tui.arena.runs import RunPlanner, run_events
from arena_tui.broker.cold import with_logs
from arena_tui.broker.cold.index import ColdIndex
from arena_tui.broker.inprocess import InProcessBroker
from tests.cold.cold_helpers import ARENA_DDL, T0, Holder, compact, log_path, turn_rows, write_log

A = "a" * 32
P = "f" * 32


async def test_a_name_collision_fails_on_the_lock_or_appends(tmp_path: Path) -> None:
    """§2.1: same label, same UTC second: concurrent → the second open fails on the lock;
    one after the other → the second appends to the first's file."""
    at = datetime(2026, 6, 7, 12, tzinfo=UTC)
    path = log_path(tmp_path, "race")
    holder = Holder(path)
    try:
        with pytest.raises(duckdb.IOException, match="lock"):
            await OperationLog(tmp_path, "race", at).open()
    finally:
        holder.release()
    for seed in (1, 2):
        log = await OperationLog(tmp_path, "race", at).open()
        log.emit(list(run_events(RunPlanner(seed).run("race", turns=1))))
        await log.close()
    (file,) = ColdIndex(tmp_path).refresh()
    assert {r.run_id for r in file.runs} == {"abc"} | {
        RunPlanner(s).run("race", turns=1).run_id for s in (1, 2)
    }


def test_the_arenas_own_order_moves_a_forks_first_events_ours_does_not(tmp_path: Path) -> None:
    """§4.4: ``ORDER BY t, rowid`` puts ``fork``/``world_mutation`` (t = parent_t = 3) after
    the child's turns 1..2; rowid order keeps them first, as the broker published them."""
    fork = compact({"kind": "fork", "parent_run_id": P, "parent_t": 3, "mutation_summary": "x"})
    mutation = compact({"kind": "world_mutation", "before_summary": "a", "after_summary": "b",
                        "reason": "x"})  # fmt: skip
    rows = [(A, "", 3, "fork", fork, T0, 1), (A, "", 3, "world_mutation", mutation, T0, 1)]
    rows += turn_rows(A, "ag", range(1, 4))
    path = write_log(log_path(tmp_path, "fork"), rows)
    conn = duckdb.connect(str(path), read_only=True)
    arena = [r[0] for r in conn.execute(
        "SELECT kind FROM events WHERE run_id = ? ORDER BY t, rowid", [A]).fetchall()]  # fmt: skip
    conn.close()
    assert arena.index("fork") == 12  # after turns 1 and 2 (6 events each)
    (file,) = ColdIndex(tmp_path).refresh()
    reader = with_logs(InProcessBroker(), tmp_path).store.reader(file, file.runs[0])
    assert [e.event.kind for e in reader.read(1, 3)] == ["fork", "world_mutation", "turn_start"]
    reader.connections.close()


async def test_extra_rows_from_a_reused_ranking_id_shift_the_alignment(tmp_path: Path) -> None:
    """§4.3: an old operation's retained ``ranking`` entries replayed into the new file put
    extra rows before the new ones: the block sits after row F, so the disk rows stay
    unnumbered (checked end to end against Redis in ``test_cold_redis``; here the position)."""
    from arena_tui.broker.codec import decode_entry, encode_event, entry_id
    from arena_tui.broker.cold.stitch import find_block
    from arena_tui.broker.models import Event

    old = turn_rows("ranking", "boom", range(1, 3))
    new = turn_rows("ranking", "boom", range(10, 14))
    write_log(log_path(tmp_path, "rank"), old + new)
    (file,) = ColdIndex(tmp_path).refresh()
    (run,) = file.runs
    events = [Event(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in new]
    redis = [decode_entry(entry_id(i), encode_event(e)) for i, e in enumerate(events, start=1)]
    first = 7  # Redis trimmed the new operation's seqs 1..6
    reader = with_logs(InProcessBroker(), tmp_path).store.reader(file, run)
    at = find_block(reader, redis[first - 1 : first - 1 + 8], first)
    assert at == len(old) + first  # 12 extra rows: j > F
    reader.connections.close()


_WRITER_153 = textwrap.dedent(
    """
    import sys, duckdb
    from datetime import datetime, UTC
    assert duckdb.__version__ == "1.5.3", duckdb.__version__
    conn = duckdb.connect(sys.argv[1])
    conn.execute({ddl!r})
    for i in range(3):
        conn.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                     ["abc", "a", i, "metric", '{{"kind":"metric"}}', datetime.now(UTC), 1])
    conn.close()
    """
)


@pytest.mark.timeout(600)
def test_files_written_by_the_arenas_duckdb_1_5_3_are_read(tmp_path: Path) -> None:
    """The arena locks duckdb 1.5.3; the range we pin (``>=1.5,<3``) must read its files."""
    env_dir = tmp_path / "venv153"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "duckdb==1.5.3"], check=True,
                   capture_output=True, timeout=500)  # fmt: skip
    path = log_path(tmp_path / "logs", "race")
    path.parent.mkdir(parents=True)
    subprocess.run([str(python), "-c", _WRITER_153.format(ddl=ARENA_DDL), str(path)],
                   check=True, timeout=60)  # fmt: skip
    (file,) = ColdIndex(tmp_path / "logs").refresh()
    assert [(r.run_id, r.count) for r in file.runs] == [("abc", 3)]
    assert sys.modules["duckdb"].__version__ != "1.5.3"
