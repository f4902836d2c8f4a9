"""The console script without a Redis server: exit codes, configuration errors, .env, redis-env."""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path

import pytest

from arena_tui import __version__
from arena_tui.broker.factory import BrokerSettings
from arena_tui.cli.edge import mask_secrets
from tests.support.cli import Cli


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("arena-tui: error: ")
    assert "Traceback" not in result.stderr
    return lines[0]


def test_version(cli: Cli) -> None:
    result = cli("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"arena-tui {__version__}")


@pytest.mark.parametrize(
    "args",
    [
        ("runs", "--bad"),
        ("tail",),
        ("nope",),
        ("produce", "--runs", "0"),
        ("tail", "r", "--from-seq", "x"),
        ("tail", "r", "--retry-for", "soon"),
        ("tail", "r", "--retry-for", "-1"),
        ("produce", "--forever", "--turns", "3"),
        ("produce", "--forever", "--rate", "0"),
    ],
)
def test_usage_errors_exit_2(cli: Cli, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.returncode == 2
    assert "usage: arena-tui" in result.stderr


def test_unknown_backend_is_one_line_naming_the_variable_and_the_choices(cli: Cli) -> None:
    line = _one_error_line(cli("runs", env={"ARENA_BROKER_BACKEND": "kafka"}))
    assert "ARENA_BROKER_BACKEND='kafka'" in line
    assert "inprocess, redis" in line


@pytest.mark.parametrize(
    ("variable", "value"),
    [("ARENA_MAX_LEN", "lots"), ("ARENA_STALE_AFTER", "-3"), ("ARENA_TUI_DEMO", "maybe")],
)
def test_bad_settings_name_their_variable(cli: Cli, variable: str, value: str) -> None:
    assert f"{variable}=" in _one_error_line(cli("runs", env={variable: value}))


def test_dotenv_in_the_current_directory_is_loaded_but_does_not_override(
    cli: Cli, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("ARENA_BROKER_BACKEND=from-dotenv\n")
    assert "'from-dotenv'" in _one_error_line(cli("runs", cwd=tmp_path))
    overridden = cli("runs", "--json", cwd=tmp_path, env={"ARENA_BROKER_BACKEND": "inprocess"})
    assert (overridden.returncode, json.loads(overridden.stdout)) == (0, [])


def test_smoke_on_the_in_process_broker(cli: Cli) -> None:
    result = cli("smoke", "--seed", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("smoke OK: run ")
    assert "40 events in order on in-process" in result.stdout


def test_runs_on_an_empty_in_process_broker_says_why(cli: Cli) -> None:
    result = cli("runs")
    assert result.returncode == 0
    assert "no runs in the broker" in result.stdout
    assert "ARENA_BROKER_BACKEND=redis" in result.stdout


def test_tail_of_an_unknown_run_exits_1_with_the_way_out(cli: Cli) -> None:
    line = _one_error_line(cli("tail", "nope", "--no-follow"))
    assert "run nope is not in the broker (in-process)" in line
    assert "`arena-tui runs`" in line


def test_the_app_on_an_unknown_run_fails_before_it_starts_with_tails_words(cli: Cli) -> None:
    env = {"ARENA_TUI_DEMO": "0"}
    line = _one_error_line(cli("--run", "nope", "--seq", "5", env=env, timeout=20))
    assert line == _one_error_line(cli("tail", "nope", env=env))


@pytest.mark.parametrize("args", [(), ("demo",), ("--seq", "3")])
def test_the_app_without_a_terminal_exits_2_at_once(cli: Cli, args: tuple[str, ...]) -> None:
    result = cli(*args, timeout=20)  # stdin is /dev/null, stdout and stderr are pipes
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "arena-tui: error: the app needs a terminal (stdin and stderr must be a tty); without "
        "one use the headless commands: `arena-tui runs`, `arena-tui tail RUN_ID`"
    ]
    assert result.stdout == ""


def test_tail_help_names_every_record_type_and_the_exit_codes(cli: Cli) -> None:
    text = " ".join(cli("tail", "--help").stdout.split())
    assert "event, overflow, gap, reconnected, reset or finished" in text
    assert "--retry-for SECONDS" in text
    assert "130 Ctrl-C, 143 SIGTERM" in text


def test_redis_env_prints_evaluable_exports_with_the_password(cli: Cli) -> None:
    password = "p@ss/w#rd it's"
    result = cli("redis-env", env={"REDIS_PASSWORD": password, "ARENA_BROKER_BACKEND": "bogus"})
    assert result.returncode == 0, result.stderr
    script = (
        result.stdout
        + 'printf "%s\\n%s\\n%s" "$ARENA_BROKER_BACKEND" "$REDIS_PASSWORD" "$REDIS_URL"'
    )
    shell = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=True)
    backend, got_password, url = shell.stdout.split("\n")
    assert (backend, got_password) == ("redis", password)
    assert url == "redis://:p%40ss%2Fw%23rd%20it%27s@localhost:6379/0"
    assert all(line.startswith("export ") for line in result.stdout.splitlines())
    assert shlex.split(result.stdout)  # one well-formed shell word list


def test_redis_env_without_a_password_fails_naming_it(cli: Cli) -> None:
    assert "REDIS_PASSWORD is not set" in _one_error_line(cli("redis-env"))
    assert "REDIS_PASSWORD is not set" in _one_error_line(cli("redis-env", env={"REDIS_URL": ""}))


def _evaluated(exports: str) -> dict[str, str]:
    script = exports + 'printf "%s\n%s\n%s" "$ARENA_BROKER_BACKEND" "$REDIS_URL" "$REDIS_PASSWORD"'
    shell = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=True)
    return dict(zip(("backend", "url", "password"), shell.stdout.split("\n"), strict=True))


@pytest.mark.parametrize("password", ["pw 1", ""])
def test_redis_env_exports_redis_url_when_it_is_set(cli: Cli, password: str) -> None:
    url = "rediss://arena:s%40fe@redis.example:6380/3"
    result = cli("redis-env", env={"REDIS_URL": url, "REDIS_PASSWORD": password})
    assert result.returncode == 0, result.stderr
    assert _evaluated(result.stdout) == {"backend": "redis", "url": url, "password": password}
    assert ("REDIS_PASSWORD" in result.stdout) == bool(password)


@pytest.mark.parametrize("empty", ["", "  "])
def test_an_empty_redis_url_counts_as_unset_in_redis_env_and_the_broker(
    cli: Cli, empty: str
) -> None:
    env = {"REDIS_URL": empty, "REDIS_PASSWORD": "pw"}
    exported = _evaluated(cli("redis-env", env=env).stdout)
    assert exported["url"] == "redis://:pw@localhost:6379/0"
    assert BrokerSettings.from_mapping(env).redis_url == exported["url"]


@pytest.mark.parametrize("spelling", ["in-process", "in_process", " In-Process ", "INPROCESS"])
def test_the_in_process_backend_under_its_ui_spellings(cli: Cli, spelling: str) -> None:
    result = cli("smoke", env={"ARENA_BROKER_BACKEND": spelling})
    assert result.returncode == 0, result.stderr
    assert "on in-process" in result.stdout


def test_mask_secrets_hides_the_password_plain_and_url_quoted() -> None:
    env = {"REDIS_PASSWORD": "s3cr/t", "REDIS_URL": "redis://user:hunter%232@h:1/0"}
    message = "bad s3cr/t and s3cr%2Ft and hunter#2 and hunter%232"
    assert mask_secrets(message, env) == "bad *** and *** and *** and ***"
