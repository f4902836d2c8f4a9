"""The quit race: a run listing that returns after its screen started closing touches nothing.

It crashed the app with ``NoMatches('RunsSidebar')`` (and ``python -m bench``): a screen is
taken down widgets first, and its workers are cancelled only after that. The listing here
comes back in exactly that window.
"""

from __future__ import annotations

import asyncio

from arena_tui.broker.clock import FrozenClock
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.broker.models import RunInfo
from arena_tui.broker.protocol import DEFAULT_STALE_AFTER
from arena_tui.ui.screens.watch import WatchScreen
from arena_tui.ui.widgets.runs_sidebar import RunsSidebar
from tests.support.pilot import NOW, SETTINGS, SIZE, app_for, seed_run


class ListingAfterClose(InProcessBroker):
    """``list_runs`` for ``screen`` returns only once that screen's widgets are gone."""

    def __init__(self) -> None:
        super().__init__()
        self.screen: WatchScreen | None = None
        self.returned_after_close = 0

    async def list_runs(self, *, stale_after: float = DEFAULT_STALE_AFTER) -> list[RunInfo]:
        screen = self.screen
        if screen is None:
            return await super().list_runs(stale_after=stale_after)
        # Polled every loop turn (no event says "the widgets are gone, the screen is not"):
        while not screen.query(RunsSidebar):  # noqa: ASYNC110  (not composed yet)
            await asyncio.sleep(0)
        while screen.query(RunsSidebar):  # noqa: ASYNC110  (until it is taken down)
            await asyncio.sleep(0)
        self.returned_after_close += 1
        return await super().list_runs(stale_after=stale_after)


async def test_a_listing_that_returns_after_the_screen_closed_touches_no_widget() -> None:
    broker = ListingAfterClose()
    await seed_run(broker, "r1", 5)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        closing = WatchScreen(broker, SETTINGS, clock=FrozenClock(at=NOW))
        broker.screen = closing  # its first listing waits for its widgets to go
        await app.push_screen(closing)
        await pilot.pause()
        app.pop_screen()
        for _ in range(100):
            await pilot.pause(0.01)
            if broker.returned_after_close:
                break
        await pilot.pause(0.1)
        assert broker.returned_after_close, "the listing came back after the screen closed"
        assert app.return_code is None
        assert app._exception is None
        assert app.screen.query_one(RunsSidebar).runs.runs, "the app goes on"
