"""The screen's one tail path (``ui.feed``): follow()'s items reach the log through one match."""

from __future__ import annotations

from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.model.rows import EventRow
from tests.support.pilot import SIZE, app_for, pane, seed_run, status_text, toasts, until, watch


async def test_a_tail_behind_the_trim_shows_the_jump_then_the_events_then_the_end() -> None:
    broker = InProcessBroker(max_len=50)
    await seed_run(broker, "r1", 200)  # seqs 151..200 retained
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 200)
        screen = watch(app)
        screen.feed.start("r1", 10)  # a tail from seq 10 meets the trim first
        await until(pilot, lambda: "jumped from seq 10 to 151" in " ".join(toasts(app)))
        assert pane(app).view.lost_count >= 141
        await broker.close_run("r1")
        await until(pilot, lambda: "finished at seq 200" in status_text(app))
        assert pane(app).view.cursor_seq == 200, "no event twice, none lost"


async def test_a_tail_replaced_by_another_run_drops_what_it_still_reads() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 10)
    await seed_run(broker, "r2", 10)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pane(app).view.cursor_seq == 10)
        watch(app).open_run("r2")
        await until(pilot, lambda: pane(app).view.run_id == "r2" and pane(app).view.loaded)
        await seed_run(broker, "r1", 5, start=11)  # the old run goes on
        await seed_run(broker, "r2", 1, start=11)
        await until(pilot, lambda: pane(app).view.cursor_seq == 11)
        rows = pane(app).view.rows
        assert {r.envelope.event.run_id for r in rows if isinstance(r, EventRow)} == {"r2"}
