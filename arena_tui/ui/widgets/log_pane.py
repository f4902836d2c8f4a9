"""The log pane: a line-API ``ScrollView`` that draws only the rows on screen.

The pane holds a ``LogView`` (``arena_tui.model.log_view``) and renders it; every rule about
what the keys do lives in the model. The virtual height is the model's bounded window, so the
cost of a frame is the number of visible lines, whatever the run's length (toolong's
``LogLines``, Textual's ``DataTable``; not ``RichLog``). When the model wants data it says so
(``view.want``) and the pane posts ``FetchWanted``; the screen does the read and sets ``view``.
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
from textual.strip import Strip

from arena_tui.broker.models import Envelope
from arena_tui.model.clock import Clock, SystemClock
from arena_tui.model.log_view import Fetch, LogView
from arena_tui.model.seek import SeekTarget, StartTarget
from arena_tui.model.summary import summarize
from arena_tui.ui.widgets.log_lines import (
    KIND_CLASSES,
    UNKNOWN_KIND_CLASS,
    RowStyles,
    render_row,
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

    def __init__(self, *, clock: Clock | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock or SystemClock()
        self._summaries: LRUCache[tuple[str, int], str] = LRUCache(4096)
        self._posted_fetch = 0
        self._shown_notice = 0
        self._styles: RowStyles | None = None

    # -- state in ---------------------------------------------------------------------------

    def update(self, view: LogView) -> None:
        """Replace the view (the screen calls this with the result of a model transition)."""
        self.view = view

    def start(self, view: LogView) -> None:
        """Show a freshly opened view: its requests and notices are numbered from scratch."""
        self._posted_fetch = 0
        self._shown_notice = 0
        self.view = view

    def watch_view(self, old: LogView, new: LogView) -> None:
        if old.run_id != new.run_id:
            self._summaries.clear()
        want = new.want
        if want is not None and want.id != self._posted_fetch:
            self._posted_fetch = want.id
            self.post_message(self.FetchWanted(new.run_id, want))
        notice = new.notice
        if notice is not None and notice.id != self._shown_notice:
            self._shown_notice = notice.id
            self.notify(notice.text, severity=notice.severity, timeout=8)  # type: ignore[arg-type]
        self.virtual_size = Size(self.size.width, len(new.rows))
        self.set_scroll(None, new.top)
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.position = new.top
        self.refresh()
        self.post_message(self.ViewChanged(self, new))

    def on_resize(self, event: events.Resize) -> None:
        self._styles = None
        self.view = self.view.resize(self.scrollable_content_region.height)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    # -- user input -------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        self.view = self.view.move(delta)

    def action_page(self, pages: int) -> None:
        self.view = self.view.page_move(pages)

    def action_follow(self) -> None:
        self.view = self.view.follow()

    def action_home(self) -> None:
        self.view = self.view.seek(StartTarget())

    def action_turn(self, step: int) -> None:
        self.view = self.view.turn_step(step)

    def action_toggle_detail(self) -> None:
        self.post_message(self.DetailToggled())

    def seek(self, target: SeekTarget) -> None:
        self.view = self.view.seek(target)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if round(new) != self.view.top:  # the scrollbar was dragged or clicked
            self.view = self.view.scroll_to(round(new))

    def _on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.view = self.view.move(WHEEL_ROWS)

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.view = self.view.move(-WHEEL_ROWS)

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < len(self.view.rows):
            self.view = self.view.select(index)

    # -- rendering --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        view = self.view
        index = self.scroll_offset.y + y
        styles = self._row_styles()
        width = self.scrollable_content_region.width
        if not 0 <= index < len(view.rows):
            if index == 0 and not view.rows and view.run_id:
                text = "  no events yet" if view.loaded else "  loading…"
                return Strip([Segment(text, styles.dim)]).crop_extend(0, width, styles.base)
            return Strip.blank(width, styles.base)
        return render_row(
            view.rows[index],
            width=width,
            tz=self.clock.tz,
            styles=styles,
            cursor=index == view.cursor,
            summary=self._summary,
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
            )
        return self._styles
