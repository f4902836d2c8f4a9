"""Which world state the world panel shows for a place in the log (issue 10).

While the log follows, the panel shows the run as it is now: the newest ``turn_start`` the
view saw (``LogView.world``). Paused or replaying, the user is reading the past, so the panel
shows the world *as of the cursor*: the ``turn_start`` of the cursor's turn, that is the
cursor's agent's last ``turn_start`` at or before it (any agent's on a gap row or an event of no
agent; agents are on different turns at once). The rows the view holds usually contain it;
when the cursor sits near the top of the window (after a jump) it lies above them, and
``WorldAt.before`` says where a read should look (``reading.seek.turn_start_near``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from arena_tui.broker.models import Envelope, Seq
from arena_tui.model.log.moves import cursor_agent
from arena_tui.model.rows import EventRow

if TYPE_CHECKING:
    from arena_tui.model.log.view import LogView


@dataclass(frozen=True, slots=True)
class WorldAt:
    """The world panel's snapshot for one view."""

    envelope: Envelope | None
    """The ``turn_start`` to show (None: none known, or not read yet when ``before`` is set)."""
    live: bool
    """The newest state (the log follows), not the state at the cursor."""
    agent: str | None = None
    """Whose ``turn_start`` (None: any agent's)."""
    before: Seq | None = None
    """The rows hold none: it is the nearest ``turn_start`` of ``agent`` before this seq."""


def world_at(view: LogView) -> WorldAt:
    """What the world panel shows for ``view``; see the module docstring."""
    if view.following or not view.rows:
        return WorldAt(view.world, live=True)
    agent = cursor_agent(view)
    for row in reversed(view.rows[: view.cursor + 1]):
        if isinstance(row, EventRow):
            event = row.envelope.event
            if event.kind == "turn_start" and (agent is None or event.agent_id == agent):
                return WorldAt(row.envelope, live=False, agent=agent)
    if view.at_start:
        return WorldAt(None, live=False, agent=agent)  # nothing retained before the window
    return WorldAt(None, live=False, agent=agent, before=view.first_covered)
