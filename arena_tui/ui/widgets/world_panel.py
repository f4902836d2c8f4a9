"""The world panel under the sidebar: the newest ``turn_start`` snapshot of the open run."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from arena_tui.broker.models import Envelope
from arena_tui.model.world import world_lines


class WorldPanel(Widget):
    DEFAULT_CSS = """
    WorldPanel { height: auto; }
    """

    world: reactive[Envelope | None] = reactive(None)

    def watch_world(self, old: Envelope | None, new: Envelope | None) -> None:
        """A new snapshot is repainted; only a new number of lines (the panel's height) needs
        a layout, which repaints the whole screen (a live run brings a snapshot every turn)."""
        if len(self._lines(old)) != len(self._lines(new)):
            self.refresh(layout=True)

    def render(self) -> Text:
        return Text("\n".join(self._lines(self.world)), no_wrap=True, overflow="ellipsis")

    def _lines(self, world: Envelope | None) -> list[str]:
        return world_lines(world, max(10, self.content_region.width))
