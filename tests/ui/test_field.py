"""Pilot tests of issue 10 ("field conditions"): counts, turns, ends of runs, sizes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from arena_tui.broker.clock import FrozenClock
from arena_tui.broker.errors import BrokerAuthError
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.broker.models import RunInfo, RunStatus
from arena_tui.broker.redis import RedisStreamsBroker
from arena_tui.ui.app import ArenaApp, make_app
from arena_tui.ui.widgets.header import ArenaHeader
from tests.support.events import counted
from tests.support.pilot import (
    NOW,
    SETTINGS,
    app_for,
    pane,
    screen_text,
    seed_run,
    status_text,
    toasts,
    until,
    watch,
)
from tests.support.redis_server import RedisServer

SIZE = (120, 32)


def kinds_text(app: ArenaApp) -> str:
    return str(watch(app).query_one("#kinds").render())


def kinds_total(app: ArenaApp) -> int:
    return sum(
        int(n.replace(",", "")) for n in re.findall(r" ([\d,]+)(?: ·|$| \()", kinds_text(app))
    )


async def retained(broker: InProcessBroker, run_id: str) -> int:
    (info,) = [i for i in await broker.list_runs() if i.run_id == run_id]
    return info.n_events


async def test_kinds_panel_counts_what_the_stream_holds() -> None:
    """Defect 9: with a small MAXLEN the panel counted trimmed events (615 for a stream of
    305, and a kind the stream no longer held)."""
    broker = InProcessBroker(max_len=300)
    await seed_run(broker, "r1", 1_000)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "counting" not in kinds_text(app) and kinds_total(app) > 0)
        for start in range(1_001, 1_401, 50):  # a live run: the tail sees every event
            await seed_run(broker, "r1", 50, start=start)
            await pilot.pause(0.05)
        held = await retained(broker, "r1")
        assert held <= 310
        await until(pilot, lambda: kinds_total(app) == held, within=8)


@pytest.mark.redis
async def test_kinds_panel_starts_over_when_the_run_does(
    redis_server: RedisServer, key_prefix: str
) -> None:
    """Defect 9: after a run reset (its keys deleted, the producer carrying on from seq 1) the
    panel kept the old run's counts."""
    broker = RedisStreamsBroker(redis_server.url, key_prefix=key_prefix)
    writer = RedisStreamsBroker(redis_server.url, key_prefix=key_prefix)
    try:
        await writer.open_run("r1")
        await writer.publish_many("r1", [counted("r1", i) for i in range(40)])
        app = app_for(broker, run_id="r1")
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: kinds_text(app) == "metric 40")
            raw = redis_server.client()
            raw.delete(*(f"{key_prefix}:run:r1:{k}" for k in ("open", "seq", "events")))
            raw.close()
            await writer.open_run("r1")
            await writer.publish_many("r1", [counted("r1", i, kind="action") for i in range(5)])
            await until(pilot, lambda: kinds_text(app) == "action 5", within=10)
    finally:
        await writer.aclose()
        await broker.aclose()


def sidebar_row(app: ArenaApp, run_id: str) -> str:
    """The run's row in the sidebar, "" until a listing has it."""
    side = watch(app).sidebar
    index = side.runs.row_index(run_id)
    if index is None:
        return ""
    return side.render_line(1 + index - round(side.scroll_y)).text  # under the heading


async def test_the_sidebar_says_finished_when_the_header_does() -> None:
    """The listing calls a run open for 5 s after its last event though its ``:open`` is gone;
    the header said finished meanwhile. Now both say it within one poll."""
    broker = InProcessBroker()
    await seed_run(broker, "r1", 20, at=datetime.now(UTC))
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: sidebar_row(app, "r1").startswith("●"))
        await broker.close_run("r1")
        await until(pilot, lambda: "finished at seq 20" in status_text(app))
        assert (await broker.list_runs())[0].status is RunStatus.OPEN  # the listing's grace
        assert sidebar_row(app, "r1").startswith("✓")
        assert watch(app).sidebar.runs.title == "RUNS (0 open · 1 finished)"
        await pilot.pause(2)  # a poll later: still finished
        assert sidebar_row(app, "r1").startswith("✓")


class Refusing(InProcessBroker):
    async def list_runs(self, *args: Any, **kwargs: Any) -> list[RunInfo]:
        raise BrokerAuthError("authentication failed for redis://localhost:6379/0")


async def test_a_refused_password_shows_in_the_sidebar_and_the_toast_says_r() -> None:
    app = app_for(Refusing())
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "password refused" in watch(app).sidebar.render_line(0).text)
        assert any("press r to reconnect" in t for t in toasts(app))


async def test_r_on_the_in_process_broker_says_what_it_did() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 20)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.loaded)
        await pilot.press("r")
        await until(pilot, lambda: any("in-process broker" in t for t in toasts(app)))


async def test_an_unknown_run_is_not_available_and_nothing_is_counting() -> None:
    """``--run nope`` showed ``not available · FOLLOWING`` and ``counting…`` for ever."""
    broker = InProcessBroker()
    await seed_run(broker, "r1", 20)
    app = app_for(broker, run_id="nope")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "not available" in status_text(app))
        await pilot.pause(0.3)
        assert "FOLLOWING" not in status_text(app)
        assert "counting" not in kinds_text(app)
        assert any("'nope' is not in the broker" in t for t in toasts(app))


async def test_a_run_that_goes_on_after_its_sentinel_is_gone_is_followed_again() -> None:
    """The tail calls a run finished after half a second of quiet without ``:open``; the
    listing calls it open for 5 s after its last event. An arena whose sentinel expired under a
    long run writes on, an LLM call apart: the sidebar said open again while the header kept
    "finished at seq 20" and the log stopped. Now the header, the sidebar and the log agree."""
    broker = InProcessBroker()
    await seed_run(broker, "r1", 20, at=datetime.now(UTC))
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 20)
        await broker.close_run("r1")  # the sentinel is gone ...
        await until(pilot, lambda: "finished at seq 20" in status_text(app))
        assert sidebar_row(app, "r1").startswith("✓")
        await seed_run(broker, "r1", 5, start=21, at=datetime.now(UTC))  # ... events go on
        await until(pilot, lambda: pane(app).view.cursor_seq == 25, what="the log follows on")
        await until(pilot, lambda: sidebar_row(app, "r1").startswith("●"))
        assert "finished" not in status_text(app)
        assert "FOLLOWING" in status_text(app)
        assert status_text(app).lstrip("● ").startswith("live")
        # quiet again: finished again, everywhere at once
        await until(pilot, lambda: "finished at seq 25" in status_text(app))
        assert sidebar_row(app, "r1").startswith("✓")


async def test_a_finished_run_opens_without_being_called_live() -> None:
    """Opening a finished run, the header said "● live · FOLLOWING" for the half second its
    tail takes to be sure the run is over, while the sidebar said ✓. The tail's first read
    knows the run is closed: the header says "connecting" until the tail is done."""
    broker = InProcessBroker()
    await seed_run(broker, "r1", 20, close=True)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        seen: list[tuple[str, str]] = []
        while "finished" not in status_text(app):
            await pilot.pause(0.01)
            row = sidebar_row(app, "r1")[:1] if watch(app).sidebar.runs.get("r1") else ""
            seen.append((row, status_text(app).lstrip("● ").split(" · ")[0]))
            assert len(seen) < 1000, seen
        assert ("✓", "live") not in seen, seen
        assert sidebar_row(app, "r1").startswith("✓")


async def test_a_listing_never_calls_the_open_run_finished_before_its_tail_does() -> None:
    """A run quiet for long is closed: the listing says finished at once (no grace: its last
    event is old), the tail only once it has read to the end and waited its half second.
    A poll in between made the sidebar say ✓ while the header said live."""
    broker = InProcessBroker()
    await seed_run(broker, "r1", 20)  # events of long ago: the listing has no grace for them
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: status_text(app).lstrip("● ").startswith("live"))
        await broker.close_run("r1")
        listed = await broker.list_runs()
        assert listed[0].status is RunStatus.FINISHED
        watch(app).runs_listed(listed)  # the poll lands before the tail has said finished
        await pilot.pause()
        assert "finished" not in status_text(app)  # the tail waits half a second first
        assert sidebar_row(app, "r1").startswith("●"), status_text(app)
        await until(pilot, lambda: "finished at seq 20" in status_text(app))
        assert sidebar_row(app, "r1").startswith("✓")


@pytest.mark.parametrize(
    ("width", "state"),
    [(80, "finished"), (100, "finished at seq 20"), (200, "finished at seq 20")],
)
async def test_the_header_keeps_the_runs_state_and_the_clock_at_every_width(
    width: int, state: str
) -> None:
    """At 80 columns the demo's header was cut after "✓": the broker's description came
    first and the state and the clock fell off the end. Now the description gives way."""
    broker = InProcessBroker()
    await seed_run(broker, "r1", 20, close=True, label="smoke")
    app = make_app(SETTINGS, broker, run_id="r1", demo=True, clock=FrozenClock(at=NOW))
    async with app.run_test(size=(width, 24)) as pilot:
        await until(pilot, lambda: "finished" in status_text(app))
        header = watch(app).query_one(ArenaHeader).render().plain
        assert len(header) <= width
        assert f"✓ {state}" in header, header
        assert header.rstrip().endswith("12:02:00"), header
        assert "smoke r1" in header
        assert header.startswith(" arena-tui ")


@pytest.mark.parametrize("width", [80, 100, 120])
async def test_the_footer_ends_with_the_palette_key_at_every_width(width: int) -> None:
    """At 100 columns the footer ended "^p paletteH": the palette key, docked right, kept the
    compact footer's right margin, and the hidden "? Help" key showed through that cell."""
    broker = InProcessBroker()
    await seed_run(broker, "r1", 20)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=(width, 30)) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 20)
        await pilot.pause(0.2)
        assert screen_text(app).splitlines()[-1].rstrip().endswith("▏^p palette")
