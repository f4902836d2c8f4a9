"""Run the real ``arena-tui`` console script in a subprocess, with a hermetic environment.

Every run starts from the current environment minus the project's variables, in a temporary
directory (so no developer's ``.env`` is picked up), with the variables the test passes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

SCRIPT = str(Path(sys.executable).with_name("arena-tui"))
PROJECT_VARS = ("ARENA_", "REDIS_")

Cli = Callable[..., subprocess.CompletedProcess[str]]


def cli_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(PROJECT_VARS)}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def make_cli(cwd: Path) -> Cli:
    """``cli("runs", "--json", env={...})``: the finished process, never raising on exit code."""

    def run(
        *args: str, env: Mapping[str, str] | None = None, cwd: Path = cwd, timeout: float = 30
    ) -> subprocess.CompletedProcess[str]:
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

    return run
