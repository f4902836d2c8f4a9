"""Writing logs like the arena: ``produce --logs-root``, the demo's temporary root, and the
lock an operation holds; and startup never importing duckdb."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from arena_tui.arena.demo import DEMO_MAX_LEN, run_demo
from arena_tui.arena.logs import OperationLog
from arena_tui.arena.runs import RunPlanner, run_events
from arena_tui.broker.codec import encode_payload
from arena_tui.broker.cold import with_logs
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.broker.models import RunStatus
from tests.cold.cold_helpers import run_cli

ARENA_COLUMNS = [
    ("run_id", "VARCHAR"),
    ("agent_id", "VARCHAR"),
    ("t", "INTEGER"),
    ("kind", "VARCHAR"),
    ("payload_json", "VARCHAR"),
    ("ts", "TIMESTAMP"),
    ("schema_version", "INTEGER"),
]


def test_produce_writes_the_operation_like_the_arena(tmp_path: Path) -> None:
    args = ("produce", "--runs", "2", "--turns", "3", "--rate", "0", "--label", "rank")
    result = run_cli(*args, "--seed", "5", "--logs-root", "out", env={}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    ids = result.stdout.split()
    (path,) = (tmp_path / "out").glob("*/*.duckdb")
    assert path.parent.name == datetime.now(UTC).strftime("%Y-%m-%d")
    assert path.name.startswith("rank-")
    assert len(path.stem) == len("rank-HHMMSS")
    assert f"to {Path('out') / path.parent.name / path.name}" in result.stderr
    conn = duckdb.connect(str(path), read_only=True)
    columns = conn.execute("DESCRIBE events").fetchall()
    rows = conn.execute("SELECT * FROM events ORDER BY rowid").fetchall()
    conn.close()
    assert [(c[0], c[1]) for c in columns] == ARENA_COLUMNS
    assert {r[0] for r in rows} == {*ids, "ranking"}
    assert [r[0] for r in rows][-6:] == ["ranking"] * 6
    for run_id in ids:
        mine = [r for r in rows if r[0] == run_id]
        assert len({r[1] for r in mine}) == 1  # one agent per run
        assert [r[3] for r in mine[:3]] == ["turn_start", "llm_prompt", "llm_response"]
        for r in mine:
            payload = json.loads(r[4])
            assert r[4] == encode_payload(r[3], payload).decode()  # the wire's ``p``
            assert r[6] == 1
    out = run_cli("--logs-root", "out", "runs", "--json", env={}, cwd=tmp_path).stdout
    listed = {r["run_id"]: r for r in json.loads(out)}
    assert set(listed) == {*ids, f"ranking@{path.parent.name}/{path.name}"}
    assert {r["source"] for r in listed.values()} == {"cold"}


def test_global_logs_root_reads_where_produce_wrote(tmp_path: Path) -> None:
    run_cli("produce", "--turns", "2", "--rate", "0", "--logs-root", "a/b", env={}, cwd=tmp_path)
    via_flag = run_cli("--logs-root", "a/b", "runs", "--json", env={}, cwd=tmp_path)
    via_env = run_cli("runs", "--json", env={"ARENA_LOGS_ROOT": "a/b"}, cwd=tmp_path)
    default = run_cli("runs", "--json", env={}, cwd=tmp_path)
    assert len(json.loads(via_flag.stdout)) == len(json.loads(via_env.stdout)) == 1
    assert json.loads(default.stdout) == []


_READER = (
    "import sys, duckdb\n"
    "try:\n"
    "    duckdb.connect(sys.argv[1], read_only=True).close(); print('opened')\n"
    "except duckdb.IOException as e:\n"
    "    print('locked' if 'lock' in str(e).lower() else e)\n"
)


def _other_process_opens(path: Path) -> str:
    out = subprocess.run([sys.executable, "-c", _READER, str(path)], capture_output=True,
                         text=True, timeout=60, check=True)  # fmt: skip
    return out.stdout.strip()


async def test_an_operation_log_is_held_until_the_operation_ends(tmp_path: Path) -> None:
    spec = RunPlanner(1).run("race", turns=2)
    log = await OperationLog(tmp_path, "race", datetime(2026, 6, 7, 12, tzinfo=UTC)).open()
    assert log.path == tmp_path / "2026-06-07" / "race-120000.duckdb"
    log.emit(list(run_events(spec)))
    assert await asyncio.to_thread(_other_process_opens, log.path) == "locked"
    await log.close()
    assert await asyncio.to_thread(_other_process_opens, log.path) == "opened"
    assert log.written == len(list(run_events(spec)))


async def test_the_demo_writes_cold_runs_and_a_stitched_race(tmp_path: Path) -> None:
    broker = with_logs(InProcessBroker(max_len=DEMO_MAX_LEN), tmp_path)
    task = asyncio.create_task(run_demo(broker, seed=7, speed=5.0, logs=tmp_path))
    try:
        async with asyncio.timeout(45):
            while True:
                infos = await broker.list_runs()
                stitched = [i for i in infos if i.source == "broker+cold" and i.available_from > 1]
                if stitched and sum(i.source == "cold" for i in infos) >= 7:
                    break
                await asyncio.sleep(0.2)
        by_source: dict[str, list[str]] = {}
        for info in infos:
            by_source.setdefault(info.source, []).append(info.meta.label or "?")
        assert sorted(by_source["cold"]) == ["rank"] * 5 + ["smoke"] * 2  # 4 runs + ranking
        assert any(i.arena_id == "ranking" for i in infos)
        (race,) = [i for i in infos if i.source == "broker+cold" and i.available_from > 1]
        assert race.meta.label == "race"
        assert race.status is RunStatus.FINISHED
        head = await broker.read_range(race.run_id, 1, count=3)
        assert head.available_from == 1
        assert [(e.seq, e.source) for e in head.envelopes] == [
            (1, "cold"),
            (2, "cold"),
            (3, "cold"),
        ]
        assert any(
            "rank started" in n and "being written (by this process)" in n for n in broker.notes
        )
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await broker.aclose()


def test_startup_and_an_empty_logs_root_never_import_duckdb(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from arena_tui import cli\n"
        "import arena_tui.ui.app, arena_tui.broker.cold\n"
        "assert cli.main(['runs']) == 0\n"
        "print('duckdb' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=tmp_path, timeout=60, check=True)  # fmt: skip
    assert out.stdout.splitlines()[-1] == "False"
