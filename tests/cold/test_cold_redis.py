"""``runs --json`` and ``tail --jsonl`` on real duckdb files and a real Redis: cold-only runs,
a stitched prefix, shifted and unaligned copies, and a locked file."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.cold.cold_helpers import (
    T0,
    Holder,
    RawRedisRun,
    jsonl,
    log_path,
    run_cli,
    turn_rows,
    write_log,
)
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.redis

R = "c0ffee" + "0" * 26
AGENT = "9c1e0000aaaa4bbb8ccc0123456789ab"
MAXLEN = 60


@pytest.fixture
def env(redis_server: RedisServer, key_prefix: str, tmp_path: Path) -> dict[str, str]:
    return {
        "ARENA_BROKER_BACKEND": "redis",
        "REDIS_URL": redis_server.url,
        "ARENA_KEY_PREFIX": key_prefix,
        "ARENA_LOGS_ROOT": str(tmp_path / "logs"),
    }


def _events(records: list[dict[str, object]]) -> list[dict[str, object]]:
    return [r for r in records if r["type"] == "event"]


def _trimmed_run(
    redis_server: RedisServer, key_prefix: str, **kw: object
) -> tuple[RawRedisRun, int]:
    rows = turn_rows(R, AGENT, range(1, 41))  # 240 events
    raw = RawRedisRun(redis_server.client(), key_prefix, R, maxlen=MAXLEN)
    raw.publish(rows, **kw)  # type: ignore[arg-type]
    first = raw.first_retained()
    assert first > 1
    return raw, first


def test_cold_only_run_is_listed_and_replays_from_seq_1(
    env: dict[str, str], tmp_path: Path
) -> None:
    rows = turn_rows(R, AGENT, range(1, 6))
    path = write_log(log_path(tmp_path / "logs", "smoke"), rows)
    listed = json.loads(run_cli("runs", "--json", env=env, cwd=tmp_path).stdout)
    assert listed == [
        {
            "run_id": R,
            "label": "smoke",
            "started_at": "2026-06-07T12:00:00+00:00",
            "status": "finished",
            "n_events": 30,
            "last_seq": 30,
            "first_seq": 1,
            "last_event_at": "2026-06-07T12:00:07.500000+00:00",
            "source": "cold",
            "db_path": str(path),
        }
    ]
    records = jsonl(run_cli("tail", R, "--no-follow", "--jsonl", env=env, cwd=tmp_path).stdout)
    events = _events(records)
    assert [e["seq"] for e in events] == list(range(1, 31))
    assert all(e["source"] == "cold" for e in events)
    assert events[0]["kind"] == "turn_start"
    assert events[0]["ts"] == "2026-06-07T12:00:00.250000+00:00"
    assert records[-1] == {"type": "finished", "run_id": R, "last_seq": 30}
    follow = jsonl(run_cli("tail", R, "--jsonl", env=env, cwd=tmp_path).stdout)
    assert follow == records


def test_an_exact_log_fills_the_trimmed_prefix_with_no_overflow(
    env: dict[str, str], tmp_path: Path, redis_server: RedisServer, key_prefix: str
) -> None:
    _raw, first = _trimmed_run(redis_server, key_prefix)
    path = write_log(log_path(tmp_path / "logs", "race"), turn_rows(R, AGENT, range(1, 41)))
    listed = json.loads(run_cli("runs", "--json", env=env, cwd=tmp_path).stdout)
    assert (listed[0]["source"], listed[0]["db_path"], listed[0]["label"]) == (
        "broker+cold",
        str(path),
        "race",
    )
    for follow in ((), ("--no-follow",)):
        out = run_cli("tail", R, *follow, "--jsonl", env=env, cwd=tmp_path)
        records = jsonl(out.stdout)
        assert "overflow" not in {r["type"] for r in records}, out.stdout[:500]
        events = _events(records)
        assert [e["seq"] for e in events] == list(range(1, 241))
        assert {e["source"] for e in events[: first - 1]} == {"cold"}
        assert all("source" not in e for e in events[first - 1 :])
        assert records[-1] == {"type": "finished", "run_id": R, "last_seq": 240}


def test_a_log_shifted_by_holes_gives_unnumbered_disk_rows_and_keeps_the_overflow(
    env: dict[str, str], tmp_path: Path, redis_server: RedisServer, key_prefix: str
) -> None:
    _raw, first = _trimmed_run(redis_server, key_prefix, holes_after=(10, 20, 30))
    write_log(log_path(tmp_path / "logs", "race"), turn_rows(R, AGENT, range(1, 41)))
    records = jsonl(run_cli("tail", R, "--no-follow", "--jsonl", env=env, cwd=tmp_path).stdout)
    disk = records[0]
    assert disk["type"] == "disk"
    assert disk["state"] == "shifted"
    assert (disk["trimmed"], disk["disk_rows"]) == (first - 1, first - 4)
    assert f"{first - 4:,} events from disk" in str(disk["message"])
    rows = records[1 : 1 + first - 4]
    assert [r["disk_row"] for r in rows] == list(range(1, first - 3))
    assert all(r["seq"] is None and r["source"] == "cold" for r in rows)
    overflow = records[first - 3]
    assert overflow["type"] == "overflow"
    assert overflow["available_from"] == first
    numbered = [r["seq"] for r in _events(records) if r["seq"] is not None]
    assert numbered[0] == first


def test_extra_rows_before_the_run_shift_the_log_the_other_way(
    env: dict[str, str], tmp_path: Path, redis_server: RedisServer, key_prefix: str
) -> None:
    """An older operation's entries of a reused id (``ranking``) before the run's own rows."""
    _raw, first = _trimmed_run(redis_server, key_prefix)
    older = turn_rows(R, AGENT, range(100, 102))  # 12 rows no Redis seq of this run matches
    write_log(log_path(tmp_path / "logs", "rank"), older + turn_rows(R, AGENT, range(1, 41)))
    records = jsonl(run_cli("tail", R, "--no-follow", "--jsonl", env=env, cwd=tmp_path).stdout)
    disk = records[0]
    assert disk["state"] == "shifted"
    assert (disk["trimmed"], disk["disk_rows"]) == (first - 1, first - 1 + 12)
    assert [r["disk_row"] for r in records[1 : 1 + first - 1 + 12]] == list(range(1, first + 12))
    assert records[first + 12]["type"] == "overflow"


def test_a_log_that_does_not_line_up_is_not_stitched(
    env: dict[str, str], tmp_path: Path, redis_server: RedisServer, key_prefix: str
) -> None:
    _raw, first = _trimmed_run(redis_server, key_prefix)
    other = turn_rows(R, "someone-else", range(1, 41))
    write_log(log_path(tmp_path / "logs", "race"), other)
    records = jsonl(run_cli("tail", R, "--no-follow", "--jsonl", env=env, cwd=tmp_path).stdout)
    assert records[0]["type"] == "overflow"
    assert records[1]["type"] == "disk"
    assert records[1]["state"] == "unaligned"
    assert _events(records)[0]["seq"] == first
    assert all("source" not in e for e in _events(records))


def test_a_locked_log_keeps_the_gap_and_says_where_the_events_are(
    env: dict[str, str], tmp_path: Path, redis_server: RedisServer, key_prefix: str
) -> None:
    raw, first = _trimmed_run(redis_server, key_prefix)
    raw.open("race", T0 + timedelta(milliseconds=300))
    held = log_path(tmp_path / "logs", "race")
    holder = Holder(held)
    try:
        records = jsonl(run_cli("tail", R, "--no-follow", "--jsonl", env=env, cwd=tmp_path).stdout)
        text = run_cli("runs", env=env, cwd=tmp_path).stdout
    finally:
        holder.release()
    assert records[0] == {
        "type": "overflow", "run_id": R, "requested_seq": 1, "available_from": first,
        "lost": first - 1,
    }  # fmt: skip
    disk = records[1]
    assert (disk["type"], disk["state"], disk["db_path"]) == ("disk", "locked", str(held))
    assert disk["message"] == (
        f"seq 1–{first - 1:,} are held in {held.name} (being written); "
        "readable when the operation ends"
    )
    assert "being written" in text
    assert "race-120000.duckdb" in text
    raw.close()
    after = jsonl(run_cli("tail", R, "--no-follow", "--jsonl", env=env, cwd=tmp_path).stdout)
    assert "overflow" in {r["type"] for r in after}  # the holder's file has no run R
