"""The log pane's rows as display lines: the ``Layout``, summaries and wrapped heights, cached,
and the line drawn on each display line.

A frame draws only the lines on screen, but every frame asks for the same summaries again and a
wrapped row's height depends on the pane's width, so both are cached by event; the layout (which
rows the filter shows, on which lines) is rebuilt only when its inputs change: the view's rows,
the filter, wrapping, the time column or the width.
"""

from __future__ import annotations

from datetime import tzinfo

from rich.segment import Segment
from textual.cache import LRUCache
from textual.strip import Strip

from arena_tui.broker.models import Envelope
from arena_tui.model.log import LogView
from arena_tui.model.log.layout import Layout, build_layout
from arena_tui.model.rows import EventRow, Row, UnnumberedRow
from arena_tui.model.summary import summarize
from arena_tui.ui.widgets.log.lines import RowOptions, RowStyles, render_row, row_height


class Projection:
    def __init__(self) -> None:
        self.options = RowOptions()
        """How rows are drawn: the time column, wrapping, the search's highlighter."""
        self.styles: RowStyles | None = None
        """The pane's component styles (None: resolve them again, the CSS changed)."""
        self.layout: Layout = build_layout(())
        self._key: tuple[object, ...] = ()
        self._width = 0
        self._summaries: LRUCache[tuple[str, int, str], str] = LRUCache(4096)
        self._heights: LRUCache[tuple[str, int, int, int], int] = LRUCache(8192)

    def summary(self, envelope: Envelope) -> str:
        # a log row's seq is its row in the log: the same number as another event's seq
        key = (envelope.event.run_id, envelope.seq, envelope.source)
        text = self._summaries.get(key)
        if text is None:
            text = summarize(envelope)
            self._summaries[key] = text
        return text

    def forget_summaries(self) -> None:
        """Another run is shown: its seqs mean other events."""
        self._summaries.clear()

    def invalidate(self) -> None:
        """Rebuild the layout at the next ``lay_out`` (the options changed)."""
        self._key = ()

    def lay_out(self, view: LogView, width: int) -> Layout:
        flt = view.count_filter
        options = self.options
        key = (view.rows, flt, options.wrap, options.show_time, width)
        if key != self._key:
            self._key, self._width = key, width

            def shown(row: Row) -> bool:
                if isinstance(row, EventRow | UnnumberedRow):
                    return flt.matches(row.envelope)
                return True

            keep = shown if flt.active else None
            height = self._row_height if options.wrap else None
            self.layout = build_layout(view.rows, keep, height)
        return self.layout

    def _row_height(self, row: Row) -> int:
        if not isinstance(row, EventRow | UnnumberedRow):
            return 1
        at = row.seq if isinstance(row, EventRow) else -row.index  # a log row has no seq
        key = (row.envelope.event.run_id, at, self._width, self.options.fixed)
        height = self._heights.get(key)
        if height is None:
            height = row_height(row, self._width, self.summary, self.options)
            self._heights[key] = height
        return height

    def line(self, view: LogView, at: int, width: int, tz: tzinfo) -> Strip:
        """Display line ``at`` of the layout ``lay_out`` last built for ``view``."""
        layout, styles = self.layout, self.styles
        assert styles is not None, "the pane resolves its styles before drawing"
        found = layout.at_line(at)
        if found is None or found[0] >= len(layout.shown):
            flt = view.count_filter
            if at == 0 and not view.rows and view.run_id:
                text = "  no events yet" if view.loaded else "  loading…"
            elif at == 0 and view.rows and flt.active and not layout.shown:
                text = f"  no {flt.text()} events in the {len(view.rows):,} rows here"
            else:
                return Strip.blank(width, styles.base)
            return Strip([Segment(text, styles.dim)]).crop_extend(0, width, styles.base)
        pos, line = found
        index = layout.shown[pos]
        cursor = layout.shown_at(view.cursor)
        return render_row(
            view.rows[index],
            width=width,
            tz=tz,
            styles=styles,
            cursor=cursor is not None and index == layout.shown[cursor],
            summary=self.summary,
            options=self.options,
            line=line,
        )
