"""Figure 9, startup: the real ``arena-tui`` console script to its first frame, in a pty.

Setup: 100 runs in Redis (half open, half finished, 40 events each). Each run spawns the
installed ``arena-tui`` script (the virtualenv's entry point, configured for the bench's Redis
by environment variables, from an empty directory so no ``.env`` is read) on a fresh 160x48
pseudo-terminal, and reads what it writes. First frame: the first output, after the switch to
the alternate screen, that contains the header's `` arena-tui `` title; the clock starts just
before the process is spawned and stops when those bytes are read. The process is then
terminated. The app asks the broker nothing before that frame (its first listing comes after
it, and redis-py is imported for it): ``listed_s`` in the JSON's ``extra`` is the time to the
first frame that shows the listing (the sidebar's title counting the 100 runs). Baseline: a
minimal Textual app (one ``Static``) started the same way with the same interpreter, to the
first frame containing its text. Target: <= 1.5x the baseline (issue 14; it was <= 1.0 s). That
DuckDB is never imported on the way is a test (``tests/test_import_hygiene.py``).
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

from bench import data
from bench.app_driver import SIZE
from bench.harness import Bench, interleave
from bench.report import FigureResult, Metrics, Row, Target, summarise

RUNS = 100
LISTED = f"{RUNS // 2} finished)".encode()
"""The sidebar's title once the first listing is painted: ``RUNS (50 open · 50 finished)``."""
ALT_SCREEN = b"\x1b[?1049h"
BASELINE_APP = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Hello(App):\n"
    "    def compose(self):\n"
    "        yield Static('hello-baseline')\n"
    "Hello().run()\n"
)

ROW = Row(
    name="9 startup to first frame (pty)",
    metric="seconds",
    unit="s",
    target=Target("ratio", "<=", 1.5),
    baseline_metric="seconds",
    baseline_label="a minimal Textual app (one Static), same pty and interpreter",
    method=__doc__ or "",
)


def first_frame(
    argv: list[str], env: Mapping[str, str], marker: bytes, cwd: str, then: bytes = b""
) -> tuple[float, float]:
    """Seconds from spawning ``argv`` on a fresh pty to reading ``marker`` on the alt screen,
    and to reading ``then`` after it (the same time when ``then`` is empty)."""
    master, slave = os.openpty()
    cols, rows = SIZE
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    start = time.monotonic()
    process = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=dict(env), cwd=cwd,
        start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    seen = b""
    first: float | None = None
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 20.0)
            if not ready:
                raise TimeoutError(f"no first frame from {argv[0]}: {seen[-300:]!r}")
            try:
                chunk = os.read(master, 65536)
            except OSError as exc:  # EIO: the child closed the pty
                raise RuntimeError(f"{argv[0]} exited: {seen[-300:]!r}") from exc
            seen += chunk
            now = time.monotonic() - start
            at = seen.find(ALT_SCREEN)
            if first is None and at >= 0 and marker in seen[at:]:
                first = now
            if first is not None and then in seen[at:]:
                return first, now
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        os.close(master)


async def run(bench: Bench) -> list[FigureResult]:
    prefix = bench.prefix("startup")
    broker = bench.broker(prefix)
    for i in range(RUNS):
        await data.fill_run(broker, uuid.uuid4().hex, 40, close=i % 2 == 1)
    await broker.aclose()
    script = str(Path(sys.executable).parent / "arena-tui")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "ARENA_BROKER_BACKEND": "redis",
        "REDIS_URL": bench.url,
        "ARENA_KEY_PREFIX": prefix,
    }
    with tempfile.TemporaryDirectory(prefix="arena-bench-") as empty:

        async def app() -> Metrics:
            first, listed = first_frame([script], env, b" arena-tui ", empty, LISTED)
            return {"seconds": first, "listed_s": listed}

        async def baseline() -> Metrics:
            argv = [sys.executable, "-c", BASELINE_APP]
            return {"seconds": first_frame(argv, env, b"hello-baseline", empty)[0]}

        runs, base = await interleave(app, baseline, bench.repeats)
    return [summarise(ROW, runs, base)]
