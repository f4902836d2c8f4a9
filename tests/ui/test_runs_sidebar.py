"""The runs sidebar with the keyboard and the mouse, and with more runs than fit on screen."""

from __future__ import annotations

from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.ui.widgets.runs_sidebar import RunsSidebar
from tests.support.pilot import app_for, pane, seed_run, until, watch

N_RUNS = 300


async def test_keys_move_the_highlight_and_keep_it_on_screen_then_enter_opens() -> None:
    broker = InProcessBroker()
    for i in range(N_RUNS):
        await seed_run(broker, f"run{i:04d}", 2)
    app = app_for(broker, run_id="run0000")
    async with app.run_test(size=(120, 32)) as pilot:
        sidebar = watch(app).query_one(RunsSidebar)
        await until(pilot, lambda: len(sidebar.runs.runs) == N_RUNS)
        sidebar.focus()
        await pilot.press("home")
        first = sidebar.runs.runs[0].run_id
        assert sidebar.runs.highlighted == first
        height = sidebar.scrollable_content_region.height
        await pilot.press(*["down"] * (height + 5))
        assert sidebar.highlighted == height + 5
        top = round(sidebar.scroll_y)
        assert top <= height + 5 < top + height  # scrolled along with the highlight
        await pilot.press("end")
        assert sidebar.highlighted == N_RUNS - 1
        await pilot.press("pageup")
        assert sidebar.highlighted == N_RUNS - height
        target = sidebar.runs.highlighted
        assert target is not None
        await pilot.press("enter")
        await until(pilot, lambda: pane(app).view.run_id == target and pane(app).view.loaded)
        assert sidebar.runs.opened == target


async def test_a_poll_keeps_the_highlight_on_the_same_run() -> None:
    broker = InProcessBroker()
    for i in range(5):
        await seed_run(broker, f"run{i}", 2)
    app = app_for(broker, run_id="run0")
    async with app.run_test(size=(120, 32)) as pilot:
        sidebar = watch(app).query_one(RunsSidebar)
        await until(pilot, lambda: len(sidebar.runs.runs) == 5)
        sidebar.focus()
        await pilot.press("home", "down", "down")
        chosen = sidebar.runs.highlighted
        await seed_run(broker, "new-run", 2)  # a run appears; the list order changes
        watch(app).refresh_runs()
        await until(pilot, lambda: len(sidebar.runs.runs) == 6)
        assert sidebar.runs.highlighted == chosen


async def test_a_click_opens_the_run_under_the_pointer() -> None:
    broker = InProcessBroker()
    for i in range(3):
        await seed_run(broker, f"run{i}", 2)
    app = app_for(broker, run_id="run0")
    async with app.run_test(size=(120, 32)) as pilot:
        sidebar = watch(app).query_one(RunsSidebar)
        await until(pilot, lambda: len(sidebar.runs.runs) == 3)
        await until(pilot, lambda: pane(app).view.run_id == "run0" and pane(app).view.loaded)
        target = sidebar.runs.runs[2].run_id
        assert target != "run0"
        await pilot.click(RunsSidebar, offset=(5, 3))  # border row, then rows 0, 1, 2
        await until(pilot, lambda: pane(app).view.run_id == target)
        assert sidebar.runs.opened == target
        assert sidebar.runs.highlighted == target
        assert sidebar.highlighted == 2
