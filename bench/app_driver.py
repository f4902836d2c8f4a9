"""The real app, headless, on the bench's Redis; and the paced producer as a subprocess.

``running_app`` builds the app exactly as the CLI does (``Settings.from_mapping`` of the same
variables, ``make_broker``, ``make_app``), runs it with ``App.run_test`` at 160x48, attaches a
``FrameProbe`` and waits until the log pane has loaded the run and its live tail is reading.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerState

from arena_tui.broker.factory import make_broker
from arena_tui.config import Settings
from arena_tui.ui.app import make_app
from arena_tui.ui.widgets.log.pane import LogPane
from bench.harness import ROOT
from bench.probe import FrameProbe

SIZE = (160, 48)


def settings_for(url: str, prefix: str) -> Settings:
    return Settings.from_mapping(
        {
            "ARENA_BROKER_BACKEND": "redis",
            "REDIS_URL": url,
            "ARENA_KEY_PREFIX": prefix,
            "ARENA_TUI_DEMO": "0",
        }
    )


async def until(condition: Callable[[], bool], within: float = 20.0, what: str = "") -> None:
    """Poll ``condition`` (setup only: never used to time anything)."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.01)


@dataclass
class RunningApp:
    app: App[Any]
    pilot: Pilot[Any]
    probe: FrameProbe
    pane: LogPane

    def tailing(self) -> bool:
        return any(
            worker.group == "tail" and worker.state is WorkerState.RUNNING
            for worker in self.app.workers
        )


@asynccontextmanager
async def running_app(url: str, prefix: str, run_id: str) -> AsyncIterator[RunningApp]:
    settings = settings_for(url, prefix)
    app = make_app(settings, make_broker(settings.broker), run_id=run_id)
    async with app.run_test(size=SIZE) as pilot:
        probe = FrameProbe(app)
        probe.attach_display()
        await until(lambda: bool(app.screen.query(LogPane)), what="the log pane")
        pane = app.screen.query_one(LogPane)
        probe.attach_log(pane)
        running = RunningApp(app, pilot, probe, pane)
        await until(lambda: pane.view.loaded and running.tailing(), what="the run to load")
        yield running


async def start_producer(
    url: str, prefix: str, run_id: str, *, rate: float, seconds: float, batch: int
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.producer",
        run_id,
        "--prefix",
        prefix,
        "--rate",
        str(rate),
        "--seconds",
        str(seconds),
        "--batch",
        str(batch),
        cwd=ROOT,
        env={**os.environ, "BENCH_REDIS_URL": url},
        stdout=asyncio.subprocess.PIPE,
    )


async def finish_producer(process: asyncio.subprocess.Process) -> int:
    """Wait for the producer; the number of events it published."""
    out, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"the bench producer failed with exit code {process.returncode}")
    return int(out.decode().strip() or 0)
