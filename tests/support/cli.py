"""The one way the suite runs the real ``arena-tui`` console script: in a subprocess, hermetic.

Every run starts from the current environment minus the project's variables (``ARENA_*``,
``REDIS_*``), plus the ones the test passes, in a directory of the test's choosing (a temporary
one by default, so no developer's ``.env`` is picked up), with stdin closed.

- ``run_cli(*args, env=...)`` waits for the process and returns it, whatever its exit code;
  the ``cli`` fixture (``tests/conftest.py``) is the same, run in the test's ``tmp_path``.
- ``CliProc(*args, env=...)`` is a process still running (``tail``, ``produce``): its stdout and
  stderr lines are read on threads, so a test waits for the next line with a deadline.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

from tests.support.redis_server import RedisServer

SCRIPT = str(Path(sys.executable).with_name("arena-tui"))
PROJECT_VARS = ("ARENA_", "REDIS_")
WAIT = 15.0
_NEUTRAL_DIR = tempfile.gettempdir()

Cli = Callable[..., subprocess.CompletedProcess[str]]
"""``cli("runs", "--json", env={...}, cwd=..., timeout=...)``: ``run_cli`` in a fixed directory."""


def cli_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment minus the project's variables, unbuffered, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PROJECT_VARS)}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def redis_env_for(server: RedisServer, prefix: str) -> dict[str, str]:
    """The variables that point the console script at ``server`` under ``prefix``."""
    return {
        "ARENA_BROKER_BACKEND": "redis",
        "REDIS_PASSWORD": server.password,
        "REDIS_URL": server.url,
        "ARENA_KEY_PREFIX": prefix,
    }


def run_cli(
    *args: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | str = _NEUTRAL_DIR,
    timeout: float = 30,
) -> subprocess.CompletedProcess[str]:
    """``arena-tui ARGS`` to completion; the finished process, never raising on its exit code."""
    return subprocess.run(
        [SCRIPT, *args],
        env=cli_env(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def make_cli(cwd: Path) -> Cli:
    """``run_cli`` with ``cwd`` as its default directory."""

    def cli(
        *args: str,
        env: Mapping[str, str] | None = None,
        cwd: Path | str = cwd,
        timeout: float = 30,
    ) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, env=env, cwd=cwd, timeout=timeout)

    return cli


class CliProc:
    """``arena-tui ARGS`` running; ``line()`` is its next stdout line, ``record()`` as JSON."""

    def __init__(
        self,
        *args: str,
        env: Mapping[str, str] | None = None,
        cwd: Path | str = _NEUTRAL_DIR,
        new_session: bool = False,
    ) -> None:
        """``new_session``: its own process group (and session), so a test can signal the
        process and its children together (``os.killpg(proc.pid, ...)``)."""
        self.proc = subprocess.Popen(
            [SCRIPT, *args],
            env=cli_env(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=new_session,
        )
        self._out: queue.Queue[str] = queue.Queue()
        self._err: queue.Queue[str] = queue.Queue()
        self._pumps = [
            threading.Thread(target=_pump, args=(stream, into), daemon=True)
            for stream, into in ((self.proc.stdout, self._out), (self.proc.stderr, self._err))
        ]
        for pump in self._pumps:
            pump.start()

    def line(self, within: float = WAIT) -> str:
        """The next stdout line without its newline; ``queue.Empty`` after ``within`` s."""
        return self._out.get(timeout=within).rstrip("\n")

    def record(self, within: float = WAIT) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.line(within))
        return value

    def error_line(self, within: float = WAIT) -> str:
        return self._err.get(timeout=within)

    def errors(self) -> list[str]:
        """Every stderr line so far (complete once the process has been waited for)."""
        lines = []
        while not self._err.empty():
            lines.append(self._err.get_nowait())
        return lines

    def wait(self, within: float = WAIT) -> int:
        return self.proc.wait(timeout=within)

    def rest(self) -> str:
        """Once the process has ended: every stdout line not read yet, then every stderr line."""
        assert self.proc.poll() is not None, "rest() reads what an ended process wrote"
        for pump in self._pumps:  # they end at EOF, now that the process is gone
            pump.join(timeout=WAIT)
        out = []
        while not self._out.empty():
            out.append(self._out.get_nowait())
        return "".join(out) + "".join(self.errors())

    def __enter__(self) -> CliProc:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=WAIT)
        for pump in self._pumps:  # they end at EOF, now that the process is gone
            pump.join(timeout=WAIT)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def _pump(stream: IO[str] | None, into: queue.Queue[str]) -> None:
    assert stream is not None
    for line in iter(stream.readline, ""):
        into.put(line)
