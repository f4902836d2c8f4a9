"""The log's scrollbar thumb is where the log is scrolled, from the first page of a run on.

The pane sets the thumb's position with every view; it used to skip that while the scrollbar was
hidden, and the layout that first shows it (the first page of a run whose rows overflow) kept
position 0: the thumb sat at the top of a log scrolled to its end until the next view came
(the run listing, a live event). Whichever comes first, the listing or the first page, the
thumb must follow the scroll.
"""

from __future__ import annotations

import pytest

from arena_tui.broker.inprocess import InProcessBroker
from tests.support.pilot import SIZE, app_for, pane, seed_run, until, watch


@pytest.mark.parametrize("run_id", [None, "r1"], ids=["opened-by-the-listing", "opened-at-start"])
async def test_the_thumb_follows_the_scroll_of_a_runs_first_page(run_id: str | None) -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 120, close=True)
    app = app_for(broker, run_id=run_id)
    async with app.run_test(size=SIZE) as pilot:
        log = pane(app)
        await until(pilot, lambda: log.view.loaded and log.view.want is None)
        await until(pilot, lambda: bool(watch(app).sidebar.runs.runs))
        await pilot.pause()
        assert log.max_scroll_y > 0  # the rows overflow: the scrollbar is shown
        assert log.scroll_y == log.max_scroll_y  # at the run's end
        assert log.vertical_scrollbar.position == log.scroll_y
