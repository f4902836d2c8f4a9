"""The runs sidebar with the keyboard and the mouse, and with more runs than fit on screen."""

from __future__ import annotations

from datetime import timedelta

from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.ui.widgets.runs_sidebar import RunsSidebar
from tests.support.events import T0
from tests.support.pilot import app_for, pane, seed_run, until, watch

N_RUNS = 300


async def test_keys_move_the_highlight_and_keep_it_on_screen_then_enter_opens() -> None:
    broker = InProcessBroker()
    for i in range(N_RUNS):
        await seed_run(broker, f"run{i:04d}", 2, at=T0 + timedelta(seconds=i))  # one each
    app = app_for(broker, run_id="run0000")
    async with app.run_test(size=(120, 32)) as pilot:
        sidebar = watch(app).query_one(RunsSidebar)
        await until(pilot, lambda: len(sidebar.runs.runs) == N_RUNS)
        sidebar.focus()
        await pilot.press("home")
        first = sidebar.runs.runs[0].run_id
        assert sidebar.runs.highlighted == first
        height = sidebar.scrollable_content_region.height - 1  # under the column heading
        await pilot.press(*["down"] * (height + 5))
        assert sidebar.highlighted == height + 5
        top = round(sidebar.scroll_y)
        assert top <= height + 5 < top + height  # scrolled along with the highlight
        await pilot.press("end")
        assert sidebar.highlighted == N_RUNS - 1
        await pilot.press("pageup")
        assert sidebar.highlighted == N_RUNS - height  # a page keeps one row of context
        target = sidebar.runs.highlighted
        assert target is not None
        await pilot.press("enter")
        await until(pilot, lambda: pane(app).view.run_id == target and pane(app).view.loaded)
        assert sidebar.runs.opened == target


async def test_a_poll_keeps_the_highlight_on_the_same_run() -> None:
    broker = InProcessBroker()
    for i in range(5):
        await seed_run(broker, f"run{i}", 2, at=T0 + timedelta(seconds=i))
    app = app_for(broker, run_id="run0")
    async with app.run_test(size=(120, 32)) as pilot:
        sidebar = watch(app).query_one(RunsSidebar)
        await until(pilot, lambda: len(sidebar.runs.runs) == 5)
        sidebar.focus()
        await pilot.press("home", "down", "down")
        chosen = sidebar.runs.highlighted
        # a run appears; the list order changes
        await seed_run(broker, "new-run", 2, at=T0 + timedelta(seconds=9))
        watch(app).refresh_runs()
        await until(pilot, lambda: len(sidebar.runs.runs) == 6)
        assert sidebar.runs.highlighted == chosen


async def test_a_click_opens_the_run_under_the_pointer() -> None:
    broker = InProcessBroker()
    for i in range(3):
        await seed_run(broker, f"run{i}", 2, at=T0 - timedelta(seconds=i))  # run0 on top
    app = app_for(broker, run_id="run0")
    async with app.run_test(size=(120, 32)) as pilot:
        sidebar = watch(app).query_one(RunsSidebar)
        await until(pilot, lambda: len(sidebar.runs.runs) == 3)
        await until(pilot, lambda: pane(app).view.run_id == "run0" and pane(app).view.loaded)
        target = sidebar.runs.runs[2].run_id
        assert target != "run0"
        await pilot.click(RunsSidebar, offset=(5, 4))  # border, heading, then rows 0, 1, 2
        await until(pilot, lambda: pane(app).view.run_id == target)
        assert sidebar.runs.opened == target
        assert sidebar.runs.highlighted == target
        assert sidebar.highlighted == 2


async def test_an_operation_is_a_group_row_that_left_folds_right_unfolds_and_z_toggles() -> None:
    broker = InProcessBroker()
    for i in range(3):
        await seed_run(broker, f"op{i}", 2, label="rank")  # one operation: same label and start
    await seed_run(broker, "solo", 2, at=T0 + timedelta(hours=1))
    app = app_for(broker, run_id="op0")
    async with app.run_test(size=(120, 32)) as pilot:
        sidebar = watch(app).query_one(RunsSidebar)
        await until(pilot, lambda: len(sidebar.runs.runs) == 4)
        group = sidebar.runs.rows[1]
        assert group.row_id.startswith("group:live:rank:")
        assert [r.row_id for r in sidebar.runs.rows] == ["solo", group.row_id, "op0", "op1", "op2"]
        sidebar.focus()
        await pilot.press("home", "down", "down", "down", "left")  # on op1: its group folds
        assert [r.row_id for r in sidebar.runs.rows] == ["solo", group.row_id]
        assert sidebar.runs.highlighted == group.row_id
        lines = [sidebar.render_line(y).text for y in range(3)]
        assert lines[0].split()[:2] == ["label", "run"]
        assert lines[0].rstrip().endswith("seq")
        assert "▸ rank" in lines[2]
        assert lines[2].rstrip().endswith("3 runs")
        await pilot.press("right")
        assert len(sidebar.runs.rows) == 5
        assert "▾ rank" in sidebar.render_line(2).text
        await pilot.press("z")
        assert len(sidebar.runs.rows) == 2
        await pilot.press("enter")  # Enter on a group row unfolds it too; it opens nothing
        assert len(sidebar.runs.rows) == 5
        assert pane(app).view.run_id == "op0"
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: pane(app).view.run_id == "op1")
