"""End to end: the real ``arena-tui`` in tmux, on a private Redis fed by ``arena-tui produce``.

The test types what a new user would (``g``, ``1``, Enter, then End) and reads the screen back
with ``capture-pane``, so it checks what reaches a terminal, not what the widgets hold.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from functools import partial

import pytest

from tests.support.cli import SCRIPT, CliProc, cli_env, redis_env_for, run_cli
from tests.support.redis_server import RedisServer

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

WIDTH, HEIGHT = 140, 40


def arena_env(server: RedisServer, prefix: str) -> dict[str, str]:
    env = redis_env_for(server, prefix)
    del env["REDIS_PASSWORD"]  # the URL carries it, as in a user's .env
    return env


def produce(env: dict[str, str], *args: str) -> list[str]:
    """Run ``arena-tui produce`` to completion; return the run ids it printed."""
    out = run_cli("produce", *args, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    return re.findall(r"\b[0-9a-f]{32}\b", out.stdout)


class Tmux:
    def __init__(self, name: str) -> None:
        self.name = name

    def start(
        self, command: list[str], env: dict[str, str], size: tuple[int, int] = (WIDTH, HEIGHT)
    ) -> None:
        flags = [f"-e{k}={v}" for k, v in env.items()]
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(size[0]),
                "-y",
                str(size[1]),
                *flags,
                " ".join(command),
            ],
            check=True,
            env=cli_env(env),
        )

    def screen(self) -> str:
        out = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        )
        return out.stdout

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def wait_for(self, check: Callable[[str], bool], within: float = 15.0) -> str:
        deadline = time.monotonic() + within
        screen = self.screen()
        while not check(screen):
            if time.monotonic() > deadline:
                raise AssertionError(f"the screen never matched; it shows:\n{screen}")
            time.sleep(0.1)
            screen = self.screen()
        return screen

    def settled(self, part: Callable[[str], str], quiet: float = 0.5, within: float = 15.0) -> str:
        """``part`` of the screen once it has stayed the same for ``quiet`` seconds."""
        deadline = time.monotonic() + within
        seen, since = part(self.screen()), time.monotonic()
        while time.monotonic() - since < quiet:
            if time.monotonic() > deadline:
                raise AssertionError(f"the screen never settled; it shows:\n{self.screen()}")
            time.sleep(0.1)
            now = part(self.screen())
            if now != seen:
                seen, since = now, time.monotonic()
        return seen

    def kill(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    session = Tmux(f"arena-e2e-{secrets.token_hex(4)}")
    try:
        yield session
    finally:
        session.kill()


def test_trimmed_run_jump_and_resume_in_a_real_terminal(
    redis_server: RedisServer, tmux: Tmux
) -> None:
    env = arena_env(redis_server, f"e2e:{secrets.token_hex(4)}")
    [trimmed] = produce(
        env,
        "--runs",
        "1",
        "--turns",
        "300",
        "--rate",
        "0",
        "--label",
        "rank",
        "--max-len",
        "300",
        "--seed",
        "3",
    )
    info = redis_server.client().xinfo_stream(f"{env['ARENA_KEY_PREFIX']}:run:{trimmed}:events")
    first = int(info["first-entry"][0].split(b"-")[0])
    last = int(info["last-entry"][0].split(b"-")[0])
    assert first > 1, "the run must be trimmed for this test to mean anything"

    tmux.start([SCRIPT, "--run", trimmed], env)
    screen = tmux.wait_for(lambda s: f"finished at seq {last:,}" in s)
    assert f"? {trimmed[:8]}…" in screen, "finished: the label went with the :open key"
    assert "(password hidden)" in screen
    assert redis_server.password not in screen

    tmux.keys("g")
    tmux.wait_for(lambda s: "go to…" in s)
    tmux.keys("1", "Enter")
    jumped = f"jumped from seq 1 to {first:,}: {first - 1:,} events were trimmed"
    # the toast may wrap; it covers the status bar's right end at 140 columns until it goes
    tmux.wait_for(lambda s: jumped in " ".join(s.split()))
    # the cursor and the run's first available seq may reach the status bar a frame apart
    screen = tmux.wait_for(
        lambda s: (
            f"finished at seq {last:,} · seq {first:,} / {last:,}" in s
            and f"lost to trim: {first - 1:,}" in s
        ),
        within=20,
    )
    assert f"seq 1–{first - 1:,} trimmed by the broker ({first - 1:,} events)" in screen

    tmux.keys("End")  # a finished run has nothing to follow: End goes to its last event
    tmux.wait_for(lambda s: f"seq {last:,} / {last:,}" in s)

    tmux.keys("q")
    deadline = time.monotonic() + 10
    while (
        subprocess.run(["tmux", "has-session", "-t", tmux.name], capture_output=True).returncode
        == 0
    ):
        assert time.monotonic() < deadline, "q did not quit"
        time.sleep(0.1)


def test_live_run_from_an_independent_producer_shows_up(
    redis_server: RedisServer, tmux: Tmux
) -> None:
    env = arena_env(redis_server, f"e2e:{secrets.token_hex(4)}")
    args = ("--runs", "1", "--turns", "2000", "--rate", "40", "--label", "race", "--seed", "5")
    with CliProc("produce", *args, env=env):
        tmux.start([SCRIPT], env)
        screen = tmux.wait_for(lambda s: "● race" in s and "FOLLOWING" in s and "live" in s)
        assert "RUNS (1 open · 0 finished)" in screen
        assert re.search(r"turn_start|llm_prompt|llm_response|action|metric", screen)
        tmux.keys("Up", "Up", "Up")
        screen = tmux.wait_for(lambda s: re.search(r"PAUSED \+\d+ new", s) is not None)
        tmux.keys("s")
        tmux.wait_for(lambda s: "FOLLOWING" in s)


def test_run_opens_the_app_on_the_run_a_short_prefix_names(
    redis_server: RedisServer, tmux: Tmux
) -> None:
    env = arena_env(redis_server, f"e2e:{secrets.token_hex(4)}")
    ids = produce(env, "--runs", "2", "--turns", "3", "--rate", "0", "--seed", "11")
    listed = run_cli("runs", "--json", env=env)
    last = {run["run_id"]: run["last_seq"] for run in json.loads(listed.stdout)}
    for run_id in ids:  # whichever the app would open by itself, the other proves the prefix
        tmux.start([SCRIPT, "--run", f"{run_id[:8]}…"], env)
        finished = f"finished at seq {last[run_id]:,}"
        screen = tmux.wait_for(lambda s: finished in s)  # noqa: B023 (called at once)
        assert f"? {run_id[:8]}…" in screen
        tmux.keys("q")
        tmux.wait_for(lambda s: "finished at seq" not in s)
        tmux.kill()


def log_rows(screen: str) -> list[tuple[str, str, str]]:
    """(seq, kind, summary) of every log row on an 80-column screen (the sidebar is 30 wide)."""
    rows = []
    for line in screen.splitlines()[2:-2]:
        found = re.fullmatch(r" *(\d[\d,]*) ([a-z_]+) +(\S.*?) *", line[30:])
        if found:
            rows.append((found[1], found[2], found[3]))
    return rows


def below_header(screen: str) -> str:
    return "\n".join(screen.splitlines()[1:])


def body_changed(before: str, screen: str) -> bool:
    return below_header(screen) != before


def status_seq(screen: str) -> int:
    found = re.findall(r"seq ([\d,]+) / [\d,]+", screen)
    assert found, screen
    return int(found[-1].replace(",", ""))


def test_80x24_open_go_to_turns_filter_and_help(redis_server: RedisServer, tmux: Tmux) -> None:
    """Issue 10: at 80x24 every log row keeps its seq, kind and summary, the status bar its key
    facts; g, [, f, ? and b work and fit."""
    env = arena_env(redis_server, f"e2e:{secrets.token_hex(4)}")
    [run] = produce(env, "--runs", "1", "--turns", "80", "--rate", "0", "--seed", "5")
    tmux.start([str(SCRIPT), "--run", run], env, size=(80, 24))
    screen = tmux.wait_for(lambda s: "finished at seq" in s and "turn_start" in s)
    last = int(re.findall(r"finished at seq ([\d,]+)", screen)[0].replace(",", ""))
    assert f"seq {last:,} / {last:,}" in screen
    assert re.search(r"first (available )?1 ", screen), screen
    assert re.search(r"lost (to trim: )?0", screen), screen
    rows = log_rows(screen)
    assert len(rows) >= 15, screen
    assert all(kind in KINDS and summary for _, kind, summary in rows), screen

    tmux.keys("g")
    tmux.wait_for(lambda s: "go to…" in s)
    tmux.keys("3", "0", "0", "Enter")
    tmux.wait_for(lambda s: f"seq 300 / {last:,}" in s)
    tmux.keys("[")
    first = status_seq(tmux.wait_for(lambda s: status_seq(s) < 300))
    tmux.keys("[")
    second = status_seq(tmux.wait_for(lambda s: status_seq(s) < first))
    tmux.keys("]")
    tmux.wait_for(lambda s: status_seq(s) == first)
    assert second < first < 300

    tmux.keys("f")
    tmux.wait_for(lambda s: "filter f" in s)
    tmux.keys(*"kind:turn_start", "Enter")
    screen = tmux.wait_for(lambda s: "filter" in s.splitlines()[-2])
    assert {kind for _, kind, _ in log_rows(screen)} == {"turn_start"}, screen

    tmux.keys("?")
    screen = tmux.wait_for(lambda s: "arena-tui · keys" in s)
    assert "● live   ◌ stale" in screen, "the legend is on the first screen"
    assert "Esc closes" in screen
    # PageDown scrolls the help: each press shows new lines, until its last section is in view.
    # "Changed" compares all but the header (its clock ticks every second), and each page is read
    # once its scroll animation has settled: under CI load a tick could pass for a page, or a
    # press during an animation could carry the view past the section the test looks for
    for _ in range(10):
        before = tmux.settled(below_header)
        if "export the retained run" in before:
            break
        tmux.keys("PageDown")
        tmux.wait_for(partial(body_changed, before))
    assert "export the retained run" in tmux.screen(), "PageDown never reached the help's end"
    tmux.keys("?")  # ? (or Esc, or q) closes it
    tmux.wait_for(lambda s: "arena-tui · keys" not in s)

    tmux.keys("b")
    tmux.wait_for(lambda s: "RUNS (" not in s)
    tmux.keys("b")
    tmux.wait_for(lambda s: "RUNS (" in s)
    tmux.keys("q")


KINDS = {
    "turn_start",
    "observation",
    "llm_prompt",
    "llm_response",
    "action",
    "action_result",
    "world_mutation",
    "fork",
    "metric",
}
