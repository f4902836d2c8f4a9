"""The log pane: a line-API ``ScrollView`` that draws only the rows on screen.

The pane holds a ``LogView`` (``arena_tui.model.log``) and renders it; every rule about
what the keys do lives in the model. The virtual height is the model's bounded window, so the
cost of a frame is the number of visible lines, whatever the run's length (toolong's
``LogLines``, Textual's ``DataTable``; not ``RichLog``). When the model wants data it says so
(``view.want``) and the pane posts ``FetchWanted``; the screen does the read and sets ``view``.

A filter (``f``) or wrapped summaries (``w``) make display lines differ from the view's rows;
the pane then draws through a ``Layout`` (``arena_tui.model.log.layout``): moves step over hidden
rows and the pane keeps its own first display line. Without either, a line is a row and the
view's ``top`` is the scroll position, as before.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollDown, ScrollTo, ScrollUp
from textual.strip import Strip

from arena_tui.broker.clock import Clock, SystemClock
from arena_tui.broker.models import Envelope
from arena_tui.model.log import Fetch, LogView
from arena_tui.model.log.layout import Layout, build_layout
from arena_tui.model.log.navigator import settle_top, snap, step
from arena_tui.model.match import EventFilter, SearchPattern
from arena_tui.model.rows import EventRow, Row
from arena_tui.model.seek import SeekTarget, StartTarget
from arena_tui.model.summary import summarize
from arena_tui.ui.widgets.log_lines import (
    KIND_CLASSES,
    UNKNOWN_KIND_CLASS,
    RowOptions,
    RowStyles,
    render_row,
    row_height,
)

WHEEL_ROWS = 3


class LogPane(ScrollView, can_focus=True):
    """One row per event of the open run, plus gap and mark rows where something is missing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("end,G,s", "follow", "Follow", tooltip="Jump to the newest event and follow it"),
        Binding("home", "home", "First", tooltip="Go to the first available event"),
        Binding("left_square_bracket", "turn(-1)", "Prev turn", show=False),
        Binding("right_square_bracket", "turn(1)", "Next turn", show=False),
        Binding("enter", "toggle_detail", "Detail", tooltip="Open or close the event's detail"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "log-pane--cursor",
        "log-pane--dim",
        "log-pane--trimmed",
        "log-pane--hole",
        "log-pane--mark",
        "log-pane--broken",
        "log-pane--hit",
        UNKNOWN_KIND_CLASS,
        *KIND_CLASSES.values(),
    }

    DEFAULT_CSS = """
    LogPane {
        overflow-x: hidden;
        overflow-y: auto;
    }
    """

    view: var[LogView] = var(LogView, always_update=True)

    class ViewChanged(Message):
        """The view changed (many times a second on a busy run; only the newest matters)."""

        def __init__(self, pane: LogPane, view: LogView) -> None:
            super().__init__()
            self.pane = pane
            self.view = view

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, LogPane.ViewChanged)

    class FetchWanted(Message):
        """The view needs a range read (``fetch``) for ``run_id``."""

        def __init__(self, run_id: str, fetch: Fetch) -> None:
            super().__init__()
            self.run_id = run_id
            self.fetch = fetch

    class DetailToggled(Message):
        """Enter was pressed on the log: open or close the detail pane."""

    class UserMoved(Message):
        """The user moved the cursor (a key, the wheel, a click, a seek): playback pauses."""

    def __init__(self, *, clock: Clock | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock or SystemClock()
        self._summaries: LRUCache[tuple[str, int], str] = LRUCache(4096)
        self._posted_fetch = 0
        self._shown_toast = 0
        self._force_context = False
        self._styles: RowStyles | None = None
        self.options = RowOptions()
        self.filter = EventFilter()
        self.pattern: SearchPattern | None = None
        self._layout: Layout = build_layout(())
        self._layout_key: tuple[object, ...] = ()
        self._top_line = 0
        self._direction = 1
        self._heights: LRUCache[tuple[str, int, int, int], int] = LRUCache(8192)
        self._spans: LRUCache[tuple[str, int, str], list[tuple[int, int]] | None] = LRUCache(4096)

    # -- state in ---------------------------------------------------------------------------

    def update(self, view: LogView) -> None:
        """Replace the view (the screen calls this with the result of a model transition)."""
        self.view = view

    def start(self, view: LogView) -> None:
        """Show a freshly opened view: its requests and toasts are numbered from scratch."""
        self._posted_fetch = 0
        self._shown_toast = 0
        self.view = view.with_filter(self.filter)

    def watch_view(self, old: LogView, new: LogView) -> None:
        if old.run_id != new.run_id:
            self._summaries.clear()
        want = new.want
        if want is not None and want.id != self._posted_fetch:
            self._posted_fetch = want.id
            self.post_message(self.FetchWanted(new.run_id, want))
        toast = new.toast
        if toast is not None and toast.id != self._shown_toast:
            self._shown_toast = toast.id
            self.notify(toast.text, severity=toast.severity, timeout=8)  # type: ignore[arg-type]
        layout = self._relayout(new)
        if self.filter.active and not new.following and new.want is None:
            snapped = snap(new, layout, self._direction)
            if snapped is not new:
                self.view = snapped  # watched again: the layout follows the snapped cursor
                return
        top = new.top if layout.identity else self._settled_top(old, new, layout)
        self._top_line = top
        self.virtual_size = Size(self.size.width, layout.total)
        self.set_scroll(None, top)
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.position = top
        self.refresh()
        self.post_message(self.ViewChanged(self, new))

    # -- filter, wrap, time column, search --------------------------------------------------

    def set_filter(self, flt: EventFilter) -> None:
        self.filter = flt
        self.view = self.view.with_filter(flt)  # "+N new" counts what it shows
        self._redraw()

    def set_options(self, options: RowOptions) -> None:
        self.options = options
        self._redraw()

    def set_pattern(self, pattern: SearchPattern | None) -> None:
        self.pattern = pattern
        self._spans.clear()
        self.options = RowOptions(
            self.options.show_time, self.options.wrap, self._highlight if pattern else None
        )
        self._redraw()

    @property
    def line_layout(self) -> Layout:
        return self._layout

    def shown(self, row: Row) -> bool:
        return not isinstance(row, EventRow) or self.filter.matches(row.envelope)

    def display_cursor(self) -> int | None:
        """Index into ``view.rows`` of the row drawn as the cursor (nearest shown at or before)."""
        pos = self._layout.shown_at(self.view.cursor)
        return self._layout.shown[pos] if pos is not None else None

    def _redraw(self) -> None:
        """The projection changed: rebuild it and keep the cursor's event on screen."""
        self._layout_key = ()
        self._force_context = True
        self.view = self.view

    def _relayout(self, view: LogView) -> Layout:
        width = self.scrollable_content_region.width
        key = (view.rows, self.filter, self.options.wrap, self.options.show_time, width)
        if key != self._layout_key:
            self._layout_key = key
            keep = self.shown if self.filter.active else None
            height = self._row_height if self.options.wrap else None
            self._layout = build_layout(view.rows, keep, height)
        return self._layout

    def _row_height(self, row: Row) -> int:
        if not isinstance(row, EventRow):
            return 1
        width = self.scrollable_content_region.width
        key = (row.envelope.event.run_id, row.seq, width, self.options.fixed)
        height = self._heights.get(key)
        if height is None:
            height = row_height(row, width, self._summary, self.options)
            self._heights[key] = height
        return height

    def _settled_top(self, old: LogView, new: LogView, layout: Layout) -> int:
        context = self._force_context or old.cursor_seq != new.cursor_seq
        self._force_context = False
        height = max(1, self.scrollable_content_region.height)
        pos = layout.shown_at(new.cursor)
        return settle_top(
            layout, self._top_line, height, pos, following=new.following, context=context
        )

    def _highlight(self, envelope: Envelope, text: str) -> list[tuple[int, int]] | None:
        pattern = self.pattern
        if pattern is None:
            return None
        key = (envelope.event.run_id, envelope.seq, pattern.text)
        if key in self._spans:
            return self._spans[key]
        spans: list[tuple[int, int]] | None = pattern.spans(text)
        if not spans and not pattern.matches(envelope):
            spans = None
        self._spans[key] = spans
        return spans

    def on_resize(self, event: events.Resize) -> None:
        self._styles = None
        self.view = self.view.resize(self.scrollable_content_region.height)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    # -- user input -------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        self.moved()
        self.step(delta)

    def step(self, delta: int) -> None:
        """Move ``delta`` shown rows (playback calls this too, without pausing itself)."""
        self._direction = 1 if delta > 0 else -1
        if self._layout.identity:
            self.view = self.view.move(delta)
        else:
            self.view = step(self.view, self._layout, delta)

    def action_page(self, pages: int) -> None:
        self.moved()
        if self._layout.identity:
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
        message.stop()
        message.prevent_default()
        if message.y is not None:
            self.scroll_by_user(round(message.y))

    def _on_scroll_up(self, message: ScrollUp) -> None:
        """A click on the scrollbar's track above the thumb."""
        message.stop()
        message.prevent_default()
        self.scroll_by_user(self.scroll_offset.y - self._page_lines())

    def _on_scroll_down(self, message: ScrollDown) -> None:
        """A click on the scrollbar's track below the thumb."""
        message.stop()
        message.prevent_default()
        self.scroll_by_user(self.scroll_offset.y + self._page_lines())

    def _page_lines(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def scroll_by_user(self, top: int) -> None:
        """Show display line ``top`` first and keep the cursor on screen (pausing if it moves)."""
        height = self._page_lines()
        top = min(max(top, 0), max(0, self._layout.total - height))
        if self._layout.identity:
            if top != self.view.top:
                self.view = self.view.scroll_to(top)
            return
        if top == self._top_line:
            return
        self._top_line = top
        self.set_scroll(None, top)
        pos = self._layout.shown_at(self.view.cursor)
        if pos is not None:
            first, last = self._layout.lines_of(pos)
            if first < top or last >= top + height:
                line = top if first < top else top + height - 1
                found = self._layout.at_line(min(line, self._layout.total - 1))
                if found is not None:
                    self.view = self.view.select(self._layout.shown[found[0]])
        self.refresh()

    def _on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        event.prevent_default()
        self.action_move(WHEEL_ROWS)

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        event.prevent_default()
        self.action_move(-WHEEL_ROWS)

    def on_click(self, event: events.Click) -> None:
        found = self._layout.at_line(self.scroll_offset.y + event.y)
        if found is not None:
            self.moved()
            self.view = self.view.select(self._layout.shown[found[0]])

    # -- rendering --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        view = self.view
        styles = self._row_styles()
        width = self.scrollable_content_region.width
        found = self._layout.at_line(self.scroll_offset.y + y)
        if found is None or found[0] >= len(self._layout.shown):
            if y == 0 and not view.rows and view.run_id:
                text = "  no events yet" if view.loaded else "  loading…"
                return Strip([Segment(text, styles.dim)]).crop_extend(0, width, styles.base)
            if y == 0 and view.rows and self.filter.active and not self._layout.shown:
                text = f"  no {self.filter.text()} events in the {len(view.rows):,} rows here"
                return Strip([Segment(text, styles.dim)]).crop_extend(0, width, styles.base)
            return Strip.blank(width, styles.base)
        pos, line = found
        index = self._layout.shown[pos]
        return render_row(
            view.rows[index],
            width=width,
            tz=self.clock.tz,
            styles=styles,
            cursor=index == self.display_cursor(),
            summary=self._summary,
            options=self.options,
            line=line,
        )

    def _summary(self, envelope: Envelope) -> str:
        key = (envelope.event.run_id, envelope.seq)
        text = self._summaries.get(key)
        if text is None:
            text = summarize(envelope)
            self._summaries[key] = text
        return text

    def _row_styles(self) -> RowStyles:
        if self._styles is None:
            style = self.get_component_rich_style
            self._styles = RowStyles(
                base=self.rich_style,
                cursor=style("log-pane--cursor"),
                dim=style("log-pane--dim"),
                trimmed=style("log-pane--trimmed"),
                hole=style("log-pane--hole"),
                mark=style("log-pane--mark"),
                broken=style("log-pane--broken"),
                kinds={kind: style(name) for kind, name in KIND_CLASSES.items()},
                unknown=style(UNKNOWN_KIND_CLASS),
                hit=style("log-pane--hit"),
            )
        return self._styles
