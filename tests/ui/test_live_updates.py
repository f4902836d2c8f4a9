"""Live events reach the log promptly, and following survives layout changes.

Batches from the tail are applied at most once per frame, but the first one after a quiet frame
at once. Opening or closing the detail pane (Enter) changes the log pane's height and Textual
clamps the pane's scroll offset; that is not the user scrolling (only real input is: keys, the
wheel, the scrollbar), so the view keeps following the newest event while events stream in.
"""

from __future__ import annotations

from textual.scrollbar import ScrollTo

from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.broker.models import Envelope
from arena_tui.ui.widgets.log.detail import DetailPane
from tests.support.events import turn_loop
from tests.support.pilot import SIZE, app_for, pane, seed_run, status_text, until, watch


async def test_detail_pane_open_and_close_while_streaming_keeps_following() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 200)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 200)
        detail = app.screen.query_one(DetailPane)
        newest = 200
        for _ in range(3):
            await pilot.press("enter")
            assert detail.has_class("-open")
            await seed_run(broker, "r1", 25, start=newest + 1)
            newest += 25
            await until(pilot, lambda n=newest: pane(app).view.cursor_seq == n)  # type: ignore[misc]
            await pilot.press("enter")
            assert not detail.has_class("-open")
            await seed_run(broker, "r1", 25, start=newest + 1)
            newest += 25
            await until(pilot, lambda n=newest: pane(app).view.last_seq == n)  # type: ignore[misc]
            await pilot.pause()
            view = pane(app).view
            assert view.following
            assert view.cursor_seq == newest
            assert view.cursor == len(view.rows) - 1
            assert f"FOLLOWING · seq {newest} / {newest}" in status_text(app)


async def test_the_scrollbar_is_user_input_it_scrolls_and_pauses() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 200)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 200)
        log = pane(app)
        bottom = log.view.top
        log.vertical_scrollbar.action_scroll_up()  # what a click on the track above the thumb runs
        await until(pilot, lambda: not log.view.following)
        assert log.view.top == bottom - log.view.height
        assert log.scroll_offset.y == log.view.top
        assert log.view.cursor == log.view.top + log.view.height - 1

        log.vertical_scrollbar.post_message(ScrollTo(y=40, animate=False))  # a drag of the thumb
        await until(pilot, lambda: log.view.top == 40)
        assert log.scroll_offset.y == 40
        assert log.view.cursor == 40 + log.view.height - 1
        assert "PAUSED" in status_text(app)


async def test_a_batch_after_a_quiet_frame_is_applied_at_once_then_one_update_per_frame() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 20)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 20)
        await pilot.pause(0.1)  # more than a frame since anything was applied
        screen = watch(app)
        screen.feed.add([Envelope(21, turn_loop("r1", 21))])
        assert pane(app).view.cursor_seq == 21  # applied now, not after a timer
        screen.feed.add([Envelope(22, turn_loop("r1", 22))])
        assert pane(app).view.cursor_seq == 21  # within the same frame: waits for its end
        await until(pilot, lambda: pane(app).view.cursor_seq == 22)
