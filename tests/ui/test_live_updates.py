"""Live events reach the log promptly, and following survives layout changes.

Batches from the tail are applied at most once per frame, right before the frame is painted.
Opening or closing the detail pane (Enter) changes the log pane's height and Textual
clamps the pane's scroll offset; that is not the user scrolling (only real input is: keys, the
wheel, the scrollbar), so the view keeps following the newest event while events stream in.
"""

from __future__ import annotations

from textual.scrollbar import ScrollTo

from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.broker.models import Envelope
from arena_tui.model.rate import RateMeter
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


async def test_batches_of_a_frame_are_applied_together_right_before_its_paint() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 20)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 20)
        await pilot.pause(0.1)
        screen = watch(app)
        applied: list[tuple[list[int], bool]] = []
        in_tick = [False]
        frames = screen.feed.frames
        apply_live, before_paint = screen.apply_live, frames.before_paint

        def recorded_apply(batch: list[Envelope], rate: RateMeter) -> None:
            applied.append(([e.seq for e in batch], in_tick[0]))
            apply_live(batch, rate)

        def recorded_before_paint() -> None:  # called by the screen's paint tick
            in_tick[0] = True
            try:
                before_paint()
            finally:
                in_tick[0] = False

        screen.apply_live = recorded_apply  # type: ignore[method-assign]
        frames.before_paint = recorded_before_paint  # type: ignore[method-assign]
        screen.feed.add([Envelope(21, turn_loop("r1", 21))])
        screen.feed.add([Envelope(22, turn_loop("r1", 22))])
        assert pane(app).view.cursor_seq == 20  # buffered: not applied on arrival
        await until(pilot, lambda: pane(app).view.cursor_seq == 22)
        assert applied == [([21, 22], True)]  # one update for both, by the paint tick


async def test_live_events_are_applied_while_a_modal_pauses_the_paint_tick() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 20)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 20)
        screen = watch(app)
        await pilot.press("question_mark")  # help covers the watch screen: it is not painted
        await until(pilot, lambda: app.screen is not screen)
        screen.feed.add([Envelope(21, turn_loop("r1", 21))])
        await until(pilot, lambda: screen.log_pane.view.cursor_seq == 21)  # the backstop timer
