"""Pilot tests: the app on an in-process broker, driven by keys, checked through its state."""

from __future__ import annotations

from typing import Any

import pytest
from textual.screen import Screen

from arena_tui.broker.errors import BrokerClosedError
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.ui.screens.goto import PLACEHOLDER
from arena_tui.ui.screens.help import HelpScreen
from arena_tui.ui.widgets.log.detail import DetailPane
from arena_tui.ui.widgets.runs_sidebar import RunsSidebar
from arena_tui.ui.widgets.status_bar import StatusBar
from tests.support.events import turn_loop
from tests.support.pilot import (
    app_for,
    detail_text,
    line_text,
    pane,
    seed_run,
    status_text,
    toasts,
    until,
    watch,
)

SIZE = (120, 32)


async def test_follows_pauses_counts_and_resumes() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 50)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 50)
        assert pane(app).view.following
        await seed_run(broker, "r1", 5, start=51)
        await until(pilot, lambda: pane(app).view.cursor_seq == 55)
        assert "FOLLOWING · seq 55 / 55" in status_text(app)

        await pilot.press("up")
        assert not pane(app).view.following
        await seed_run(broker, "r1", 3, start=56)
        await until(pilot, lambda: pane(app).view.new_count == 3)
        assert pane(app).view.cursor_seq == 54
        assert "PAUSED +3 new · seq 54 / 58" in status_text(app)

        await pilot.press("end")
        assert pane(app).view.following
        assert pane(app).view.cursor_seq == 58
        assert "FOLLOWING" in status_text(app)


@pytest.mark.parametrize("keys", [["k"], ["pageup"], ["home"]])
async def test_any_move_away_from_the_newest_pauses(keys: list[str]) -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 100)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 100)
        await pilot.press(*keys)
        await until(pilot, lambda: pane(app).view.want is None)
        assert not pane(app).view.following
        for resume in ("G", "s"):
            await pilot.press(resume)
            assert pane(app).view.following
            await pilot.press("up")


async def test_goto_a_trimmed_seq_shows_the_gap_the_toast_and_the_count() -> None:
    broker = InProcessBroker(max_len=100)
    await seed_run(broker, "r1", 300)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 300)
        await pilot.press("g")
        assert watch(app).status_bar.prompt == ("", PLACEHOLDER)  # inline: no screen over the log
        await pilot.press("1", "enter")
        await until(pilot, lambda: pane(app).view.cursor_seq == 201)
        assert line_text(app, 0).startswith("┄┄ ⚠ seq 1–200 trimmed by the broker (200 events) ┄")
        assert "jumped from seq 1 to 201: 200 events were trimmed by the broker" in toasts(app)
        assert "lost to trim: 200" in status_text(app)
        assert "first available 201" in status_text(app)


async def test_goto_rejects_nonsense_and_keeps_the_prompt_open() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 20)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.loaded)
        await pilot.press("g", "x", "y", "enter")
        prompt = watch(app).status_bar.prompt
        assert prompt is not None
        assert prompt[0] == "xy"
        assert prompt[1].startswith("cannot go to 'xy'; try 1234 (seq)")
        await pilot.press("backspace", "escape", "k")  # Esc closes it: keys are the log's again
        assert watch(app).status_bar.prompt is None
        assert not pane(app).view.following  # k moved the cursor (not typed into the prompt)


async def test_opening_at_a_trimmed_seq_jumps_visibly() -> None:
    broker = InProcessBroker(max_len=100)
    await seed_run(broker, "r1", 300)
    app = app_for(broker, run_id="r1", seq=1)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 201)
        assert not pane(app).view.following
        assert "jumped from seq 1 to 201: 200 events were trimmed by the broker" in toasts(app)


async def test_switching_runs_replaces_the_tail() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 30)
    await seed_run(broker, "r2", 12, label="smoke")
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        screen = watch(app)
        await until(pilot, lambda: pane(app).view.cursor_seq == 30)
        await until(pilot, lambda: len(screen.query_one(RunsSidebar).runs.runs) == 2)
        sidebar = screen.query_one(RunsSidebar)
        sidebar.focus()
        index = sidebar.runs.index("r2")
        assert index is not None
        sidebar.action_move_to(index)
        await pilot.press("enter")
        await until(pilot, lambda: pane(app).view.run_id == "r2" and pane(app).view.loaded)
        assert pane(app).view.cursor_seq == 12
        await seed_run(broker, "r2", 1, start=13)
        await seed_run(broker, "r1", 1, start=31)
        await until(pilot, lambda: pane(app).view.cursor_seq == 13)
        tails = [w for w in screen.workers if w.group == "tail" and not w.is_finished]
        assert len(tails) == 1
        assert all(row.envelope.event.run_id == "r2" for row in pane(app).view.rows)  # type: ignore[union-attr]


async def test_a_run_that_finishes_says_so_and_stays_scrollable() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 40)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 40)
        await broker.close_run("r1")
        await until(pilot, lambda: pane(app).view.finished)
        await until(pilot, lambda: "finished at seq 40" in status_text(app))
        await pilot.press("up", "up")
        assert pane(app).view.cursor_seq == 38
        await pilot.press("g", "t", "2", "enter")
        assert pane(app).view.cursor_seq == 6


async def test_a_finished_run_replays_with_the_same_scrubbing() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "done", 1200, close=True)
    app = app_for(broker, run_id="done")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "finished at seq 1,200" in status_text(app))
        await pilot.press("home")
        await until(pilot, lambda: pane(app).view.cursor_seq == 1)
        await pilot.press("g", "6", "0", "0", "enter")
        await until(pilot, lambda: pane(app).view.cursor_seq == 600)
        await pilot.press("right_square_bracket")
        assert pane(app).view.cursor_seq == 601
        assert "lost to trim: 0" in status_text(app)


async def test_hostile_event_text_is_rendered_literally() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 3)
    hostile = "[red]x[/red] [link=https://evil]y[/link] \x1b]52;c;aGk=\x07 \x1b[2J \u202e bell\x07"
    await broker.publish(
        "r1",
        turn_loop("r1", 4, kind="llm_prompt", payload={"state_summary": hostile}, agent="\x1b[31m"),
    )
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=(200, 32)) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 4)
        strip = pane(app).render_line(pane(app).view.cursor - pane(app).view.top)
        text = strip.text
        assert "[red]x[/red] [link=https://evil]y[/link] \\x1b]52;c;aGk=\\x07" in text
        assert "\\u202e" in text
        assert "\\x1b" in text  # the agent id too
        for segment in strip:
            assert "\x1b" not in segment.text
            assert "\x07" not in segment.text
            assert segment.style is None or segment.style.link is None
        await pilot.press("enter")
        detail = app.screen.query_one(DetailPane)
        assert detail.has_class("-open")
        body = detail_text(app, width=200)
        assert "[red]x[/red] [link=https://evil]y[/link]" in body  # markup shown, not applied
        assert "\\u001b]52;c;aGk=\\u0007" in body  # the OSC 52 write, JSON-escaped
        assert "\\u202e" in body
        assert "\x1b" not in body
        assert "\u202e" not in body


async def test_detail_pane_follows_the_cursor() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 20)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 20)
        await pilot.press("enter")
        detail = app.screen.query_one(DetailPane)
        assert detail.has_class("-open")
        await pilot.press("up")
        await until(pilot, lambda: detail.row is not None and detail.row.seq == 19)
        await pilot.press("enter")
        assert not detail.has_class("-open")


async def test_help_palette_and_quit_closing_the_broker() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 5)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.loaded)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        screen: Screen[Any] = app.screen
        titles = [c.title for c in app.get_system_commands(screen)]
        for title in (
            "Follow newest",
            "Go to…",
            "First available event",
            "Previous turn",
            "Next turn",
            "Toggle detail",
            "Focus runs",
            "Help",
        ):
            assert title in titles
        assert app.screen.query_one(StatusBar)
        await pilot.press("q")
    with pytest.raises(BrokerClosedError):
        await broker.publish("r1", turn_loop("r1", 6))
