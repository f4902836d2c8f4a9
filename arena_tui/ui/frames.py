"""Live events into the log at most once a frame, applied right before Textual paints it.

The tail delivers batches as Redis hands them over (at 1,000 events/s, one event each). Each
batch applied at once would be a model transition and a repaint per event; so ``LiveFrames``
buffers them, and applies what it holds once per frame, at the last moment: the first batch
asks Textual for a paint (``refresh`` of the log pane) and the screen's paint tick calls
``before_paint`` just before the compositor renders, so the rows go into that very frame. A
row then waits for one paint tick, where a flush timer and then the paint tick cost up to two
frames (figure 2 in the README: p50 24.8 ms). A timer ``BACKSTOP`` after the frame applies
the batch if no tick comes (a modal screen over the log, which pauses the tick).

While the tail reads a backlog (a flush of ``BEHIND`` events or more) a timer applies it
every ``CATCH_UP_FRAME`` instead: nobody reads thousands of rows a frame, and each repaint
costs the time of ten thousand backlog events. For as long, the collector's young generation
is collected every ``CATCH_UP_YOUNG`` allocations instead of CPython's 700 (``catch_up_pace``).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual.timer import Timer

from arena_tui.broker.models import Envelope

if TYPE_CHECKING:
    from arena_tui.ui.screens.watch import WatchScreen

FRAME = 1 / 60
"""Textual paints at most 60 frames a second (``TEXTUAL_FPS``): one view update per frame."""
BACKSTOP = 2 * FRAME
"""Live events wait at most this long past a frame for a paint tick to apply them."""
CATCH_UP_FRAME = 1 / 10
"""The view update interval while catching up on a backlog."""
BEHIND = 1_000
"""Events applied by one flush that mean the tail is reading a backlog (60,000 events/s)."""
CATCH_UP_YOUNG = 50_000
"""Allocations between two young collections while a backlog is read (CPython's: 700)."""
_PACE = gc.get_threshold()


def catch_up_pace(catching_up: bool) -> None:
    """Young collections every ``CATCH_UP_YOUNG`` allocations while a backlog is read, the
    process's own pace otherwise. A backlog's events wait up to a catch-up frame in the buffer,
    so at 700 every young collection carried thousands of them on to the middle and old
    generations: a 200,000-event catch-up ran ~1,700 young, 155 middle and 13 full collections,
    0.31 s of its 1.8 (bench figure 1); at 50,000, 14 young, one middle, no full, 0.15 s. The
    old generation keeps its pace (ten times rarer full collections freed the cycles of run
    switches in piles: RSS steps in the soak), and the young one gets it back with the first
    live frame, a run switch or the screen's close."""
    young, middle, old = _PACE
    gc.set_threshold(max(young, CATCH_UP_YOUNG) if catching_up else young, middle, old)


class LiveFrames:
    def __init__(self, screen: WatchScreen, apply: Callable[[list[Envelope]], None]) -> None:
        self.screen = screen
        self.apply = apply
        """Applies one frame's events to the screen (``WatchScreen.apply_live``)."""
        self._pending: list[Envelope] = []
        self._timer: Timer | None = None
        self._flushed_at = -FRAME
        """``time.monotonic()`` of the last flush (Textual's timers run on that clock)."""
        self._frame = FRAME
        """The wait between flushes: ``FRAME``, or ``CATCH_UP_FRAME`` after a backlog's flush."""
        self._asked = False
        """A paint was asked for the buffered events (once per frame is enough)."""

    def add(self, batch: Sequence[Envelope]) -> None:
        """Buffer ``batch``: live, for the next paint; catching up, for the next catch-up frame."""
        self._pending.extend(batch)
        live = self._frame == FRAME
        if live and not self._asked:
            self._asked = True
            self.screen.log_pane.refresh()  # the paint whose tick applies the batch
        if self._timer is None:
            wait = self._flushed_at + self._frame - time.monotonic()
            if wait <= 0 and not live:
                self.flush()
            else:
                self._timer = self.screen.set_timer(max(wait, 0) + live * BACKSTOP, self._due)

    def before_paint(self) -> None:
        """The screen's paint tick is about to render: live events go into this frame. The log
        pane joins the widgets it renders (Textual's private ``_dirty_widgets``: its own
        refresh reaches the screen as a message, possibly after this tick)."""
        if self._pending and self._frame == FRAME:
            self.flush()
            self.screen._dirty_widgets.add(self.screen.log_pane)

    def clear(self) -> None:
        """Another run (or none, the screen closing): what is buffered is the old run's."""
        self._pending.clear()
        if self._frame != FRAME:
            self._frame = FRAME
            catch_up_pace(False)

    def _due(self) -> None:
        self._timer = None
        if not self.screen.closing:
            self.flush()

    def flush(self) -> None:
        """Apply the buffered events to the view: one transition and one repaint."""
        if self._timer is not None:  # flushed early (a paint, a trim, a reconnect)
            self._timer.stop()
            self._timer = None
        self._asked = False
        if not self._pending:
            return
        self._flushed_at = time.monotonic()
        batch, self._pending = self._pending, []
        frame = CATCH_UP_FRAME if len(batch) >= BEHIND else FRAME
        if frame != self._frame:
            catch_up_pace(frame == CATCH_UP_FRAME)
        self._frame = frame
        self.apply(batch)
