"""Figure 13's app process: ``python -m bench.cold_memory_worker LOGS_ROOT --events N``.

Runs the real app headless in a fresh process (so the RSS is the app's alone) on the in-process
broker plus the DuckDB logs under ``LOGS_ROOT``, as the CLI builds it, opened on the cold run
``bench.figures.cold.RUN`` (``--events`` events). It goes to the run's first seq (Home), idles
1 s and reads its RSS (the baseline); then pages down (the PgDn action, one screen at a time)
until the cursor is on the run's last seq, every page read from the file as the cursor reaches
it, and reads the RSS again. Prints one JSON object: idle_mb, final_mb, growth_mb, pages,
seconds, last_seq.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import time
from pathlib import Path

from arena_tui.broker.cold import with_logs
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.config import Settings
from arena_tui.ui.app import make_app
from arena_tui.ui.screens.watch import WatchScreen
from bench.app_driver import SIZE, until
from bench.figures.cold import RUN
from bench.machine import rss_mb

PAINT_EVERY = 50
"""Let a frame paint every this many pages, as a user's key repeat would."""


async def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cold_memory_worker")
    parser.add_argument("root", type=Path)
    parser.add_argument("--events", type=int, required=True)
    args = parser.parse_args()
    settings = Settings.from_mapping({"ARENA_TUI_DEMO": "0", "ARENA_LOGS_ROOT": str(args.root)})
    app = make_app(settings, with_logs(InProcessBroker(), args.root), run_id=RUN)
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: isinstance(app.screen, WatchScreen), what="the watch screen")
        screen = app.screen
        assert isinstance(screen, WatchScreen)
        pane = screen.log_pane
        await until(lambda: pane.view.run_id == RUN and pane.view.loaded, 60, "the cold run")
        pane.action_home()
        await until(lambda: pane.view.cursor_seq == 1, 60, "the first seq")
        await pilot.pause(1.0)
        gc.collect()
        idle = rss_mb()
        start, pages = time.monotonic(), 0
        while pane.view.cursor_seq != args.events:
            before = pane.view.cursor_seq
            pane.action_page(1)
            pages += 1
            if pages % PAINT_EVERY == 0:
                await pilot.pause()
            if pane.view.cursor_seq == before:  # at the window's edge: its next page is read
                await until(lambda b=before: pane.view.cursor_seq != b, 60, "the next page")
        seconds = time.monotonic() - start
        await pilot.pause(0.5)
        gc.collect()
        final = rss_mb()
    result = {
        "idle_mb": idle,
        "final_mb": final,
        "growth_mb": final - idle,
        "pages": pages,
        "seconds": seconds,
        "last_seq": args.events,
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
