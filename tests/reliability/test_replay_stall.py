"""A replaying app under a stalled Redis (SIGSTOP): the soak's replay app died after one.

In the 30-minute soak the replaying app's task count rose from 29 to 35-49 during SIGSTOPs and
DEBUG SLEEPs, and then its process was gone. A stalled server accepts connections (the kernel
does) and answers nothing, so every command waits for its socket timeout. Whatever the app
starts meanwhile (the runs listing every 1.5 s, the log's page reads as the replay moves past
its window, the tail's reconnects) must not pile up: at most one of each kind in flight, and
the app still running, replaying to the end once the server is back.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter

import pytest

from arena_tui.broker.redis import RedisStreamsBroker
from arena_tui.config import Settings
from arena_tui.ui.app import make_app
from tests.support.events import turn_loop
from tests.support.pilot import WIDE, pane, status_text, toasts, until
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.redis

WIDGET_TASKS = {"MessagePump._process_messages", "Timer._run_timer"}
"""One per widget and timer: toasts come and go with the faults' notifications."""


def io_tasks() -> Counter[str]:
    """The loop's tasks that are not a widget's or a timer's, by coroutine."""
    names: Counter[str] = Counter()
    for task in asyncio.all_tasks():
        coro = task.get_coro()
        name = getattr(coro, "__qualname__", None) or task.get_name()
        if name not in WIDGET_TASKS:
            names[name] += 1
    return names


@pytest.mark.timeout(90)
async def test_replay_through_a_stalled_server_starts_one_read_of_each_kind() -> None:
    with RedisServer() as server:
        writer = RedisStreamsBroker(server.url, key_prefix="rel")
        viewer = RedisStreamsBroker(
            server.url, key_prefix="rel", socket_timeout=1.0, connect_timeout=1.0
        )
        try:
            await writer.open_run("r1")
            events = [turn_loop("r1", s) for s in range(1, 3001)]
            for start in range(0, len(events), 500):
                await writer.publish_many("r1", events[start : start + 500])
            await writer.close_run("r1")
            app = make_app(Settings(stale_after=1e9, demo=False), viewer, run_id="r1", seq=1)
            async with app.run_test(size=WIDE) as pilot:
                await until(pilot, lambda: pane(app).view.loaded, 15, "the first page")
                await pilot.press("p", "p")  # 10x, as the soak replays: a page read every ~5 s
                await until(pilot, lambda: "▶" in status_text(app), 15, "the replay")
                await pilot.pause(1.0)
                most: Counter[str] = Counter()
                assert server.pid is not None
                os.kill(server.pid, signal.SIGSTOP)
                try:
                    for _ in range(60):  # 6 s stalled: six socket timeouts
                        await pilot.pause(0.1)
                        most |= io_tasks()
                finally:
                    os.kill(server.pid, signal.SIGCONT)
                resumed_at = pane(app).view.cursor
                for _ in range(40):
                    await pilot.pause(0.1)
                    most |= io_tasks()
                await until(
                    pilot,
                    lambda: pane(app).view.cursor > resumed_at + 100 or pane(app).view.at_head,
                    20,
                    "the replay to go on after the stall",
                )
                assert app.is_running
                after = io_tasks()
        finally:
            await viewer.aclose()
            await writer.aclose()
    print(f"\nmost tasks in flight at once: {dict(most)}; after: {dict(after)}")
    piled = {name: n for name, n in most.items() if n > 2}
    assert not piled, f"tasks piled up during the stall: {dict(most)}"


@pytest.mark.timeout(60)
async def test_charts_opened_while_the_server_is_down_do_not_end_the_app() -> None:
    """The charts' history read (``i``) is one more read of the broker: one that fails must
    say so on the charts and leave the app running (it used to end the app: the worker's
    exception was unhandled, and Textual exits on those)."""
    with RedisServer() as server:
        writer = RedisStreamsBroker(server.url, key_prefix="rel")
        viewer = RedisStreamsBroker(
            server.url, key_prefix="rel", socket_timeout=1.0, connect_timeout=1.0
        )
        try:
            await writer.open_run("r1")
            await writer.publish_many("r1", [turn_loop("r1", s) for s in range(1, 301)])
            await writer.close_run("r1")
            app = make_app(Settings(stale_after=1e9, demo=False), viewer, run_id="r1", seq=1)
            async with app.run_test(size=WIDE) as pilot:
                await until(pilot, lambda: pane(app).view.loaded, 15, "the first page")
                await asyncio.to_thread(server.kill)
                await pilot.press("i")
                await pilot.pause(3.0)
                assert app.is_running
                title = str(app.screen.query_one("#charts-title").render())
                assert "cannot read the run" in title, title
                await pilot.press("escape")
                await pilot.pause(0.2)
                assert app.is_running
        finally:
            await viewer.aclose()
            await writer.aclose()


@pytest.mark.timeout(60)
async def test_a_replay_whose_next_page_cannot_be_read_stops_once() -> None:
    """The run is wiped (a kill -9 without persistence) while a replay plays: the next page's
    read fails. A 3-minute soak's replay app then stepped past the window on every tick (30 a
    second), each step a new read and each failure a new toast: 300 toasts and 120 timers
    alive, RSS climbing. The replay must stop, and say so once."""
    with RedisServer() as server:
        writer = RedisStreamsBroker(server.url, key_prefix="rel")
        viewer = RedisStreamsBroker(server.url, key_prefix="rel")
        try:
            await writer.open_run("r1")
            await writer.publish_many("r1", [turn_loop("r1", s) for s in range(1, 1501)])
            await writer.close_run("r1")
            app = make_app(Settings(stale_after=1e9, demo=False), viewer, run_id="r1", seq=1)
            async with app.run_test(size=WIDE) as pilot:
                await until(pilot, lambda: pane(app).view.loaded, 15, "the first page")
                raw = server.client()
                raw.delete("rel:run:r1:open", "rel:run:r1:seq", "rel:run:r1:events")
                raw.close()
                await pilot.press("p", "p", "p")  # max speed: at the window's edge at once
                await pilot.pause(3.0)
                told = [t for t in toasts(app) if "r1" in t]
                assert len(told) <= 2, told
                assert "▶" not in status_text(app)
                assert app.is_running
        finally:
            await viewer.aclose()
            await writer.aclose()
