"""A finished run deleted from under the app (Redis restarted without persistence, or reaped).

The soak's follow app sat on a run that the last ``kill -9`` had wiped, still saying "finished
at seq 231" while Redis had nothing for it. The events it shows are still worth reading (they
are the only copy left), so it keeps them, but it must say the run is gone from the broker.
"""

from __future__ import annotations

import asyncio

import pytest

from arena_tui.broker.redis import RedisStreamsBroker
from tests.support.events import turn_loop
from tests.support.pilot import WIDE, live_app, pane, shown_seqs, status_text, until
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.redis


@pytest.mark.timeout(60)
async def test_a_finished_run_wiped_by_a_restart_is_said_gone_and_its_events_kept() -> None:
    with RedisServer() as server:
        writer = RedisStreamsBroker(server.url, key_prefix="rel")
        viewer = RedisStreamsBroker(server.url, key_prefix="rel")
        try:
            await writer.open_run("r1")
            await writer.publish_many("r1", [turn_loop("r1", s) for s in range(1, 21)])
            await writer.close_run("r1")
            await writer.open_run("r2")  # another run, alive after the restart
            await writer.publish_many("r2", [turn_loop("r2", s) for s in range(1, 6)])
            app = live_app(viewer, run_id="r1")
            async with app.run_test(size=WIDE) as pilot:
                await until(pilot, lambda: "finished at seq 20" in status_text(app), 15)
                await asyncio.to_thread(server.kill)
                await asyncio.to_thread(server.start)  # no persistence: r1 is gone
                await writer.open_run("r2")
                await writer.publish_many("r2", [turn_loop("r2", s) for s in range(1, 4)])
                await until(
                    pilot, lambda: "gone from the broker" in status_text(app), 15, "said gone"
                )
                assert shown_seqs(app) == list(range(1, 21))
                assert "seq 20 / 20" in status_text(app)
        finally:
            await viewer.aclose()
            await writer.aclose()


@pytest.mark.timeout(60)
async def test_a_page_read_retried_through_a_restart_gives_the_finished_state_back() -> None:
    """The soak's scrollback app sat at "reconnecting (attempt 1, trying now)" for good: its
    page read had retried through a Redis restart and succeeded, but nothing put back the state
    the retry had replaced (the run had finished: no tail was left to say anything)."""
    with RedisServer(appendonly=True) as server:
        writer = RedisStreamsBroker(server.url, key_prefix="rel")
        viewer = RedisStreamsBroker(server.url, key_prefix="rel", command_retries=0)
        try:
            await writer.open_run("r1")
            await writer.publish_many("r1", [turn_loop("r1", s) for s in range(1, 2001)])
            await writer.close_run("r1")
            app = live_app(viewer, run_id="r1")
            async with app.run_test(size=WIDE) as pilot:
                await until(pilot, lambda: "finished at seq 2,000" in status_text(app), 15)
                await asyncio.to_thread(server.kill)
                await pilot.press("home")  # seq 1: a page the view does not hold
                await until(pilot, lambda: "reconnecting" in status_text(app), 10, "a retry")
                await asyncio.to_thread(server.start)  # AOF: the run is still there
                await until(pilot, lambda: pane(app).view.cursor_seq == 1, 15, "the page")
                await pilot.pause(1.0)
                assert "finished at seq 2,000" in status_text(app), status_text(app)
        finally:
            await viewer.aclose()
            await writer.aclose()
