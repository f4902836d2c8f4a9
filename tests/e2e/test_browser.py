"""End to end in a real browser: ``arena-tui serve`` opened in headless Chromium.

A seeded, finished run is published to a private Redis; the server gets the same environment
a terminal user would have (Redis URL with a password, key prefix), and the test reads the
app's screen out of xterm.js while typing what a user would: ``g``, a seq and Enter, then ``?``.
It fails if the page stays blank, loads anything from another host, or the app dies.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path

import pytest

from tests.e2e.browser import ServeProcess, browser_tab
from tests.support.cli import redis_env_for, run_cli
from tests.support.redis_server import RedisServer, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

SCREENSHOT_DIR_ENV = "ARENA_TEST_SCREENSHOTS"
"""Set to a folder to keep the test's screenshot there (it is always kept in tmp_path)."""


def test_serve_in_a_real_browser(redis_server: RedisServer, tmp_path: Path) -> None:
    server = redis_server  # the session's: nothing here kills or floods it
    env = redis_env_for(server, f"web:{secrets.token_hex(4)}")
    del env["REDIS_PASSWORD"]  # the URL carries it
    args = ("--turns", "30", "--rate", "0", "--label", "rank", "--seed", "11")
    produced = run_cli("produce", *args, env=env, timeout=60)
    assert produced.returncode == 0, produced.stderr
    [run_id] = re.findall(r"\b[0-9a-f]{32}\b", produced.stdout)

    serve = ServeProcess(free_port(), env, cwd=tmp_path)
    try:
        with browser_tab(serve.url, tmp_path / "chromium-profile") as (tab, outside):
            screen = tab.wait_for(lambda s: "finished at seq" in s and "turn_start" in s)
            finished = re.search(r"finished at seq ([\d,]+)", screen)
            assert finished is not None
            last = int(finished[1].replace(",", ""))
            assert "RUNS (0 open · 1 finished)" in screen
            assert f"{run_id[:8]}…" in screen, "the sidebar row of the run"
            rows = [line for line in tab.lines() if re.search(r"\b\d+ \d\d:\d\d:\d\d\b", line)]
            assert len(rows) >= 10, f"log rows on screen:\n{screen}"
            assert "(password hidden)" in screen
            assert server.password not in screen
            [app] = serve.apps()

            tab.press("g")
            tab.wait_for(lambda s: "go to…" in s)
            tab.press("5", "Enter")
            screen = tab.wait_for(lambda s: f"finished at seq {last:,} · seq 5 / {last:,}" in s)

            tab.press("?")
            screen = tab.wait_for(lambda s: "arena-tui · keys" in s)
            assert "resume following" in screen
            tab.press("Escape")
            tab.wait_for(lambda s: "arena-tui · keys" not in s)
            assert f"finished at seq {last:,} · seq 5 / {last:,}" in tab.screen()

            tab.press("i")  # the charts, read through the same broker
            tab.wait_for(lambda s: f"charts · ? {run_id[:8]}…" in s and "turn" in s)
            tab.press("3")
            tab.wait_for(lambda s: "seconds into the run" in s)
            charts_shot = tmp_path / "arena-tui-charts-in-chromium.png"
            assert tab.screenshot(charts_shot) > 5
            tab.press("Escape")
            tab.wait_for(lambda s: f"finished at seq {last:,} · seq 5 / {last:,}" in s)

            shot = tmp_path / "arena-tui-in-chromium.png"
            colours = tab.screenshot(shot)
            if os.environ.get(SCREENSHOT_DIR_ENV):
                for taken in (shot, charts_shot):
                    keep = Path(os.environ[SCREENSHOT_DIR_ENV]) / taken.name
                    keep.write_bytes(taken.read_bytes())
            assert colours > 5, f"the page looks blank ({colours} colours): {shot}"
            assert not tab.closed(), "the page says the session ended"
            assert serve.alive(), "the server died"
            assert serve.apps() == [app], "the tab's app died"
            assert outside == [], f"the page tried to load from other hosts: {outside}"

            tab.page.close()
            deadline = time.monotonic() + 15
            while serve.apps():
                assert time.monotonic() < deadline, "closing the tab did not end its app"
                time.sleep(0.1)
        assert serve.alive()
        took = serve.interrupt(within=15)
        output = serve.output()
        assert serve.process.returncode == 0, output
        assert "Traceback" not in output
        assert took < 15
    finally:
        serve.close()
