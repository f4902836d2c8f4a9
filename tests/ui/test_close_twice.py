"""A screen closed twice leaves the log on screen; it never pops the last screen.

The 30-minute soak's follow app died with ``ScreenStackError: Can't pop screen`` (a traceback on
the user's screen): an overlay (help, a prompt, the command palette) got its close twice, two
keys inside one frame, and the second close popped the watch screen under it. Textual's own
palette closes itself on Escape the same way, so the guard sits where every close arrives.
"""

from __future__ import annotations

from textual.command import CommandPalette

from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.ui.screens.help import HelpScreen
from arena_tui.ui.screens.watch import WatchScreen
from tests.support.pilot import SIZE, app_for, seed_run


async def test_an_overlay_closed_twice_leaves_the_watch_screen() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 5)
    app = app_for(broker, run_id="r1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        help_screen.dismiss()
        help_screen.dismiss()  # the second close, before the first one's frame
        await pilot.pause(0.1)
        assert isinstance(app.screen, WatchScreen)
        assert app._exception is None
        assert app.return_code is None

        app.action_command_palette()
        await pilot.pause(0.1)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await pilot.press("escape", "escape", "escape")
        await pilot.pause(0.1)
        assert isinstance(app.screen, WatchScreen)
        assert app._exception is None
        await pilot.press("j")  # the app goes on
        await pilot.pause()
        assert app.return_code is None
