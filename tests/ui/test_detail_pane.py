"""The detail pane's own keys (issue 10 defect 10): it scrolls the way ``less`` does, and a new
event always opens at its top.

A payload of 80 keys is far taller than the pane (45% of a 32-line screen), so every scroll
key has room to move it. ``scroll_y`` is the pane's offset in lines: 0 is its top.
"""

from __future__ import annotations

import inspect

from textual import events

from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.ui.app import ArenaApp
from arena_tui.ui.widgets.log.detail import DetailPane
from tests.support.events import turn_loop
from tests.support.pilot import SIZE, app_for, pane, seed_run, until

TALL = {f"key_{i:02}": i for i in range(80)}


async def tall_run() -> InProcessBroker:
    """Run ``r1``: 20 events, each with the tall payload (a turn_start keeps its turn)."""
    broker = InProcessBroker()
    await seed_run(broker, "r1", 0)
    await broker.publish_many("r1", [turn_loop("r1", s, payload=TALL) for s in range(1, 21)])
    return broker


def detail(app: ArenaApp) -> DetailPane:
    return app.screen.query_one(DetailPane)


async def opened(app: ArenaApp, pilot: object) -> DetailPane:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await until(pilot, lambda: pane(app).view.cursor_seq == 20)
    await pilot.press("enter")
    pane_ = detail(app)
    await until(pilot, lambda: pane_.row is not None and pane_.max_scroll_y > 10)
    return pane_


async def test_the_focused_detail_pane_scrolls_with_j_k_and_half_pages() -> None:
    app = app_for(await tall_run(), run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        body = await opened(app, pilot)
        await pilot.press("tab")
        assert body.has_focus
        await pilot.press("j", "j", "j")
        await until(pilot, lambda: body.scroll_y == 3, what="j scrolls one line each")
        await pilot.press("k")
        await until(pilot, lambda: body.scroll_y == 2, what="k scrolls back one line")
        half = body.scrollable_content_region.height // 2
        await pilot.press("ctrl+d")
        await until(pilot, lambda: body.scroll_y == 2 + half, what="ctrl+d: half a page")
        await pilot.press("ctrl+u")
        await until(pilot, lambda: body.scroll_y == 2, what="ctrl+u: half a page back")
        await pilot.press("end")
        await until(pilot, lambda: body.scroll_y == body.max_scroll_y)
        await pilot.press("home")
        await until(pilot, lambda: body.scroll_y == 0)
        assert pane(app).view.cursor_seq == 20  # the log's cursor never moved
        await pilot.press("escape")
        assert pane(app).has_focus  # Esc hands the keys back to the log; the pane stays open
        assert body.has_class("-open")


async def test_the_open_detail_pane_scrolls_from_the_log_with_less_keys() -> None:
    """With the log focused, j/k move the cursor (the pane follows it); ctrl+e / ctrl+y
    scroll the pane a line and ctrl+d / ctrl+u half a page, as in ``less``."""
    app = app_for(await tall_run(), run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        body = await opened(app, pilot)
        assert pane(app).has_focus
        await pilot.press("ctrl+e", "ctrl+e")
        await until(pilot, lambda: body.scroll_y == 2, what="ctrl+e scrolls the detail")
        await pilot.press("ctrl+y")
        await until(pilot, lambda: body.scroll_y == 1, what="ctrl+y scrolls it back")
        await pilot.press("ctrl+d")
        half = body.scrollable_content_region.height // 2
        await until(pilot, lambda: body.scroll_y == 1 + half)
        assert pane(app).view.cursor_seq == 20


async def test_the_detail_pane_starts_at_the_top_of_each_event() -> None:
    app = app_for(await tall_run(), run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        body = await opened(app, pilot)
        body.scroll_to(y=8, animate=False)
        await until(pilot, lambda: body.scroll_y == 8)
        await pilot.press("up")  # the log has the focus: the cursor moves
        await until(pilot, lambda: body.row is not None and body.row.seq == 19)
        await until(pilot, lambda: body.scroll_y == 0, what="a new event opens at its top")
        body.scroll_to(y=5, animate=False)
        await until(pilot, lambda: body.scroll_y == 5)
        pane(app).live_events([])  # the same event shown again keeps the reader's place
        await pilot.pause()
        assert body.scroll_y == 5


async def test_focus_detail_from_the_palette_opens_the_pane_and_gives_it_the_keys() -> None:
    app = app_for(await tall_run(), run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 20)
        body = detail(app)
        assert not body.has_class("-open")
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Focus detail")
        ran = command.callback()
        if inspect.isawaitable(ran):
            await ran
        await until(pilot, lambda: body.has_focus, what="the detail pane takes the focus")
        assert body.has_class("-open")
        await pilot.press("j")
        await until(pilot, lambda: body.scroll_y == 1)
        assert pane(app).view.cursor_seq == 20


async def test_keys_typed_at_once_each_scroll_the_detail_pane() -> None:
    """In a terminal, keys typed fast arrive in one read: three j's scrolled one line (each
    started a smooth scroll from the same place). Each key is a line, at once."""
    app = app_for(await tall_run(), run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        body = await opened(app, pilot)
        body.focus()
        await pilot.pause()
        for _ in range(3):
            app.post_message(events.Key("j", "j"))
        await until(pilot, lambda: body.scroll_y == 3, what="three lines", within=3)
        for _ in range(2):
            app.post_message(events.Key("pagedown", None))
        page = body.scrollable_content_region.height
        await until(pilot, lambda: body.scroll_y == 3 + 2 * page, what="two pages", within=3)
