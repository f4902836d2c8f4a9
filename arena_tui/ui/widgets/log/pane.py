"""The log pane: a line-API ``ScrollView`` that draws only the rows on screen.

The pane owns a ``LogView`` (``model.log``) and is its only writer: the user's keys and the
screen's news (``live_events``, ``tail_trimmed``, ``fetched``, ...) are intent methods, each
one model transition; every rule lives in the model. The virtual height is the model's bounded
window, so a frame costs the visible lines, whatever the run's length (toolong's ``LogLines``;
not ``RichLog``). When the model wants data (``view.want``) the pane posts ``FetchWanted``.

One scroll coordinate: ``scroll_offset.y``, in display lines. A filter or wrapped summaries
make display lines differ from rows: the ``Projection`` draws through a ``Layout`` and
``model.log.navigator`` places the scroll; without either, the offset is the view's ``top``.
Seams: replay, search and sharing read ``view``, ``line_layout`` and ``display_cursor`` and
move with ``step``/``go``/``seek``; a feature calls an intent, it never assigns ``view``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import ClassVar, TypeAlias

from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollDown, ScrollTo, ScrollUp
from textual.strip import Strip

from arena_tui.broker.clock import Clock, SystemClock
from arena_tui.broker.models import Envelope, ReadResult, Seq
from arena_tui.model.log import Fetch, LogView
from arena_tui.model.log.layout import Layout
from arena_tui.model.log.navigator import cursor_on_screen, settle_top, snap, step
from arena_tui.model.match import EventFilter
from arena_tui.model.seek import SeekTarget, StartTarget
from arena_tui.ui.keys import bindings
from arena_tui.ui.widgets.log import messages
from arena_tui.ui.widgets.log.lines import (
    COMPONENT_CLASSES,
    RowOptions,
    row_styles,
)
from arena_tui.ui.widgets.log.projection import Projection
from arena_tui.ui.widgets.scroll import set_virtual_size

WHEEL_ROWS = 3


class LogPane(ScrollView, can_focus=True):
    """One row per event of the open run, plus gap and mark rows where something is missing."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("log")
    COMPONENT_CLASSES: ClassVar[set[str]] = COMPONENT_CLASSES

    DEFAULT_CSS = "LogPane { overflow-x: hidden; overflow-y: auto; }"

    view: var[LogView] = var(LogView, always_update=True)

    ViewChanged: TypeAlias = messages.ViewChanged
    FetchWanted: TypeAlias = messages.FetchWanted
    DetailToggled: TypeAlias = messages.DetailToggled
    UserMoved: TypeAlias = messages.UserMoved

    def __init__(self, *, clock: Clock | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock or SystemClock()
        self.projection = Projection()
        self._posted_fetch = 0
        self._shown_toast = 0
        self._force_context = False
        self._direction = 1
        self.idle = asyncio.Event()
        """Set while the view waits for no read: background scans yield to the user's reads."""
        self.idle.set()

    @property
    def filter(self) -> EventFilter:
        """The user's filter (it lives in the view: ``+N new`` counts what it shows)."""
        return self.view.count_filter

    def open(self, run_id: str, seq: Seq | None = None) -> None:
        """Show ``run_id`` (following it, or at ``seq``); requests and toasts count afresh."""
        self._posted_fetch = 0
        self._shown_toast = 0
        height = max(1, self.scrollable_content_region.height)
        self.view = LogView.open(run_id, seq=seq, height=height, count_filter=self.filter)

    def live_events(self, batch: Sequence[Envelope]) -> None:
        self.view = self.view.on_events(batch)

    def tail_trimmed(self, requested: Seq, available_from: Seq) -> None:
        self.view = self.view.on_trimmed(requested, available_from)

    def tail_reconnected(self, seconds: float) -> None:
        self.view = self.view.on_reconnected(seconds)

    def tail_reset(self, last_seen_seq: Seq, new_last_seq: Seq) -> None:
        self.view = self.view.on_reset(last_seen_seq, new_last_seq)

    def tail_finished(self) -> None:
        self.view = self.view.on_finished()

    def run_listed(self, available_from: Seq, last_seq: Seq) -> None:
        self.view = self.view.on_run_info(available_from, last_seq)

    def fetched(self, fetch: Fetch, result: ReadResult, target: Seq | None) -> None:
        self.view = self.view.on_fetched(fetch, result, target)

    def fetch_failed(self, fetch: Fetch, message: str) -> None:
        self.view = self.view.on_fetch_failed(fetch, message)

    def watch_view(self, old: LogView, new: LogView) -> None:
        if old.run_id != new.run_id:
            self.projection.forget_summaries()
        want = new.want
        if want is not None and want.id != self._posted_fetch:
            self._posted_fetch = want.id
            self.post_message(self.FetchWanted(new.run_id, want))
        if new.want is None:
            self.idle.set()
        else:
            self.idle.clear()
        toast = new.toast
        if toast is not None and toast.id != self._shown_toast:
            self._shown_toast = toast.id
            self.notify(toast.text, severity=toast.severity, timeout=8)  # type: ignore[arg-type]
        layout = self.projection.lay_out(new, self.scrollable_content_region.width)
        if self.filter.active and not new.following and new.want is None:
            snapped = snap(new, layout, self._direction)
            if snapped is not new:
                self.view = snapped  # watched again: the layout follows the snapped cursor
                return
        top = new.top if layout.identity else self._settled_top(old, new, layout)
        set_virtual_size(self, Size(self.size.width, layout.total))
        self.set_scroll(None, top)
        # even while hidden: the layout that first shows it keeps this (0 drew the thumb on top)
        self.vertical_scrollbar.position = top
        self.refresh()
        self.post_message(self.ViewChanged(self, new))

    def set_filter(self, flt: EventFilter) -> None:
        self.view = self.view.with_filter(flt)  # "+N new" counts what it shows
        self._redraw()

    @property
    def options(self) -> RowOptions:
        return self.projection.options

    def set_options(self, options: RowOptions) -> None:
        """Time column, wrapping, the search's highlighter: redraw, the cursor's event kept."""
        self.projection.options = options
        self._redraw()

    @property
    def line_layout(self) -> Layout:
        return self.projection.layout

    def display_cursor(self) -> int | None:
        """Index into ``view.rows`` of the row drawn as the cursor (nearest shown at or before)."""
        pos = self.line_layout.shown_at(self.view.cursor)
        return self.line_layout.shown[pos] if pos is not None else None

    def _redraw(self) -> None:
        """The projection changed: rebuild it and keep the cursor's event on screen."""
        self.projection.invalidate()
        self._force_context = True
        self.view = self.view  # watched again: relayout, keep the cursor's event on screen

    def _settled_top(self, old: LogView, new: LogView, layout: Layout) -> int:
        context = self._force_context or old.cursor_seq != new.cursor_seq
        self._force_context = False
        height = max(1, self.scrollable_content_region.height)
        pos = layout.shown_at(new.cursor)
        return settle_top(
            layout, self.scroll_offset.y, height, pos, following=new.following, context=context
        )

    def on_resize(self, event: events.Resize) -> None:
        self.projection.styles = None
        self.view = self.view.resize(self.scrollable_content_region.height)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.projection.styles = None

    def action_move(self, delta: int) -> None:
        self.moved()
        self.step(delta)

    def step(self, delta: int) -> None:
        """Move ``delta`` shown rows (playback calls this too, without pausing itself)."""
        self._direction = 1 if delta > 0 else -1
        if self.line_layout.identity:
            self.view = self.view.move(delta)
        else:
            self.view = step(self.view, self.line_layout, delta)

    def action_page(self, pages: int) -> None:
        self.moved()
        if self.line_layout.identity:
            self.view = self.view.page_move(pages)
        else:
            self.step(pages * max(1, self.scrollable_content_region.height - 1))

    def action_follow(self) -> None:
        self.moved()
        self.view = self.view.follow()

    def action_home(self) -> None:
        self.moved()
        self._direction = 1
        self.view = self.view.seek(StartTarget())

    def action_turn(self, step: int) -> None:
        self.moved()
        self._direction = step
        self.view = self.view.turn_step(step)

    def action_toggle_detail(self) -> None:
        self.post_message(self.DetailToggled())

    def seek(self, target: SeekTarget) -> None:
        """A seek the user asked for (``g``, a search step): it pauses playback."""
        self.moved()
        self.go(target)

    def go(self, target: SeekTarget) -> None:
        """Seek without it counting as the user's move (playback rewinding to the start)."""
        self._direction = 1
        self.view = self.view.seek(target)

    def moved(self) -> None:
        self.post_message(self.UserMoved())

    # The scrollbar is the user's input: it moves the view. Every other change of ``scroll_y``
    # (Textual clamping it when the pane's height changes, our own ``set_scroll``) is not, and
    # must not pause following; ``on_resize`` settles the view for a new height instead. The
    # input handlers prevent Textual's defaults, which would scroll the pane behind the view.

    def _on_scroll_to(self, message: ScrollTo) -> None:
        """The scrollbar's thumb was dragged."""
        if _taken(message) and message.y is not None:
            self.scroll_by_user(round(message.y))

    def _on_scroll_up(self, message: ScrollUp) -> None:
        """A click on the scrollbar's track above the thumb."""
        if _taken(message):
            self.scroll_by_user(self.scroll_offset.y - self._page_lines())

    def _on_scroll_down(self, message: ScrollDown) -> None:
        """A click on the scrollbar's track below the thumb."""
        if _taken(message):
            self.scroll_by_user(self.scroll_offset.y + self._page_lines())

    def _page_lines(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def scroll_by_user(self, top: int) -> None:
        """Show display line ``top`` first and keep the cursor on screen (pausing if it moves)."""
        height = self._page_lines()
        layout = self.line_layout
        top = min(max(top, 0), max(0, layout.total - height))
        if layout.identity:
            if top != self.view.top:
                self.view = self.view.scroll_to(top)
            return
        if top == self.scroll_offset.y:
            return
        self.set_scroll(None, top)
        self.view = cursor_on_screen(self.view, layout, top, height)
        self.refresh()

    def _on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        if _taken(event):
            self.action_move(WHEEL_ROWS)

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        if _taken(event):
            self.action_move(-WHEEL_ROWS)

    def on_click(self, event: events.Click) -> None:
        found = self.line_layout.at_line(self.scroll_offset.y + event.y)
        if found is not None:
            self.moved()
            self.view = self.view.select(self.line_layout.shown[found[0]])

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self.projection.styles is None:
            self.projection.styles = row_styles(self.rich_style, self.get_component_rich_style)
        return self.projection.line(self.view, self.scroll_offset.y + y, width, self.clock.tz)


def _taken(message: Message) -> bool:
    """Stop ``message`` and Textual's default for it (it would scroll behind the view)."""
    message.stop()
    message.prevent_default()
    return True
