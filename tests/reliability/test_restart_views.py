"""Redis restarts under the two views people use: ``arena-tui tail --jsonl`` and the app.

``follow()`` itself is tested in ``test_follow_restart``; these check that each view passes on
what it says: every seq exactly once, a ``reconnected`` record or mark, and a reset shown as a
reset (a mark row and a toast in the app, a ``reset`` record in the CLI).
"""

from __future__ import annotations

import asyncio
import re
import signal
from collections.abc import AsyncIterator
from typing import Any

import pytest

from arena_tui.broker.redis import RedisStreamsBroker
from arena_tui.model.rows import MarkRow
from tests.support.cli import CliProc
from tests.support.events import counted
from tests.support.follow import Producer
from tests.support.pilot import (
    WIDE,
    live_app,
    pane,
    screen_text,
    shown_seqs,
    status_text,
    toasts,
    until,
)
from tests.support.redis_server import RedisServer
from tests.support.wire import republish

pytestmark = pytest.mark.redis


@pytest.fixture
async def aof_server() -> AsyncIterator[RedisServer]:
    with RedisServer(appendonly=True) as server:
        yield server


def restart_and_republish(server: RedisServer, n: int) -> None:
    """Kill and restart ``server`` (no persistence: everything is lost), then republish."""
    server.kill()
    server.start()
    republish_fresh(server, n)


def republish_fresh(server: RedisServer, n: int) -> None:
    """What a producer does after a restart without persistence: seq 1, 2, ... again."""
    raw = server.client()
    republish(raw, "r1", n)
    raw.close()


async def test_cli_tail_jsonl_across_a_kill_and_restart_has_every_seq_once(
    aof_server: RedisServer,
) -> None:
    writer = RedisStreamsBroker(aof_server.url, key_prefix="rel")
    env = {"ARENA_BROKER_BACKEND": "redis", "REDIS_URL": aof_server.url, "ARENA_KEY_PREFIX": "rel"}
    try:
        await writer.open_run("r1")
        producer = Producer(writer, "r1")
        producer.start()
        await producer.wait_for(20)
        with CliProc("tail", "r1", "--jsonl", env=env) as tail:
            await asyncio.to_thread(tail.line)  # reading
            await producer.wait_for(len(producer.seqs) + 30)
            await asyncio.to_thread(aof_server.kill)
            retry = await asyncio.to_thread(tail.error_line)
            await asyncio.to_thread(aof_server.start)
            await producer.wait_for(len(producer.seqs) + 50)
            await producer.stop()
            await writer.close_run("r1")

            def until_finished() -> list[dict[str, Any]]:
                got: list[dict[str, Any]] = []
                while not got or got[-1]["type"] != "finished":
                    got.append(tail.record())
                return got

            records = await asyncio.to_thread(until_finished)
            assert await asyncio.to_thread(tail.wait) == 0
        last = int(aof_server.client().get("rel:run:r1:seq") or 0)
    finally:
        await writer.aclose()
    assert "cannot reach Redis" in retry
    assert "retrying in" in retry
    seqs = [1] + [r["seq"] for r in records if r["type"] == "event"]
    assert seqs == list(range(1, last + 1))  # every seq exactly once, in order
    notices = [r for r in records if r["type"] != "event"]
    assert [n["type"] for n in notices] == ["reconnected", "finished"]
    assert notices[-1]["last_seq"] == last
    print(f"\ntail --jsonl: {last} seqs, reconnected after {notices[0]['after_s']} s")


async def test_cli_tail_reports_a_restart_without_persistence_as_a_reset() -> None:
    with RedisServer() as server:
        writer = RedisStreamsBroker(server.url, key_prefix="rel")
        env = {"ARENA_BROKER_BACKEND": "redis", "REDIS_URL": server.url, "ARENA_KEY_PREFIX": "rel"}
        try:
            await writer.open_run("r1")
            await writer.publish_many("r1", [counted("r1", i) for i in range(10)])
            with CliProc("tail", "r1", "--jsonl", env=env) as tail:
                first = [await asyncio.to_thread(tail.record) for _ in range(10)]
                # the tail is paused meanwhile, so its first retry finds the republished run
                # (a retry that came between the restart and the republish would see an
                # empty server and report new_last_seq 0: the race failed this test under load)
                tail.proc.send_signal(signal.SIGSTOP)
                try:
                    await asyncio.to_thread(restart_and_republish, server, 3)
                finally:
                    tail.proc.send_signal(signal.SIGCONT)
                raw = server.client()
                raw.delete("rel:run:r1:open")
                raw.close()
                rest = [await asyncio.to_thread(tail.record) for _ in range(6)]
                assert await asyncio.to_thread(tail.wait) == 0
        finally:
            await writer.aclose()
    assert [r["seq"] for r in first] == list(range(1, 11))
    assert [r["type"] for r in rest] == [
        "reconnected", "reset", "event", "event", "event", "finished"
    ]  # fmt: skip
    assert rest[1] == {"type": "reset", "run_id": "r1", "last_seen_seq": 10, "new_last_seq": 3}
    assert [r["seq"] for r in rest[2:5]] == [1, 2, 3]
    assert {r["agent"] for r in rest[2:5]} == {"new"}


async def test_app_shows_reconnecting_then_a_reconnected_mark_and_every_seq_once(
    aof_server: RedisServer,
) -> None:
    writer = RedisStreamsBroker(aof_server.url, key_prefix="rel")
    viewer = RedisStreamsBroker(aof_server.url, key_prefix="rel")
    try:
        await writer.open_run("r1")
        producer = Producer(writer, "r1", interval=0.01)
        producer.start()
        await producer.wait_for(20)
        app = live_app(viewer, run_id="r1")
        async with app.run_test(size=WIDE, notifications=True) as pilot:
            await until(pilot, lambda: len(shown_seqs(app)) >= 30, what="30 events")
            await asyncio.to_thread(aof_server.kill)
            await until(pilot, lambda: "reconnecting (attempt" in status_text(app))
            seen_status = status_text(app)
            await until(  # a toast expires: wait for it while the server is down
                pilot,
                lambda: any("connection lost, reconnecting" in t for t in toasts(app)),
                what="the connection-lost toast",
            )
            await asyncio.to_thread(aof_server.start)

            def marks() -> list[MarkRow]:
                return [r for r in pane(app).view.rows if isinstance(r, MarkRow)]

            await until(pilot, lambda: bool(marks()), what="the reconnected mark")
            # on screen while it is near the bottom (30 more events may scroll it away)
            await until(pilot, lambda: "reconnected after" in screen_text(app), what="the mark")
            await producer.wait_for(len(producer.seqs) + 30)
            await producer.stop()
            await writer.close_run("r1")
            await until(pilot, lambda: "finished at seq" in status_text(app), what="finished")
            last = producer.seqs[-1]
            assert shown_seqs(app) == list(range(1, last + 1))
            assert len(marks()) == 1
            mark = marks()[0].text
            assert mark.startswith("⟳ reconnected after ")
    finally:
        await writer.aclose()
        await viewer.aclose()
    # which attempt is on screen when it is read depends on the machine's load
    assert re.search(r"reconnecting \(attempt \d+, (next in \d+ s|trying now)\)", seen_status)
    print(f"\napp: status while down: {seen_status.split(' · ')[0]!r}; {mark}")


async def test_app_shows_a_reset_as_a_mark_and_a_toast_then_the_new_run() -> None:
    with RedisServer() as server:
        writer = RedisStreamsBroker(server.url, key_prefix="rel")
        viewer = RedisStreamsBroker(server.url, key_prefix="rel")
        try:
            await writer.open_run("r1")
            await writer.publish_many("r1", [counted("r1", i) for i in range(30)])
            app = live_app(viewer, run_id="r1")
            async with app.run_test(size=WIDE, notifications=True) as pilot:
                await until(pilot, lambda: shown_seqs(app) == list(range(1, 31)))
                await asyncio.to_thread(server.kill)
                await until(pilot, lambda: "reconnecting" in status_text(app))
                await asyncio.to_thread(server.start)
                await asyncio.to_thread(republish_fresh, server, 5)
                await until(pilot, lambda: shown_seqs(app) == [1, 2, 3, 4, 5], what="new run")
                text = "run reset: the broker lost seqs 1–30 (restart without persistence)"
                rows = pane(app).view.rows
                assert isinstance(rows[0], MarkRow)
                assert rows[0].text == f"⟲ {text}; showing the new run"
                assert any(text in t for t in toasts(app))
                await until(pilot, lambda: "run reset" in screen_text(app))
                agents = {r.envelope.event.agent_id for r in rows[1:]}  # type: ignore[union-attr]
                assert agents == {"new"}
        finally:
            await writer.aclose()
            await viewer.aclose()
