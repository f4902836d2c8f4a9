"""Pilot tests of issue 4's keys: / n N, f, g with times, w, t, p and space, c, e, y."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from arena_tui.broker.clock import FrozenClock
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.model.match import EventFilter
from arena_tui.model.playback import Speed
from arena_tui.model.records import dumps_record, event_record
from arena_tui.model.rows import EventRow
from arena_tui.ui.app import ArenaApp
from arena_tui.ui.screens.prompt import PromptScreen
from arena_tui.ui.widgets.log.lines import HEADER, HEADER_NO_TIME
from arena_tui.ui.widgets.runs_sidebar import RunsSidebar
from tests.support.events import T0, turn_loop
from tests.support.pilot import (
    NOW,
    SIZE,
    app_for,
    line_text,
    pane,
    seed_run,
    status_text,
    toasts,
    until,
    watch,
)


async def loaded_app(n: int, *, close: bool = False) -> tuple[InProcessBroker, ArenaApp]:
    broker = InProcessBroker()
    await seed_run(broker, "r1", n, close=close)
    return broker, app_for(broker, run_id="r1")


async def test_search_finds_hits_beyond_the_rows_in_memory_and_steps_both_ways() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 6000)
    # one needle far above the window the app holds (it keeps at most 3,000 rows)
    await broker.publish(
        "r1",
        turn_loop("r1", 6001, kind="metric", payload={"name": "needle", "value": 1}),
    )
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 6001)
        await pilot.press("slash")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"houses", "enter")
        # every 5th event is an llm_response whose reasoning says "houses first"
        await until(pilot, lambda: pane(app).view.cursor_seq == 3)  # wrapped to the top
        assert any("search hit the bottom" in t for t in toasts(app))
        await until(pilot, lambda: "hit 1 of 1,200 ·" in status_text(app), within=10)
        await pilot.press("n")
        await until(pilot, lambda: pane(app).view.cursor_seq == 8)
        await pilot.press("N", "N")
        await until(pilot, lambda: pane(app).view.cursor_seq == 5998)  # wrapped to the bottom
        assert "hit 1,200 of 1,200" in status_text(app)
        await pilot.press("escape")
        assert "/houses" not in status_text(app)


async def test_search_highlights_hits_and_never_hides_rows() -> None:
    _, app = await loaded_app(40, close=True)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.loaded)
        rows_before = len(pane(app).line_layout.shown)
        await pilot.press("slash", *"turn 3", "enter")
        await until(pilot, lambda: pane(app).view.cursor_seq == 11)
        assert len(pane(app).line_layout.shown) == rows_before
        strip = pane(app).render_line(11 - pane(app).scroll_offset.y - 1)
        assert "turn 3" in strip.text
        hit_style = pane(app).get_component_rich_style("log-pane--hit")
        assert any(
            seg.text == "turn 3" and seg.style and seg.style.bgcolor == hit_style.bgcolor
            for seg in strip
        )


async def test_bad_regex_keeps_the_prompt_open_with_the_reason() -> None:
    _, app = await loaded_app(20)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.loaded)
        await pilot.press("slash", *"re:(", "enter")
        assert isinstance(app.screen, PromptScreen)
        assert "bad regular expression" in str(app.screen.query_one("#prompt-help").render())


async def test_filter_shows_only_the_kind_counts_hidden_rows_and_clearing_keeps_the_event() -> None:
    broker, app = await loaded_app(500)
    async with app.run_test(size=SIZE) as pilot:
        await until(
            pilot,
            lambda: (
                pane(app).view.loaded
                and "counting" not in str(watch(app).query_one("#kinds").render())
            ),
        )
        await pilot.press("f", *"kind:llm_response", "enter")
        await until(pilot, lambda: "filter: 1 kind · 400 hidden" in status_text(app))
        log = pane(app)
        shown = [log.view.rows[i] for i in log.line_layout.shown]
        assert {r.envelope.event.kind for r in shown if isinstance(r, EventRow)} == {"llm_response"}
        assert all("llm_response" in line_text(app, y) for y in range(10))
        await pilot.press("up", "up")
        assert log.view.cursor_seq == 488  # two llm_responses up from 498
        assert not log.view.following
        # "+N new" counts only what the filter shows: one llm_response among five new events
        await seed_run(broker, "r1", 5, start=501)
        await until(pilot, lambda: log.view.tail_seq == 505)
        assert log.view.new_count == 1
        assert "+1 new" in status_text(app)
        await pilot.press("f", "ctrl+u", "enter")
        await until(pilot, lambda: "filter" not in status_text(app))
        assert log.view.cursor_seq == 488
        assert log.display_cursor() == log.view.cursor


async def test_filter_follows_the_live_tail() -> None:
    broker, app = await loaded_app(50)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 50)
        pane(app).set_filter(EventFilter.of(["turn_start"]))
        await seed_run(broker, "r1", 10, start=51)
        await until(pilot, lambda: pane(app).view.cursor_seq == 60)
        assert pane(app).view.following
        log = pane(app)
        assert log.view.rows[log.display_cursor() or 0].seq == 56  # the newest turn_start
        assert "FOLLOWING" in status_text(app)


@pytest.mark.parametrize(
    ("typed", "seq"),
    [("-1m", 1760), ("12:05:00", 1200), ("2026-06-07T12:00:30Z", 120), ("+10s", 2000)],
)
async def test_goto_a_time_lands_on_the_first_event_at_or_after_it(typed: str, seq: int) -> None:
    # events are 250 ms apart from T0 (12:00:00 UTC); the clock shows UTC
    _, app = await loaded_app(2000)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 2000)  # 12:08:20
        await pilot.press("g", *typed, "enter")
        await until(pilot, lambda: pane(app).view.cursor_seq == seq and pane(app).view.want is None)
        if typed == "+10s":
            assert any("no event at or after that time yet" in t for t in toasts(app))
        else:
            assert any(f"seq {seq:,}" in t and "UTC" in t for t in toasts(app))


async def test_wrap_and_time_toggles_keep_the_cursor_on_the_same_event() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 40)
    await broker.publish(
        "r1",
        turn_loop("r1", 41, kind="world_mutation", payload={"reason": "long " * 60}),
    )
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 41)
        await pilot.press("up", "up")
        log = pane(app)
        assert log.view.cursor_seq == 39
        assert log.line_layout.total == 41
        await pilot.press("w")
        assert log.line_layout.total > 41  # the long summary takes several lines
        assert log.view.cursor_seq == 39
        await pilot.press("t")
        assert str(watch(app).query_one("#log-columns").render()) == HEADER_NO_TIME
        assert log.view.cursor_seq == 39
        assert ":" not in line_text(app, 0)[:20]
        await pilot.press("t", "w")
        assert str(watch(app).query_one("#log-columns").render()) == HEADER
        assert log.line_layout.total == 41
        assert log.view.cursor_seq == 39


async def test_p_replays_a_finished_run_cycles_speed_and_space_pauses() -> None:
    clock = FrozenClock(at=T0 + timedelta(hours=1))
    broker = InProcessBroker()
    await seed_run(broker, "r1", 100, close=True)
    app = app_for(broker, run_id="r1", clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "finished" in status_text(app))
        await pilot.press("p")  # at the end of a finished run: replay from the start
        await until(pilot, lambda: pane(app).view.cursor_seq == 1)
        assert "▶ 1x" in status_text(app)
        clock.advance(1.0)  # 1 s at 1x: four events 250 ms apart
        await until(pilot, lambda: pane(app).view.cursor_seq == 5)
        await pilot.press("p")
        assert "▶ 10x" in status_text(app)
        clock.advance(1.0)  # 1 s at 10x: forty events
        await until(pilot, lambda: pane(app).view.cursor_seq == 45)
        await pilot.press("space")
        assert "⏸ 10x" in status_text(app)
        clock.advance(5.0)
        await pilot.pause(0.2)
        assert pane(app).view.cursor_seq == 45
        await pilot.press("space")
        clock.advance(0.25)
        await until(pilot, lambda: pane(app).view.cursor_seq == 55)
        await pilot.press("up")  # any manual move pauses
        assert "⏸ 10x" in status_text(app)
        assert pane(app).view.cursor_seq == 54
        await pilot.press("p", "p", "p")  # 1x -> 10x -> max
        assert watch(app).panel.replay.playback.speed is Speed.MAX
        await until(pilot, lambda: pane(app).view.cursor_seq == 100)
        await until(pilot, lambda: "▶" not in status_text(app))
        assert any("replay reached the newest event (run finished)" in t for t in toasts(app))


async def test_c_copies_the_event_as_its_jsonl_record_and_y_the_pointer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, app = await loaded_app(30)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 30)
        await pilot.press("up", "c")
        row = pane(app).view.current
        assert isinstance(row, EventRow)
        assert copied[-1] == dumps_record(event_record(row.envelope))
        assert json.loads(copied[-1])["seq"] == 29
        assert "copied seq 29 as JSON" in toasts(app)
        await pilot.press("y")
        assert copied[-1] == "arena-tui --run r1 --seq 29"


async def test_e_exports_the_retained_run_as_tail_jsonl_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    broker = InProcessBroker(max_len=100)
    await seed_run(broker, "r1", 150, close=True)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "finished" in status_text(app))
        await pilot.press("e")
        await until(pilot, lambda: any("exported" in t for t in toasts(app)))
    path, records = _exported(tmp_path)
    assert records[0] == {
        "type": "overflow",
        "run_id": "r1",
        "requested_seq": 1,
        "available_from": 51,
        "lost": 50,
    }
    assert [r["seq"] for r in records[1:-1]] == list(range(51, 151))
    assert records[-1] == {"type": "finished", "run_id": "r1", "last_seq": 150}
    assert any(str(path) in t for t in toasts(app))


def _exported(directory: Path) -> tuple[Path, list[dict[str, object]]]:
    files = list(directory.glob("arena-r1-*.jsonl"))
    assert len(files) == 1
    return files[0], [json.loads(line) for line in files[0].read_text().splitlines()]


async def test_sidebar_sparkline_and_kind_counts() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 40)
    clock = FrozenClock(at=NOW)
    app = app_for(broker, run_id="r1", clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "turn_start 8" in str(watch(app).query_one("#kinds").render()))
        assert "llm_response 8" in str(watch(app).query_one("#kinds").render())
        sidebar = watch(app).query_one(RunsSidebar)
        await until(pilot, lambda: bool(sidebar.runs.runs))
        row = sidebar.render_line(1).text  # under the column heading
        assert row.rstrip().endswith(" 40"), row  # one poll: no rate yet, a blank sparkline
        last = 40
        for n in (40, 4):  # 40 events in a second, then 4: two samples of the run's rate
            await seed_run(broker, "r1", n, start=last + 1)
            last += n
            clock.advance(1.0)
            watch(app).refresh_runs()
            await until(pilot, lambda: sidebar.runs.runs[0].last_seq == last)  # noqa: B023
        await until(pilot, lambda: sidebar.render_line(1).text.rstrip().endswith("█▄"))
        assert sidebar.render_line(1).text.rstrip().endswith(" 84 " + " " * 6 + "█▄")
