"""The charts screen as a part of the watch screen: opened at the cursor, fed live, jumped from.

``i`` opens ``ChartsScreen`` on the open run, centred on the cursor's event and agent, reading
its history below the seq the tail resumes from; while it is on top, the watch screen's live
frames reach it through ``add_live`` (only for the run it was opened on); when it is dismissed
with a seq, the log goes there. The screen module is imported on first use: the plotting
library brings numpy, which the start need not wait for. Kept apart from the screen the way
``RunSearch`` is, so that the watch screen only hands the key and the live frames over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from arena_tui.broker.models import Envelope, Seq
from arena_tui.model.rows import EventRow
from arena_tui.model.runs import run_label
from arena_tui.model.seek import SeqTarget

if TYPE_CHECKING:
    from arena_tui.ui.screens.charts import ChartsScreen
    from arena_tui.ui.screens.watch import WatchScreen


class RunCharts:
    def __init__(self, screen: WatchScreen) -> None:
        self.screen = screen
        self.shown: ChartsScreen | None = None
        """The charts screen while it is open."""

    def open(self) -> None:
        """``i``: the charts of the open run; Enter on the activity chart jumps the log."""
        from arena_tui.ui.screens.charts import ChartsScreen

        screen, pane = self.screen, self.screen.log_pane
        run_id = screen.run_id
        if not run_id:
            return
        info = screen.sidebar.runs.get(run_id)
        index = pane.display_cursor()
        row = pane.view.rows[index] if index is not None else None
        cursor = row.envelope.event if isinstance(row, EventRow) else None
        self.shown = ChartsScreen(
            screen.broker,
            run_id,
            title=run_label(info) if info else run_id[:12],
            live_from=max(1, screen.feed.resume_from),
            started_at=info.meta.started_at if info else None,
            cursor_ts=cursor.ts if cursor else None,
            cursor_agent=cursor.agent_id if cursor else None,
        )
        screen.app.push_screen(self.shown, self._closed)

    def add_live(self, batch: list[Envelope]) -> None:
        if self.shown is not None and self.shown.run_id == self.screen.run_id:
            self.shown.add_live(batch)

    def _closed(self, seq: Seq | None) -> None:
        self.shown = None
        pane = self.screen.log_pane
        if seq is not None:
            pane.seek(SeqTarget(seq))
        pane.focus()
