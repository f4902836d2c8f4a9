"""No widget outlives its removal: run switches and palette openings leave nothing reachable.

The 30-minute soak judged every app's RSS at 3-5 MiB a minute of steady growth. The cause was
Textual's ``Footer`` (Textualize/textual#6666): each recompose, on every change of the active
bindings, left its old ``FooterKey`` widgets in the footer's watcher list for good, a dozen
widgets with their styles and queues per focus move. In a Pilot app, RSS after 20 then 120
switches: 57.4 -> 58.9 MiB with ``ui.widgets.footer.Footer``, and the widgets below found.
"""

from __future__ import annotations

import gc
from collections import Counter

from textual.widget import Widget

from arena_tui.broker.inprocess import InProcessBroker
from tests.support.pilot import WIDE, app_for, seed_run, switch_runs, until, watch

RUNS = 4
SWITCHES = 12


async def test_no_removed_widget_stays_reachable_after_switches_and_palette_openings() -> None:
    broker = InProcessBroker()
    for r in range(RUNS):
        await seed_run(broker, f"r{r}", 200)
    app = app_for(broker, run_id="r0")
    async with app.run_test(size=WIDE) as pilot:
        screen = watch(app)
        await until(pilot, lambda: len(screen.sidebar.runs.runs) == RUNS, what="runs")
        await switch_runs(pilot, app, SWITCHES, palette_every=4)
        await pilot.pause(0.2)
        gc.collect()
        removed = Counter(
            type(obj).__name__
            for obj in gc.get_objects()
            if isinstance(obj, Widget) and not obj.is_attached and obj._closed
        )
        assert not removed, f"widgets still reachable after their removal: {dict(removed)}"
