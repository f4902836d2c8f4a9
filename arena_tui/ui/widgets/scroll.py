"""``set_virtual_size``: a line-API ``ScrollView``'s new virtual size without a screen relayout.

Both of the app's line-API views (the log pane, the runs sidebar) size their scrollable area
from their model: the log's window changes with every page read, seek and live frame, the
sidebar's row count with the runs. Assigning ``virtual_size`` re-lays out the whole screen
(Textual's reactive is ``layout=True``): 15 of a seek's 42 ms (bench figure 4). Only a vertical
scrollbar that appears or goes changes the widget's layout; otherwise this updates the
scrollbar and the scroll bounds in place, as Textual's own resize does (``_size_updated`` with
``layout=False``).
"""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget


def set_virtual_size(view: ScrollView, size: Size) -> None:
    if size == view.virtual_size:
        return
    viewport = view.scrollable_content_region.height
    if (size.height > viewport) != (view.virtual_size.height > viewport):
        view.virtual_size = size  # the scrollbar appears or goes: lay out again
        return
    view.set_reactive(Widget.virtual_size, size)
    view._scroll_update(size)  # Textual's private API (pinned): scrollbars and scroll bounds
