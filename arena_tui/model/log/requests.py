"""What the log view asks of the app: a ``Fetch`` (one range read, and why) and a ``Toast``.

The view sets ``LogView.want`` to a ``Fetch``; the app performs it (``reading.fetch``) and hands
the result back with the same ``Fetch``, so the view can tell its latest request from a stale
one by ``id`` alone. ``LogView.toast`` works the same way for what the user must be told: the
pane shows each ``id`` once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from arena_tui.broker.models import Seq
from arena_tui.broker.protocol import Direction

MAX_ROWS = 3_000
"""Rows held in memory at most, whatever the run's length."""
PAGE = 500
"""Events per range read."""


class Purpose(enum.StrEnum):
    OPEN = "open"
    """First read of a run: the newest page (follow) or the page at a seq (``--seq``)."""
    HEAD = "head"
    """Resume following from a window that is not at the newest events."""
    JUMP = "jump"
    """A seek to a seq or a turn outside the window."""
    OLDER = "older"
    """The cursor moved above the window."""
    NEWER = "newer"
    """The cursor moved below a window that is not at the newest events."""
    DISK = "disk"
    """The cursor moved past unnumbered log rows (``DiskPrefix``): ``from_seq`` is a log row
    (1-based), not a seq, and ``prefix_of`` the first retained seq they sit above."""


@dataclass(frozen=True, slots=True)
class Fetch:
    """A range read the view wants. ``turn``: resolve that turn to a seq first (``target``)."""

    id: int
    """Grows with every request of one view: a result for an older id is dropped."""
    purpose: Purpose
    from_seq: Seq
    direction: Direction
    count: int
    target: Seq | None = None
    """The seq the cursor should land on once the data is in (a seek)."""
    turn: int | None = None
    """``g t41``: resolve the first event of that turn (``reading.seek.find_turn``) first."""
    move: int = 0
    """Rows still to move once the data is in (PgUp past the top of the window)."""
    step: int = 0
    """``[`` (-1) / ``]`` (+1) past the window: resolve the nearest ``turn_start`` before / after
    ``from_seq`` (of ``agent``, or of any agent when None) first."""
    agent: str | None = None
    back: int = 0
    """Once a turn or a step is resolved to a seq, read from this many seqs before it, so the
    target lands with context above it."""
    prefix_of: Seq = 0
    """``Purpose.DISK``: the first retained seq whose log rows are read."""


@dataclass(frozen=True, slots=True)
class Toast:
    """Something the user must be told once. ``id`` grows with every new toast of a view."""

    id: int
    text: str
    severity: str = "information"
