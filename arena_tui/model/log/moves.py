"""What the user does to the log view: move, scroll, follow, seek, step through turns.

Moving up pauses following; reaching the newest row resumes it. Past the window's edge a move
asks for the next page and finishes once it arrives (``Fetch.move``); a seek outside the window
reads there, first only what the screen shows (``screenful``), the rest of the page after.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from arena_tui.broker.models import Seq
from arena_tui.model.log import disk
from arena_tui.model.log.edits import beyond_end, jump, jumped, notify, settle, want, want_more
from arena_tui.model.log.requests import Purpose
from arena_tui.model.rows import EventRow, GapKind, GapRow
from arena_tui.model.seek import (
    EndTarget,
    RelativeTarget,
    SeekTarget,
    SeqTarget,
    StartTarget,
    TurnTarget,
)

if TYPE_CHECKING:
    from arena_tui.model.log.view import LogView


def move(view: LogView, delta: int) -> LogView:
    """Move the cursor ``delta`` rows. Up pauses; reaching the newest row resumes following.

    Past the window's edge the view asks for the next page (and finishes the move when it
    arrives); past the newest event or the first available one it stops.
    """
    if not view.rows or delta == 0:
        return view
    wanted = view.cursor + delta
    first, last = view.first_covered, view.last_covered
    if wanted < 0 and not view.at_start and first is not None:
        paused = settle(replace(view, cursor=0, following=False))
        above = disk.past_top(paused, wanted)  # the log's unnumbered rows, or seqs
        return above or want_more(paused, Purpose.OLDER, first - 1, "backward", wanted)
    if wanted >= len(view.rows) and not view.at_head and last is not None:
        paused = settle(replace(view, cursor=len(view.rows) - 1, following=False))
        remaining = wanted - (len(view.rows) - 1)
        below = disk.past_bottom(paused, remaining)
        return below or want_more(paused, Purpose.NEWER, last + 1, "forward", remaining)
    cursor = min(max(wanted, 0), len(view.rows) - 1)
    following = view.at_head and cursor == len(view.rows) - 1 and delta > 0
    if following or (view.following and cursor == len(view.rows) - 1):
        return follow(view)
    return settle(replace(view, cursor=cursor, following=False))


def scroll_to(view: LogView, top: int) -> LogView:
    """The user scrolled the pane (scrollbar): keep the cursor on screen; pause if it moved."""
    top = min(max(top, 0), max(0, len(view.rows) - view.height))
    if top == view.top:
        return view
    cursor = min(max(view.cursor, top), top + view.height - 1, max(0, len(view.rows) - 1))
    following = view.following and cursor == len(view.rows) - 1
    return replace(view, top=top, cursor=cursor, following=following)


def select(view: LogView, index: int) -> LogView:
    """Put the cursor on row ``index`` (a click)."""
    if not view.rows:
        return view
    return move(view, min(max(index, 0), len(view.rows) - 1) - view.cursor)


def follow(view: LogView) -> LogView:
    """End / G / s: jump to the newest event and follow it."""
    if not view.loaded:
        return want(replace(view, following=True), Purpose.OPEN, 0, "backward")
    if view.at_head and view.rows:
        cursor = max(0, len(view.rows) - 1)
        return settle(replace(view, cursor=cursor, following=True, new_count=0))
    if view.want is not None and view.want.purpose is Purpose.HEAD:
        return view
    return want(replace(view, following=True), Purpose.HEAD, 0, "backward")


def seek(view: LogView, target: SeekTarget) -> LogView:
    """Go where the ``g`` prompt (or Home, ``[``, ``]``) says; reads when outside the window."""
    match target:
        case EndTarget():
            return follow(view)
        case StartTarget():
            return _seek_seq(view, 1)
        case RelativeTarget(delta):
            base = view.cursor_seq if view.cursor_seq is not None else view.last_seq
            return _seek_seq(view, max(1, base + delta))
        case TurnTarget(turn):
            return _seek_turn(view, turn)
        case SeqTarget(seq):
            return _seek_seq(view, seq)


def _seek_seq(view: LogView, seq: Seq) -> LogView:
    start = view
    if view.loaded and view.last_seq and seq > view.last_seq:
        start = beyond_end(view, seq, view.last_seq, finished=view.finished)
        seq = view.last_seq
    first, last = view.first_covered, view.last_covered
    if first is None or last is None or not first <= seq <= last:
        return jump(start, seq)
    index = start.index_of_seq(seq)
    assert index is not None
    row = start.rows[index]
    if isinstance(row, GapRow) and row.kind is GapKind.TRIMMED and index + 1 < len(start.rows):
        start = jumped(start, seq, row.last + 1)
        index += 1
    return settle(replace(start, cursor=index, following=False), context=True)


def _seek_turn(view: LogView, turn: int) -> LogView:
    """``g t41``: the first event of turn 41 or later, whichever agent got there first.

    Agents are on different turns at once, so turns go up and down along the seqs: only a
    window that holds the run from its first retained event can answer by itself; otherwise
    the read resolves the turn (``reading.seek.find_turn``, one search per agent)."""
    if view.at_start:
        events = [(i, r) for i, r in enumerate(view.rows) if isinstance(r, EventRow)]
        for index, row in events:
            if row.turn >= turn:
                return settle(replace(view, cursor=index, following=False), context=True)
        if view.at_head and events:  # the window is the whole run: no such turn yet
            newest = max(row.turn for _, row in events)
            return notify(view, f"turn {turn} has not started; the newest is {newest}")
    from_seq = view.available_from or 1
    paused = replace(view, following=False)
    return want(paused, Purpose.JUMP, from_seq, "forward", turn=turn, back=view.height)


def turn_step(view: LogView, step: int) -> LogView:
    """``]`` (+1) / ``[`` (-1): the next / previous ``turn_start`` of the cursor's agent.

    Agents are on different turns at once (one on 238 while another is on 243), so turns
    are stepped through per agent: from an agent's event, ``]`` goes to that agent's next turn
    and ``[`` to the start of its turn (or the one before). On an event of no agent (a world
    mutation, a fork) or a gap row, any agent's ``turn_start`` counts. ``[`` always goes back and
    ``]`` forward: past the window the read looks further (``reading.seek.turn_start_near``).
    """
    if not view.rows:
        return view
    agent = cursor_agent(view)
    indexes = range(view.cursor + 1, len(view.rows)) if step > 0 else range(view.cursor - 1, -1, -1)
    for index in indexes:
        row = view.rows[index]
        if isinstance(row, EventRow) and _turn_start_of(row, agent):
            return settle(replace(view, cursor=index, following=False), context=True)
    whose = f" of agent {agent[:4]}" if agent else ""
    if step > 0 and view.at_head:
        return notify(view, f"no later turn{whose} yet")
    if step < 0 and view.at_start:
        return notify(view, f"this is the first retained turn{whose}")
    edge = view.last_covered if step > 0 else view.first_covered
    assert edge is not None
    paused = replace(view, following=False)
    return want(paused, Purpose.JUMP, edge, "forward", step=step, agent=agent, back=view.height)


def cursor_agent(view: LogView) -> str | None:
    """The agent of the event under the cursor (None: a gap row, or an event of no agent)."""
    row = view.current
    if isinstance(row, EventRow) and row.envelope.event.agent_id:
        return row.envelope.event.agent_id
    return None


def _turn_start_of(row: EventRow, agent: str | None) -> bool:
    event = row.envelope.event
    return event.kind == "turn_start" and (agent is None or event.agent_id == agent)
