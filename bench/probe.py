"""Watching the real app paint, from outside: which log rows each frame carried, and when.

The app runs headless (``App.run_test``), so nothing reaches a terminal. ``FrameProbe`` makes
"painted" precise without touching the app's code:

* it wraps the log pane's ``render_line`` (the line API the compositor calls for every line it
  puts in an update) and notes which ``LogView`` row each rendered line showed;
* it wraps ``App._display`` (where Textual hands a finished compositor update to the driver;
  Textual skips the terminal encoding when headless) and, for every update, encodes it to
  terminal bytes exactly as a real driver would (``render_segments``), so that cost is paid,
  then timestamps the frame with ``time.monotonic()`` and hands it to the waiters.

A row is *painted* at the time of the first frame whose update included its line. Timestamps
are ``time.monotonic()`` (CLOCK_MONOTONIC, shared by every process on the machine), so a
producer in another process can put its publish time in the payload. ``App._display`` is
private Textual API; textual is pinned exactly in pyproject.toml.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual import events
from textual.app import App
from textual.strip import Strip
from textual.widget import Widget

from arena_tui.model.log import LogView
from arena_tui.model.rows import EventRow, Row


@dataclass(frozen=True, slots=True)
class Frame:
    t: float
    """``time.monotonic()`` once the frame was encoded."""
    rows: tuple[Row, ...]
    """Log rows whose lines this frame carried (empty if the pane was not repainted)."""
    view: LogView | None
    """The pane's view as the frame rendered it (None if the pane was not repainted)."""
    n: int

    def event_seqs(self) -> list[int]:
        return [row.seq for row in self.rows if isinstance(row, EventRow)]


Predicate = Callable[[Frame], bool]


@dataclass
class FrameProbe:
    app: App[Any]
    frames: int = 0
    last: Frame | None = None
    listeners: list[Callable[[Frame], None]] = field(default_factory=list)
    _waiters: list[tuple[Predicate, asyncio.Future[Frame]]] = field(default_factory=list)
    _rows: list[Row] = field(default_factory=list)
    _view: LogView | None = None

    def attach_display(self) -> None:
        app = self.app
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None or app._batch_count:
                return
            render_segments = getattr(renderable, "render_segments", None)
            if render_segments is not None:
                render_segments(app.console)
            self._frame()

        app._display = display  # type: ignore[method-assign]

    def attach_log(self, pane: Widget) -> None:
        """Note the rows ``pane`` (an ``arena_tui`` ``LogPane``) renders into each frame."""
        original = pane.render_line

        def render_line(y: int) -> Strip:
            strip = original(y)
            view: LogView = pane.view  # type: ignore[attr-defined]
            index = pane.scroll_offset.y + y
            if 0 <= index < len(view.rows):
                self._rows.append(view.rows[index])
            self._view = view
            return strip

        pane.render_line = render_line  # type: ignore[method-assign]

    def _frame(self) -> None:
        self.frames += 1
        frame = Frame(time.monotonic(), tuple(self._rows), self._view, self.frames)
        self._rows = []
        self._view = None
        self.last = frame
        for listener in self.listeners:
            listener(frame)
        still = []
        for predicate, future in self._waiters:
            if future.done():
                continue
            if predicate(frame):
                future.set_result(frame)
            else:
                still.append((predicate, future))
        self._waiters = still

    def expect(self, predicate: Predicate) -> asyncio.Future[Frame]:
        """A future for the first frame from now on for which ``predicate`` holds.

        Registered at once, so a frame that comes before the caller awaits is not missed.
        """
        future: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        return future


async def within(future: asyncio.Future[Frame], seconds: float = 10.0) -> Frame:
    return await asyncio.wait_for(future, seconds)


def post_key(app: App[Any], key: str, character: str | None = None) -> float:
    """Send a key the way a terminal driver does; returns the ``monotonic()`` time it was sent.

    Unlike ``Pilot.press`` this does not wait for the app to go idle (under load it never
    does), so the caller measures the latency itself.
    """
    if character is None and len(key) == 1:
        character = key
    event = events.Key(key, character)
    event.set_sender(app)
    sent = time.monotonic()
    app.post_message(event)
    return sent
