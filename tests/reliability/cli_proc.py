"""The real ``arena-tui`` console script in a subprocess, with a hermetic environment.

``run_cli`` waits for the process; ``TailProc`` reads a running ``tail --jsonl`` line by line
(stdout and stderr on reader threads, so a test waits with a timeout instead of blocking).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any

SCRIPT = str(Path(sys.executable).with_name("arena-tui"))
WAIT = 15.0


def cli_env(extra: Mapping[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARENA_", "REDIS_"))}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def run_cli(
    *args: str, env: Mapping[str, str], timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, *args],
        env=cli_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
        cwd=Path(__file__).parent,
    )


class TailProc:
    """``arena-tui ARGS`` running; ``record()`` is the next stdout line as JSON."""

    def __init__(self, *args: str, env: Mapping[str, str]) -> None:
        self.proc = subprocess.Popen(
            [SCRIPT, *args],
            env=cli_env(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=Path(__file__).parent,
        )
        self.out: queue.Queue[bytes] = queue.Queue()
        self.err: queue.Queue[bytes] = queue.Queue()
        self._pumps = [
            threading.Thread(target=_pump, args=(stream, into), daemon=True)
            for stream, into in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))
        ]
        for pump in self._pumps:
            pump.start()

    def line(self, within: float = WAIT) -> bytes:
        return self.out.get(timeout=within)

    def record(self, within: float = WAIT) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.line(within))
        return value

    def error_line(self, within: float = WAIT) -> str:
        return self.err.get(timeout=within).decode()

    def wait(self, within: float = WAIT) -> int:
        return self.proc.wait(timeout=within)

    def __enter__(self) -> TailProc:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for pump in self._pumps:
            pump.join(timeout=WAIT)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def _pump(stream: IO[bytes] | None, into: queue.Queue[bytes]) -> None:
    assert stream is not None
    for line in stream:
        into.put(line)
