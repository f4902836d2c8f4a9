"""Replay (``p``, ``space``): move the log's cursor through the run at the run's own pacing.

The pacing is the pure ``model.playback.Playback`` (speeds, the gap cap, what is due); this is
its driver: a timer on the pane asks every ``TICK`` what is due and steps the pane by that many
shown rows. Past the window's edge it steps once, which reads the next page, and goes on when
the page is in; a read that brings nothing after the cursor (it failed: a wiped run, a refused
password) stops the replay, with one notice. (It used to step again on the next tick: one read
and one error toast per tick, 30 a second, hundreds of toasts alive in a soak's replay app.)
Any move of the user's pauses it (the screen forwards ``LogPane.UserMoved``).
The timer belongs to the pane, so it dies with it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.timer import Timer

from arena_tui.broker.clock import Clock
from arena_tui.model.playback import MAX_STEPS, Playback
from arena_tui.model.rows import EventRow, UnnumberedRow
from arena_tui.model.seek import StartTarget
from arena_tui.ui.widgets.log.pane import LogPane

TICK = 1 / 30
"""Playback frame: how often the replay clock is asked what is due."""


class Replay:
    def __init__(self, pane: LogPane, clock: Clock, changed: Callable[[], None]) -> None:
        self.pane = pane
        self.clock = clock
        self.changed = changed
        """Called when what the status bar shows of the replay changed."""
        self.playback = Playback()
        self.replaying = False
        """A replay was started on this run (the status bar shows ▶ / ⏸ until it ends)."""
        self._timer: Timer | None = None
        self._paged_at: int | None = None
        """The cursor's seq when the last tick stepped past the window (a page was wanted)."""

    @property
    def label(self) -> str | None:
        return self.playback.label if self.replaying else None

    def play(self) -> None:
        """``p``: start from the cursor, or go to the next speed (1x → 10x → max)."""
        pane = self.pane
        view = pane.view
        if not view.rows:
            return
        if (
            not self.playback.playing
            and view.at_head
            and pane.display_cursor() == _last_shown(pane)
        ):
            if not view.finished:
                pane.notify(
                    "already at the newest event: go back (g, Home, up) to replay from there"
                )
                return
            pane.go(StartTarget())  # a finished run at its end replays from the start
        self.playback = self.playback.cycle(self.clock.monotonic())
        self.replaying = True
        self._ensure_timer()
        self.changed()

    def play_pause(self) -> None:
        """``space``: pause or resume (start, when nothing was replayed yet)."""
        if not self.replaying:
            self.play()
            return
        self.playback = self.playback.toggle(self.clock.monotonic())
        self._ensure_timer()
        self.changed()

    def user_moved(self) -> None:
        if self.playback.playing:
            self.playback = self.playback.pause()
            self.changed()

    def stop(self) -> None:
        self.playback = self.playback.pause()
        self.replaying = False
        self._ensure_timer()

    def _ensure_timer(self) -> None:
        if self.playback.playing and self._timer is None:
            self._timer = self.pane.set_interval(TICK, self._tick)
        elif not self.playback.playing and self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _tick(self) -> None:
        pane = self.pane
        view = pane.view
        if not self.playback.playing or view.want is not None or not view.rows:
            return
        stamps = _upcoming_stamps(pane, MAX_STEPS + 1)
        paged_at, self._paged_at = self._paged_at, None
        if len(stamps) <= 1:
            if view.at_head:
                self.stop()
                finished = " (run finished)" if view.finished else ""
                pane.notify("replay reached the newest event" + finished)
                self.changed()
            elif paged_at is not None and paged_at == view.cursor_seq:
                self.stop()  # the page read brought nothing after the cursor: it failed
                pane.notify("replay stopped: the next events could not be read", severity="error")
                self.changed()
            else:
                self._paged_at = view.cursor_seq
                pane.step(1)  # past the window: the next page is read, then playback goes on
            return
        steps, self.playback = self.playback.due(self.clock.monotonic(), stamps)
        if steps:
            pane.step(steps)


def _last_shown(pane: LogPane) -> int | None:
    shown = pane.line_layout.shown
    return shown[-1] if shown else None


def _upcoming_stamps(pane: LogPane, limit: int) -> list[datetime | None]:
    """The displayed cursor's time, then the times of the shown rows after it (in the window)."""
    view = pane.view
    layout = pane.line_layout
    pos = layout.shown_at(view.cursor)
    if pos is None:
        return []
    stamps: list[datetime | None] = []
    for index in layout.shown[pos : pos + limit]:
        row = view.rows[index]
        timed = row if isinstance(row, EventRow | UnnumberedRow) else None  # a log row too
        stamps.append(timed.envelope.event.ts if timed is not None else None)
    return stamps
