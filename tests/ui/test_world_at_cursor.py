"""The world panel follows the cursor when the log is paused or replaying (issue 10): it shows
the ``turn_start`` state of the cursor's turn (its agent's), and the newest state while the log
follows. A turn whose ``turn_start`` lies above the rows the log holds is read from the broker.

``turn_loop`` stamps turn N's state with ``food 200 + N`` and ``pop 5 + N``, so the panel's
first line names the turn and the numbers tell the turns apart.
"""

from __future__ import annotations

from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.ui.app import ArenaApp
from arena_tui.ui.widgets.world_panel import WorldPanel
from tests.support.events import turn_loop
from tests.support.pilot import SIZE, app_for, pane, seed_run, until


def world(app: ArenaApp) -> WorldPanel:
    return app.screen.query_one(WorldPanel)


def world_text(app: ArenaApp) -> str:
    return world(app).render().plain


async def test_the_world_panel_shows_the_cursors_turn_paused_and_the_newest_following() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 50)  # turns 1..10, five events each
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 50)
        await until(pilot, lambda: world_text(app).startswith("turn 10"))
        assert world(app).border_title == "world"
        await pilot.press("home")
        await until(pilot, lambda: pane(app).view.cursor_seq == 1)
        await until(pilot, lambda: world_text(app).startswith("turn 1 "), what="turn 1 at seq 1")
        assert "food 201" in world_text(app)
        assert world(app).border_title == "world · at cursor"
        await pilot.press("j", "j", "j")  # seq 4: still turn 1
        await until(pilot, lambda: pane(app).view.cursor_seq == 4)
        assert world_text(app).startswith("turn 1 ")
        await pilot.press("right_square_bracket", "right_square_bracket", "j")
        await until(pilot, lambda: pane(app).view.cursor_seq == 12)
        await until(pilot, lambda: world_text(app).startswith("turn 3 "), what="turn 3 at 12")
        await seed_run(broker, "r1", 5, start=51)  # turn 11 arrives while paused
        await until(pilot, lambda: pane(app).view.new_count == 5)
        assert world_text(app).startswith("turn 3 ")  # the cursor's turn, not the newest
        await pilot.press("end")
        await until(pilot, lambda: world_text(app).startswith("turn 11"), what="newest again")
        assert world(app).border_title == "world"


async def test_a_turn_start_above_the_held_rows_is_read_from_the_broker() -> None:
    """Agent a's turn 7 starts at seq 1; agent b then writes 600 events; the log opened at
    a's event 602 holds only the rows from a screen above it: a's turn_start is read."""
    broker = InProcessBroker()
    await seed_run(broker, "r1", 0)
    first = turn_loop("r1", 31, agent="a" * 32)  # a turn_start of turn 7
    others = [turn_loop("r1", 32 + i % 4, agent="b" * 32) for i in range(600)]  # no turn_start
    last = turn_loop("r1", 33, agent="a" * 32)  # an llm_prompt of a's turn 7
    await broker.publish_many("r1", [first, *others, last])
    app = app_for(broker, run_id="r1", seq=602)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 602)
        assert pane(app).view.first_covered not in (None, 1)  # seq 1 is not held
        await until(pilot, lambda: world_text(app).startswith("turn 7 "), what="a's turn 7")
        assert "food 207" in world_text(app)
        await pilot.press("k")  # an event of agent b: it has no turn_start anywhere
        await until(pilot, lambda: "no turn_start" in world_text(app), what="b has none")
