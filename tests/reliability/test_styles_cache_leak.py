"""A removed widget's rendered lines do not outlive it: opening and closing the charts screen
leaves no ``StylesCache`` behind.

The soak found it (2026-12-02, a 9-minute run with a tmux monitor): every opening of the charts
screen (``i``; ~60 widgets) kept its widgets' ``StylesCache`` objects, with every rendered
``Strip`` and their crop caches, alive after the screen was gone: RSS +1.3 MiB an opening up to
~16 openings, +22 MiB in all, which in the soak's apps read as steady growth. The holder is
Textual's ``StylesCache.get_inner_outer``, an instance method under ``lru_cache(1024)``: the
instance is part of the cache key (Textualize/textual#6665). ``arena_tui.ui.patches`` caches
on the colours alone.
"""

from __future__ import annotations

import gc

from textual._styles_cache import StylesCache
from textual.widget import Widget

from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.ui.screens.charts import ChartsScreen
from arena_tui.ui.screens.watch import WatchScreen
from tests.support.pilot import WIDE, app_for, seed_run, until, watch

OPENINGS = 3


def alive(kind: type) -> int:
    return sum(1 for obj in gc.get_objects() if isinstance(obj, kind))


async def test_closing_the_charts_screen_frees_its_widgets_rendered_lines() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r0", 300)
    app = app_for(broker, run_id="r0")
    async with app.run_test(size=WIDE) as pilot:
        screen = watch(app)
        await until(pilot, lambda: len(screen.sidebar.runs.runs) == 1, what="the run")
        for _ in range(OPENINGS):
            await pilot.press("i")
            await until(pilot, lambda: isinstance(app.screen, ChartsScreen), what="the charts")
            await pilot.pause(0.3)  # drawn: every widget has rendered lines in its cache
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, WatchScreen), what="the log")
        await pilot.pause(0.2)
        gc.collect()
        widgets, caches = alive(Widget), alive(StylesCache)
        assert caches <= widgets, (
            f"{caches - widgets} StylesCache objects outlive their widgets "
            f"({widgets} widgets alive) after {OPENINGS} openings of the charts screen"
        )
