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

    world: reactive[Envelope | None] = reactive(None, layout=True)

    def render(self) -> Text:
        width = max(10, self.content_region.width)
        return Text("\n".join(world_lines(self.world, width)), no_wrap=True, overflow="ellipsis")
