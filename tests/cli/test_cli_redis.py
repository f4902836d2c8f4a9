"""The console script against a real Redis server (the suite's own, never the machine's 6379)."""

from __future__ import annotations

import json
import signal
import time
from typing import Any

import pytest
import redis

from tests.support.cli import Cli, CliProc, redis_env_for
from tests.support.redis_server import RedisServer, free_port
from tests.support.wire import WireWriter

pytestmark = pytest.mark.redis

RUN_FIELDS = {
    "run_id",
    "label",
    "started_at",
    "status",
    "n_events",
    "last_seq",
    "first_seq",
    "last_event_at",
    "source",
    "db_path",
}


def _jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def _check_events(records: list[dict[str, Any]], producer: WireWriter) -> None:
    for rec in records:
        if rec["type"] == "event":
            sent = producer.sent[rec["seq"]]
            assert rec["run_id"] == producer.run_id
            assert {k: rec[k] for k in sent} == sent


def test_tail_jsonl_reads_an_independent_producer_with_exact_overflow_and_hole(
    cli: Cli, redis_env: dict[str, str], raw: redis.Redis, key_prefix: str
) -> None:
    producer = WireWriter(raw, key_prefix, "feed0001", maxlen=100)
    producer.open()
    producer.publish_turns(948)
    hole = producer.hole()
    unknown = producer.publish("telepathy", {"strength": 3, "note": "\x1b]52;c;evil\x07"})
    broken = producer.publish("metric", {}, raw_p=b'{"kind":"metric","name":')
    producer.publish_turns(49)
    producer.close()
    head = producer.first_retained()
    assert 800 < head < hole

    result = cli("tail", "feed0001", "--jsonl", "--no-follow", env=redis_env)
    assert result.returncode == 0, result.stderr
    records = _jsonl(result.stdout)
    assert records[0] == {
        "type": "overflow",
        "run_id": "feed0001",
        "requested_seq": 1,
        "available_from": head,
        "lost": head - 1,
    }
    assert records[-1] == {"type": "finished", "run_id": "feed0001", "last_seq": 1000}
    events = [r for r in records if r["type"] == "event"]
    assert [r["seq"] for r in events] == [s for s in range(head, 1001) if s != hole]
    gaps = [r for r in records if r["type"] == "gap"]
    assert gaps == [
        {"type": "gap", "run_id": "feed0001", "from_seq": hole, "to_seq": hole, "reason": "hole"}
    ]
    assert records.index(gaps[0]) == records.index(next(r for r in events if r["seq"] > hole)) - 1
    _check_events([r for r in events if r["seq"] != broken], producer)
    by_seq = {r["seq"]: r for r in events}
    assert by_seq[unknown]["kind"] == "telepathy"
    assert by_seq[unknown]["payload"]["note"] == "\x1b]52;c;evil\x07"
    assert "\x1b" not in result.stdout  # ASCII-escaped on the way out
    assert by_seq[broken]["problems"]
    assert "problems" not in by_seq[unknown]

    human = cli("tail", "feed0001", "--no-follow", "--from-seq", str(hole - 1), env=redis_env)
    assert human.returncode == 0, human.stderr
    assert f"seq {hole:,} missing" in human.stdout
    assert "run finished at seq 1,000" in human.stdout
    assert "   1,000  " in [line[:10] for line in human.stdout.splitlines()]  # as in the notices
    assert "\x1b" not in human.stdout


def test_no_follow_on_an_open_run_stops_at_the_newest_event_without_finishing(
    cli: Cli, redis_env: dict[str, str], raw: redis.Redis, key_prefix: str
) -> None:
    producer = WireWriter(raw, key_prefix, "open0001", maxlen=10_000)
    producer.open()
    producer.publish_turns(12)
    records = _jsonl(cli("tail", "open0001", "--jsonl", "--no-follow", env=redis_env).stdout)
    assert [r["seq"] for r in records] == list(range(1, 13))
    _check_events(records, producer)
    records = _jsonl(
        cli("tail", "open0001", "--jsonl", "--no-follow", "--from-seq", "10", env=redis_env).stdout
    )
    assert [r["seq"] for r in records] == [10, 11, 12]


@pytest.mark.parametrize("mode", [(), ("--no-follow",)], ids=["follow", "no-follow"])
def test_tail_from_past_the_end_of_a_finished_run_says_its_real_last_seq(
    cli: Cli, redis_env: dict[str, str], raw: redis.Redis, key_prefix: str, mode: tuple[str]
) -> None:
    producer = WireWriter(raw, key_prefix, "past0001", maxlen=10_000)
    producer.open()
    producer.publish_turns(977)
    producer.close()
    result = cli("tail", "past0001", "--from-seq", "5000", "--jsonl", *mode, env=redis_env)
    assert result.returncode == 0, result.stderr
    assert _jsonl(result.stdout) == [{"type": "finished", "run_id": "past0001", "last_seq": 977}]
    human = cli("tail", "past0001", "--from-seq", "5000", *mode, env=redis_env)
    assert human.stdout == "┄┄ run finished at seq 977 ┄┄\n"


def test_tail_follows_a_live_run_until_it_finishes(
    redis_env: dict[str, str], raw: redis.Redis, key_prefix: str
) -> None:
    producer = WireWriter(raw, key_prefix, "live0001", maxlen=10_000)
    producer.open()
    producer.publish_turns(8)
    with CliProc("tail", "live0001", "--jsonl", env=redis_env) as tail:
        assert [tail.record()["seq"] for _ in range(8)] == list(range(1, 9))
        producer.publish_turns(8)
        producer.close()
        rest = [tail.record() for _ in range(9)]
        assert tail.wait() == 0
    assert [r["seq"] for r in rest[:-1]] == list(range(9, 17))
    assert rest[-1] == {"type": "finished", "run_id": "live0001", "last_seq": 16}


def test_tail_reconnects_after_redis_restarts_without_duplicates_or_losses(
    key_prefix: str,
) -> None:
    with RedisServer(appendonly=True) as server:
        env = redis_env_for(server, key_prefix)
        producer = WireWriter(server.client(), key_prefix, "flaky001", maxlen=10_000)
        producer.open()
        producer.publish_turns(6)
        with CliProc("tail", "flaky001", "--jsonl", env=env) as tail:
            assert [tail.record()["seq"] for _ in range(6)] == list(range(1, 7))
            server.kill()
            assert "retrying in" in tail.error_line()
            server.start()
            producer = WireWriter(server.client(), key_prefix, "flaky001", maxlen=10_000)
            producer.publish_turns(6)
            producer.close()
            notice = tail.record()
            rest = [tail.record() for _ in range(7)]
            assert tail.wait() == 0
        assert notice["type"] == "reconnected"
        assert notice["resumed_from"] == 7
        assert notice["after_s"] > 0
        assert [r["seq"] for r in rest[:-1]] == list(range(7, 13))
        assert rest[-1]["type"] == "finished"


def test_ctrl_c_ends_a_follow_quietly_with_130(
    redis_env: dict[str, str], raw: redis.Redis, key_prefix: str
) -> None:
    producer = WireWriter(raw, key_prefix, "sigint01", maxlen=10_000)
    producer.open()
    producer.publish_turns(2)
    with CliProc("tail", "sigint01", env=redis_env) as tail:
        tail.line()
        tail.line()
        tail.proc.send_signal(signal.SIGINT)
        assert tail.wait() == 130
    assert tail.errors() == []


def test_produce_then_runs_and_tail_read_it_back(cli: Cli, redis_env: dict[str, str]) -> None:
    produced = cli(
        "produce",
        "--runs",
        "2",
        "--turns",
        "3",
        "--rate",
        "0",
        "--seed",
        "5",
        "--label",
        "rank",
        env=redis_env,
    )
    assert produced.returncode == 0, produced.stderr
    ids = produced.stdout.split()
    assert len(ids) == 2
    assert all(len(run_id) == 32 for run_id in ids)

    listed = cli("runs", "--json", env=redis_env)
    assert listed.returncode == 0, listed.stderr
    runs = json.loads(listed.stdout)
    assert sorted(r["run_id"] for r in runs) == sorted(ids)
    for run in runs:
        assert set(run) == RUN_FIELDS
        assert run["status"] in {"open", "finished"}  # closed; "open" while its events are recent
        assert run["first_seq"] == 1
        assert run["n_events"] == run["last_seq"] > 0
    table = cli("runs", env=redis_env).stdout
    assert all(run_id in table for run_id in ids)

    records = _jsonl(cli("tail", ids[0], "--jsonl", env=redis_env).stdout)
    n = next(r["n_events"] for r in runs if r["run_id"] == ids[0])
    assert [r["seq"] for r in records[:-1]] == list(range(1, n + 1))
    assert records[-1] == {"type": "finished", "run_id": ids[0], "last_seq": n}
    assert {r["kind"] for r in records[:-1]} >= {"turn_start", "llm_prompt", "llm_response"}


def test_produce_prints_each_run_id_as_it_starts(redis_env: dict[str, str]) -> None:
    args = ("produce", "--turns", "500", "--rate", "20", "--keep-open", "--max-len", "50")
    with CliProc(*args, env=redis_env) as produce:
        run_id = produce.line()
        assert produce.proc.poll() is None  # printed while still producing
        produce.proc.terminate()
    assert len(run_id) == 32


def test_smoke_through_redis(cli: Cli, redis_env: dict[str, str]) -> None:
    result = cli("smoke", env=redis_env)
    assert result.returncode == 0, result.stderr
    assert "smoke OK" in result.stdout
    assert "(password hidden)" in result.stdout


@pytest.mark.parametrize(
    "command", [("runs",), ("produce", "--runs", "3", "--rate", "0"), ("smoke",), ("tail", "r1")]
)
def test_wrong_password_is_one_masked_line(
    cli: Cli, redis_env: dict[str, str], redis_server: RedisServer, command: tuple[str, ...]
) -> None:
    wrong = "not-the-password-42"
    bad = {
        **redis_env,
        "REDIS_PASSWORD": wrong,
        "REDIS_URL": redis_server.url.replace(redis_server.password, wrong),
    }
    result = cli(*command, env=bad)
    assert result.returncode == 1
    assert result.stderr.startswith("arena-tui: error: authentication failed")
    assert len(result.stderr.splitlines()) == 1
    assert wrong not in result.stderr
    assert redis_server.password not in result.stderr


@pytest.mark.parametrize("command", [("runs",), ("produce", "--runs", "3"), ("smoke",)])
def test_no_server_is_one_line_saying_so(cli: Cli, command: tuple[str, ...]) -> None:
    url = f"redis://:secret-pw-9@127.0.0.1:{free_port()}/0"
    result = cli(*command, env={"ARENA_BROKER_BACKEND": "redis", "REDIS_URL": url})
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"arena-tui: error: cannot reach Redis at {url.replace(':secret-pw-9@', '')} "
        "(password hidden): is it running? start it with `just arena-infra-up`, "
        "or check REDIS_URL"
    ]


def test_produce_with_redis_stopped_mid_run_is_one_line_naming_the_unfinished_runs(
    key_prefix: str,
) -> None:
    with RedisServer() as server:
        env = {"ARENA_BROKER_BACKEND": "redis", "REDIS_URL": server.url}
        args = ("produce", "--runs", "2", "--turns", "1000", "--rate", "50")
        with CliProc(*args, env=env) as produce:
            produce.line()
            produce.line()
            server.stop()
            error = produce.error_line()
            assert produce.wait() == 1
    assert produce.errors() == []  # complete: the pumps are joined
    assert error.startswith(
        "arena-tui: error: produce stopped with 2 runs unfinished: cannot reach Redis at "
    )
    assert "ExceptionGroup" not in error
    assert server.password not in error


def _finished_runs(raw: redis.Redis, prefix: str, *ids: str) -> None:
    for run_id in ids:
        producer = WireWriter(raw, prefix, run_id, maxlen=10_000)
        producer.open()
        producer.publish_turns(3)
        producer.close()


def test_tail_accepts_any_unique_prefix_and_names_the_candidates_of_an_ambiguous_one(
    cli: Cli, redis_env: dict[str, str], raw: redis.Redis, key_prefix: str
) -> None:
    ids = ("abc0000100000000", "abc0000200000000", "abd0000300000000", "r1", "r10")
    _finished_runs(raw, key_prefix, *ids)
    for typed, meant in [
        ("abd", ids[2]),
        ("abc00001", ids[0]),
        ("abc00002…", ids[1]),  # as the app shows it, ellipsis included
        ("r1", "r1"),  # an id as written wins over the longer ids it starts
        (ids[2], ids[2]),
    ]:
        result = cli("tail", typed, "--jsonl", env=redis_env)
        assert result.returncode == 0, (typed, result.stderr)
        assert {r["run_id"] for r in _jsonl(result.stdout)} == {meant}
    ambiguous = cli("tail", "abc", env=redis_env)
    assert ambiguous.returncode == 1
    assert ambiguous.stderr.splitlines() == [
        "arena-tui: error: run id abc is ambiguous: it starts 2 runs (abc00001…, abc00002…); "
        "give more of the id"
    ]
    unknown = cli("tail", "abe", env=redis_env)
    assert unknown.returncode == 1
    assert unknown.stderr.startswith(
        f"arena-tui: error: run abe is not in the broker (prefix {key_prefix})"
    )


def test_the_app_resolves_run_before_it_starts(
    cli: Cli, redis_env: dict[str, str], raw: redis.Redis, key_prefix: str
) -> None:
    _finished_runs(raw, key_prefix, "fee0000100000000", "fee0000200000000")
    ambiguous = cli("--run", "fee", env=redis_env)
    assert ambiguous.returncode == 1
    assert "run id fee is ambiguous: it starts 2 runs (fee00001…, fee00002…)" in ambiguous.stderr
    unknown = cli("--run", "fef", env=redis_env)
    assert (unknown.returncode, unknown.stderr) == (1, cli("tail", "fef", env=redis_env).stderr)
    known = cli("--run", "fee00002", env=redis_env)  # resolved; then no terminal: exit 2, not 1
    assert known.returncode == 2
    assert "the app needs a terminal" in known.stderr


def test_tail_with_no_server_gives_up_after_retry_for(cli: Cli) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    env = {"ARENA_BROKER_BACKEND": "redis", "REDIS_URL": url}
    at_once = cli("tail", "r1", "--retry-for", "0", env=env)
    assert at_once.returncode == 1
    assert at_once.stderr.splitlines() == [
        f"arena-tui: error: cannot reach Redis at {url}: is it running? start it with "
        "`just arena-infra-up`, or check REDIS_URL"
    ]
    started = time.monotonic()
    bounded = cli("tail", "r1", "--retry-for", "2", env=env)
    took = time.monotonic() - started
    assert bounded.returncode == 1
    *retries, last = bounded.stderr.splitlines()
    assert retries
    assert all(line.endswith(" s") and "retrying in" in line for line in retries)
    assert last.startswith(f"arena-tui: error: cannot reach Redis at {url}: is it running?")
    assert last.endswith(
        "(gave up after 2 s: --retry-for SECONDS waits longer, --retry-for none for ever)"
    )
    assert 2 <= took < 15
    no_follow = cli("tail", "r1", "--no-follow", env=env)  # one-shot: fails at once, like runs
    assert (no_follow.returncode, no_follow.stderr) == (1, at_once.stderr)


@pytest.mark.parametrize("retry_for", [None, "none"])
def test_tail_waits_for_a_server_that_comes_up_in_time(
    key_prefix: str, retry_for: str | None
) -> None:
    with RedisServer(appendonly=True) as server:
        producer = WireWriter(server.client(), key_prefix, "late0001", maxlen=10_000)
        producer.open()
        producer.publish_turns(5)
        server.stop()  # graceful: the run is on disk, and Redis is down when tail starts
        extra = ("--retry-for", retry_for) if retry_for else ()
        with CliProc(
            "tail", "late", "--jsonl", *extra, env=redis_env_for(server, key_prefix)
        ) as tail:
            assert "retrying in" in tail.error_line()
            server.start()
            producer = WireWriter(server.client(), key_prefix, "late0001", maxlen=10_000)
            producer.publish_turns(5)
            producer.close()
            records = [tail.record() for _ in range(11)]
            assert tail.wait() == 0
    assert [r.get("seq") for r in records[:-1]] == list(range(1, 11))
    assert records[-1] == {"type": "finished", "run_id": "late0001", "last_seq": 10}


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_produce_forever_closes_its_runs_when_stopped(
    cli: Cli, redis_env: dict[str, str], sig: signal.Signals, code: int
) -> None:
    with CliProc("produce", "--runs", "2", "--forever", "--rate", "50", env=redis_env) as produce:
        ids = {produce.line(), produce.line()}
        time.sleep(1.0)
        assert produce.proc.poll() is None
        produce.proc.send_signal(sig)
        assert produce.wait() == code
    assert produce.errors() == []
    runs = {r["run_id"]: r for r in json.loads(cli("runs", "--json", env=redis_env).stdout)}
    assert set(runs) == ids
    for run_id in ids:
        records = _jsonl(cli("tail", run_id, "--jsonl", "--no-follow", env=redis_env).stdout)
        assert records[-1]["type"] == "finished"  # closed: not left open to go stale
        assert records[-1]["last_seq"] == runs[run_id]["last_seq"] > 10
