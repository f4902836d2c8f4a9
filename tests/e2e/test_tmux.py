"""End to end: the real ``arena-tui`` in tmux, on a private Redis fed by ``arena-tui produce``.

The test types what a new user would (``g``, ``1``, Enter, then End) and reads the screen back
with ``capture-pane``, so it checks what reaches a terminal, not what the widgets hold.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from redis_server import RedisServer

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

BIN = Path(sys.executable).parent / "arena-tui"
WIDTH, HEIGHT = 140, 40


@pytest.fixture
def server() -> Iterator[RedisServer]:
    with RedisServer() as redis_server:
        yield redis_server


def arena_env(server: RedisServer, prefix: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "ARENA_"))}
    env.update(ARENA_BROKER_BACKEND="redis", REDIS_URL=server.url, ARENA_KEY_PREFIX=prefix)
    return env


def produce(env: dict[str, str], *args: str) -> list[str]:
    """Run ``arena-tui produce`` to completion; return the run ids it printed."""
    out = subprocess.run(
        [str(BIN), "produce", *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return re.findall(r"\b[0-9a-f]{32}\b", out.stdout)


class Tmux:
    def __init__(self, name: str) -> None:
        self.name = name

    def start(self, command: list[str], env: dict[str, str]) -> None:
        flags = [f"-e{k}={v}" for k, v in env.items() if k.startswith(("REDIS_", "ARENA_"))]
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(WIDTH),
                "-y",
                str(HEIGHT),
                *flags,
                " ".join(command),
            ],
            check=True,
            env=env,
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

    def kill(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    session = Tmux(f"arena-e2e-{secrets.token_hex(4)}")
    try:
        yield session
    finally:
        session.kill()


def test_trimmed_run_jump_and_resume_in_a_real_terminal(server: RedisServer, tmux: Tmux) -> None:
    env = arena_env(server, f"e2e:{secrets.token_hex(4)}")
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
    info = server.client().xinfo_stream(f"{env['ARENA_KEY_PREFIX']}:run:{trimmed}:events")
    first = int(info["first-entry"][0].split(b"-")[0])
    last = int(info["last-entry"][0].split(b"-")[0])
    assert first > 1, "the run must be trimmed for this test to mean anything"

    tmux.start([str(BIN), "--run", trimmed], env)
    screen = tmux.wait_for(lambda s: f"finished at seq {last:,}" in s)
    assert f"? {trimmed[:8]}…" in screen, "finished: the label went with the :open key"
    assert "(password hidden)" in screen
    assert server.password not in screen

    tmux.keys("g")
    tmux.wait_for(lambda s: "go to…" in s)
    tmux.keys("1", "Enter")
    screen = tmux.wait_for(lambda s: f"PAUSED · seq {first:,} / {last:,}" in s)
    assert f"lost to trim: {first - 1:,}" in screen
    assert f"seq 1–{first - 1:,} trimmed by the broker ({first - 1:,} events)" in screen
    toast = " ".join(screen.split())  # the toast may wrap
    assert f"jumped from seq 1 to {first:,}: {first - 1:,} events were trimmed" in toast

    tmux.keys("End")
    screen = tmux.wait_for(lambda s: "FOLLOWING" in s)
    assert f"seq {last:,} / {last:,}" in screen

    tmux.keys("q")
    deadline = time.monotonic() + 10
    while (
        subprocess.run(["tmux", "has-session", "-t", tmux.name], capture_output=True).returncode
        == 0
    ):
        assert time.monotonic() < deadline, "q did not quit"
        time.sleep(0.1)


def test_live_run_from_an_independent_producer_shows_up(server: RedisServer, tmux: Tmux) -> None:
    env = arena_env(server, f"e2e:{secrets.token_hex(4)}")
    producer = subprocess.Popen(
        [
            str(BIN),
            "produce",
            "--runs",
            "1",
            "--turns",
            "2000",
            "--rate",
            "40",
            "--label",
            "race",
            "--seed",
            "5",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        tmux.start([str(BIN)], env)
        screen = tmux.wait_for(lambda s: "● race" in s and "FOLLOWING" in s and "live" in s)
        assert "RUNS (1 open · 0 finished)" in screen
        assert re.search(r"turn_start|llm_prompt|llm_response|action|metric", screen)
        tmux.keys("Up", "Up", "Up")
        screen = tmux.wait_for(lambda s: re.search(r"PAUSED \+\d+ new", s) is not None)
        tmux.keys("s")
        tmux.wait_for(lambda s: "FOLLOWING" in s)
    finally:
        producer.terminate()
        producer.wait(timeout=10)
