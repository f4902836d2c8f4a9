"""The world panel under the sidebar: the world of the open run, now or as of the cursor.

While the log follows it shows the newest ``turn_start`` snapshot; paused or replaying, the
snapshot of the cursor's turn (``model.log.world``: the title says "at cursor"), so replaying
turn 1 shows turn 1's world, not the newest. When that ``turn_start`` lies above the rows the log
holds, the panel reads it itself (``reading.seek.turn_start_near``, in its exclusive ``world``
worker) and keeps the answer for the rows it serves; it drops an answer that returns after the
cursor moved on to another turn or run.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from arena_tui.broker.errors import BrokerError
from arena_tui.broker.models import Envelope, Seq
from arena_tui.broker.protocol import EventBroker
from arena_tui.model.log import LogView
from arena_tui.model.log.world import world_at
from arena_tui.model.world import world_lines
from arena_tui.reading.seek import turn_start_near

_Lookup = tuple[str, str | None, Seq]
"""A read of the nearest ``turn_start``: run, agent (None: any) and the seq it is below."""


class WorldPanel(Widget):
    DEFAULT_CSS = """
    WorldPanel { height: auto; }
    """

    def __init__(self, broker: EventBroker, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.broker = broker
        self.border_title = "world"
        self.world: Envelope | None = None
        """The ``turn_start`` shown (None: none known)."""
        self.live = True
        """It is the newest state (the log follows); False: the state at the cursor."""
        self._shown: tuple[object, ...] = ()
        """The rows (by identity), cursor and newest snapshot last shown: unchanged, no work."""
        self._wanted: _Lookup | None = None
        self._found: dict[_Lookup, Envelope | None] = {}

    def show(self, view: LogView) -> None:
        """The world for the log's ``view`` (each of its changes)."""
        shown = (id(view.rows), view.cursor, view.following, view.world, view.run_id)
        if shown == self._shown:
            return
        self._shown = shown
        at = world_at(view)
        self.border_title = "world" if at.live else "world · at cursor"
        self._wanted = None
        if at.before is None:
            self._set(at.envelope, at.live)
            return
        lookup: _Lookup = (view.run_id, at.agent, at.before)
        self._wanted = lookup
        if lookup in self._found:
            self._set(self._found[lookup], live=False)
        else:
            self.run_worker(self._look_up(lookup), name="world", group="world", exclusive=True)

    async def _look_up(self, lookup: _Lookup) -> None:
        run_id, agent, before = lookup
        try:
            seq = await turn_start_near(self.broker, run_id, before, -1, agent)
            found = None
            if seq is not None:
                result = await self.broker.read_range(run_id, seq, count=1)
                found = result.envelopes[0] if result.envelopes else None
        except BrokerError:
            return  # the log and the status bar say what is wrong with the broker
        if len(self._found) > 64:
            self._found.clear()
        self._found[lookup] = found
        if lookup == self._wanted:
            self._set(found, live=False)

    def _set(self, world: Envelope | None, live: bool) -> None:
        """Show ``world``; only a new number of lines (the panel's height) needs a layout,
        which repaints the whole screen (a live run brings a snapshot every turn)."""
        if world is self.world and live == self.live:
            return
        lines = len(self._lines(self.world, self.live))
        self.world, self.live = world, live
        self.refresh(layout=len(self._lines(world, live)) != lines)

    def render(self) -> Text:
        text = "\n".join(self._lines(self.world, self.live))
        return Text(text, no_wrap=True, overflow="ellipsis")

    def _lines(self, world: Envelope | None, live: bool) -> list[str]:
        if world is None and not live:
            return ["no turn_start retained at or before the cursor"]
        return world_lines(world, max(10, self.content_region.width))
