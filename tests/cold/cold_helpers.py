"""Arena-shaped DuckDB logs made with plain duckdb calls: the arena's DDL, one autocommit
INSERT per event, in publish order (``shared/cold-store.md`` §2), and processes that hold or
crash a file the way a live or killed arena writer does."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

ARENA_DDL = (
    "CREATE TABLE IF NOT EXISTS events (run_id VARCHAR, agent_id VARCHAR, t INTEGER, "
    "kind VARCHAR, payload_json VARCHAR, ts TIMESTAMP, schema_version INTEGER)"
)
ARENA_INSERT = "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)"
T0 = datetime(2026, 6, 7, 12, 0, 0, tzinfo=UTC)

Row = tuple[str, str, int, str, str, datetime, int]


def compact(payload: dict[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def turn_rows(run_id: str, agent: str, turns: Iterable[int], start: datetime = T0) -> list[Row]:
    """The synth loop's six kinds per turn, one action each."""
    rows: list[Row] = []
    ts = start
    for t in turns:
        for kind, payload in (
            ("turn_start", {"turn_num": t, "state": None, "profile_name": "boom"}),
            ("llm_prompt", {"state_summary": f"turn {t}"}),
            ("llm_response", {"actions": [{"type": "wait"}], "reasoning": "r", "cost_usd": 0.001}),
            ("action", {"index_in_turn": 0, "action": {"type": "wait"}}),
            ("action_result", {"index_in_turn": 0, "action_type": "wait", "state_changed": False}),
            ("metric", {"name": "cost_usd", "value": 0.001}),
        ):
            ts += timedelta(milliseconds=250)
            rows.append((run_id, agent, t, kind, compact({"kind": kind, **payload}), ts, 1))
    return rows


def write_log(path: Path, rows: Sequence[Row]) -> Path:
    """A closed arena log holding ``rows`` (in this order), written like the arena."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(str(path))
    conn.execute(ARENA_DDL)
    for row in rows:
        conn.execute(ARENA_INSERT, list(row))
    conn.close()
    return path


def log_path(root: Path, label: str, when: datetime = T0) -> Path:
    return root / when.strftime("%Y-%m-%d") / f"{label}-{when.strftime('%H%M%S')}.duckdb"


_HOLDER = textwrap.dedent(
    """
    import os, sys, duckdb
    conn = duckdb.connect(sys.argv[1])
    conn.execute({ddl!r})
    conn.execute("INSERT INTO events VALUES ('abc', 'a', 1, 'metric', '{{}}', now(), 1)")
    print("held", flush=True)
    if sys.argv[2] == "crash":
        os._exit(0)
    sys.stdin.read()
    """
)


class Holder:
    """A process that opens a log read-write and holds it (the arena mid-operation)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _HOLDER.format(ddl=ARENA_DDL), str(path), "hold"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "held"

    def release(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def crash_writer(path: Path) -> None:
    """A writer that inserts one row and dies without closing (``os._exit``): a .wal stays."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-c", _HOLDER.format(ddl=ARENA_DDL), str(path), "crash"],
        check=True,
        capture_output=True,
        timeout=60,
    )


def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


SCRIPT = str(Path(sys.executable).with_name("arena-tui"))


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real console script, with only the project variables the test passes."""
    import os

    base = {k: v for k, v in os.environ.items() if not k.startswith(("ARENA_", "REDIS_"))}
    return subprocess.run(
        [SCRIPT, *args],
        env={**base, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


class RawRedisRun:
    """Publishes rows the way the arena's broker does (INCR, then XADD ``<seq>-0``)."""

    def __init__(self, client: Any, prefix: str, run_id: str, *, maxlen: int) -> None:
        self.client = client
        self.head = f"{prefix}:run:{run_id}"
        self.maxlen = maxlen

    def open(self, label: str, started_at: datetime) -> None:
        meta = json.dumps({"label": label, "started_at": started_at.isoformat()})
        self.client.set(f"{self.head}:open", meta, ex=21600)

    def close(self) -> None:
        self.client.delete(f"{self.head}:open")

    def publish(self, rows: Sequence[Row], *, holes_after: Sequence[int] = ()) -> None:
        for i, (run_id, agent, t, kind, payload_json, ts, v) in enumerate(rows, start=1):
            seq = int(self.client.incr(f"{self.head}:seq"))
            fields = {"r": run_id, "a": agent, "t": str(t), "k": kind, "p": payload_json}
            fields |= {"ts": ts.isoformat(), "v": str(v)}
            self.client.xadd(
                f"{self.head}:events", fields, id=f"{seq}-0", maxlen=self.maxlen, approximate=True
            )
            if i in holes_after:
                self.client.incr(f"{self.head}:seq")  # INCR without its XADD

    def first_retained(self) -> int:
        ((entry_id, _),) = self.client.xrange(f"{self.head}:events", "-", "+", count=1)
        return int(entry_id.split(b"-")[0])
