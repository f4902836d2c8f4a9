"""The log pane's state: a bounded window of rows around the cursor, and every rule about it.

Why it looks like this. A run can be millions of events long, the broker keeps only the newest
~10k, and a live tail can deliver thousands a second. So the view holds at most ``max_rows``
rows (events plus gap and mark rows) of one contiguous seq range, and asks for more by range
reads when the cursor leaves it. The view never does I/O itself: a transition that needs data
sets ``want`` to a ``Fetch`` (what to read and why); the UI performs the read and hands the
result back to ``on_fetched``, which ignores results for anything but the latest request. That
keeps every rule (follow, pause and its ``+N new`` count, scrub, seek, overflow, holes) a pure
function from state to state, tested without a terminal.

Invariants a reader can rely on:

* ``rows`` are in seq order and contiguous: any seq between two rows that is not shown is
  covered by a ``GapRow`` that says why.
* ``at_head`` means the last row is the newest event the tail delivered, so live events are
  appended; otherwise they are only counted (``new_count``) and reached by a read.
* ``lost`` is the union of every seq range this view showed or jumped over as trimmed, so the
  status bar's "lost to trim" agrees with the gap rows and the notices.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from arena_tui.broker.models import Envelope, ReadResult, Seq
from arena_tui.broker.protocol import Direction
from arena_tui.model.match import EventFilter
from arena_tui.model.rows import (
    EventRow,
    GapKind,
    GapRow,
    MarkRow,
    Row,
    Spans,
    add_span,
    rows_from,
    span_total,
)
from arena_tui.model.seek import (
    EndTarget,
    RelativeTarget,
    SeekTarget,
    SeqTarget,
    StartTarget,
    TurnTarget,
)
from arena_tui.model.words import jump_text, reset_text

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


@dataclass(frozen=True, slots=True)
class Fetch:
    """A range read the view wants. ``turn``: resolve that turn to a seq first (``target``)."""

    id: int
    purpose: Purpose
    from_seq: Seq
    direction: Direction
    count: int
    target: Seq | None = None
    turn: int | None = None
    move: int = 0
    """Rows still to move once the data is in (PgUp past the top of the window)."""


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user must be told once (a toast). ``id`` grows with every new notice."""

    id: int
    text: str
    severity: str = "information"


@dataclass(frozen=True, slots=True)
class LogView:
    run_id: str = ""
    rows: tuple[Row, ...] = ()
    cursor: int = 0
    top: int = 0
    height: int = 20
    following: bool = True
    new_count: int = 0
    at_head: bool = False
    at_start: bool = False
    loaded: bool = False
    finished: bool = False
    available_from: Seq = 0
    last_seq: Seq = 0
    tail_seq: Seq = 0
    """Highest seq the live tail delivered (appended or only counted)."""
    count_filter: EventFilter = field(default_factory=EventFilter)
    """The user's filter: ``new_count`` counts only the new events it shows."""
    lost: Spans = ()
    want: Fetch | None = None
    fetch_counter: int = 0
    notice: Notice | None = None
    world: Envelope | None = None
    """The newest ``turn_start`` seen, for the world panel."""
    max_rows: int = MAX_ROWS
    page: int = PAGE

    # -- derived ----------------------------------------------------------------------------

    @property
    def lost_count(self) -> int:
        return span_total(self.lost)

    @property
    def current(self) -> Row | None:
        return self.rows[self.cursor] if self.rows else None

    @property
    def cursor_seq(self) -> Seq | None:
        row = self.current
        return row.seq if row is not None else None

    @property
    def first_covered(self) -> Seq | None:
        """The lowest seq the window covers (a gap row's first seq included)."""
        return self.rows[0].seq if self.rows else None

    @property
    def last_covered(self) -> Seq | None:
        """The highest seq the window covers."""
        return self.rows[-1].last if self.rows else None

    @property
    def visible(self) -> tuple[Row, ...]:
        return self.rows[self.top : self.top + self.height]

    @property
    def screenful(self) -> int:
        """Events a jump reads first: two screens' worth (at most a page)."""
        return min(self.page, max(2 * self.height, 50))

    @property
    def tail_from(self) -> Seq:
        """Where a live tail should start after the first read: right after what is held."""
        if self.at_head and self.last_covered is not None:
            return self.last_covered + 1
        return self.last_seq + 1

    def index_of_seq(self, seq: Seq) -> int | None:
        """Index of the first row at or after ``seq`` (a gap row covering it counts)."""
        for index, row in enumerate(self.rows):
            if row.last >= seq:
                return index
        return None

    def previous_event(self, index: int) -> Envelope | None:
        for row in reversed(self.rows[:index]):
            if isinstance(row, EventRow):
                return row.envelope
        return None

    # -- lifecycle --------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        run_id: str,
        *,
        seq: Seq | None = None,
        height: int = 20,
        max_rows: int = MAX_ROWS,
        page: int = PAGE,
    ) -> LogView:
        """A view of ``run_id`` that wants its first page: the newest, or the page at ``seq``."""
        view = cls(
            run_id=run_id, height=height, following=seq is None, max_rows=max_rows, page=page
        )
        if seq is None:
            return view._want(Purpose.OPEN, 0, "backward")
        return view._want(Purpose.OPEN, max(seq, 1), "forward", target=max(seq, 1))

    def resize(self, height: int) -> LogView:
        return replace(self, height=max(1, height))._settle()

    # -- live tail --------------------------------------------------------------------------

    def on_events(self, batch: Sequence[Envelope]) -> LogView:
        """Live events from the tail, in seq order. Appended when at the head, else counted."""
        if not batch:
            return self
        newest = batch[-1].seq
        view = replace(
            self,
            tail_seq=max(self.tail_seq, newest),
            last_seq=max(self.last_seq, newest),
            world=_newer_world(self.world, batch),
        )
        last = self.last_covered
        fresh = [e for e in batch if last is None or e.seq > last]
        if not fresh:
            return view
        if not self.at_head:
            if self.following:  # a head read is on its way; it will bring these
                return view
            return replace(view, new_count=view.new_count + self._shown_count(fresh))
        if self.following and len(fresh) >= self.max_rows:
            # A burst bigger than the window replaces it: build only the rows that will be kept.
            rows = tuple(rows_from(fresh[-self.max_rows :]))
            return replace(view, rows=rows, cursor=len(rows) - 1, at_start=False)._settle()
        added = rows_from(fresh, after=last)
        if not self.following:
            view = replace(view, new_count=view.new_count + self._shown_count(fresh))
            excess = len(self.rows) + len(added) - self.max_rows
            if excess > 0 and self.cursor - excess < self.height:
                # Appending would push the cursor's page out: stop appending, count instead.
                return replace(view, at_head=False)
        return view._append(added)

    def _shown_count(self, fresh: Sequence[Envelope]) -> int:
        flt = self.count_filter
        return sum(1 for e in fresh if flt.matches(e)) if flt.active else len(fresh)

    def on_trimmed(self, requested: Seq, available_from: Seq) -> LogView:
        """The tail fell behind a trimming stream: ``[requested, available_from)`` is gone."""
        view = replace(
            self,
            available_from=max(self.available_from, available_from),
            tail_seq=max(self.tail_seq, available_from - 1),
            last_seq=max(self.last_seq, available_from - 1),
            lost=add_span(self.lost, requested, available_from - 1),
        )
        view = view._notify(jump_text(requested, available_from), "warning")
        if not self.at_head:
            return view
        return view._append([GapRow(GapKind.TRIMMED, requested, available_from - 1)])

    def on_reconnected(self, seconds: float) -> LogView:
        text = f"⟳ reconnected after {seconds:.0f} s"
        if not self.at_head or not self.rows:
            return self
        return self._append([MarkRow(self.rows[-1].last, text)])

    def on_reset(self, last_seen_seq: Seq, new_last_seq: Seq) -> LogView:
        """The run started over (Redis restarted without persistence): what the window holds
        is another run's past. Start again from a mark row; the new run's events follow it."""
        text = f"{reset_text(last_seen_seq)}; showing the new run"
        view = replace(
            self,
            rows=(MarkRow(0, f"⟲ {text}"),),
            cursor=0,
            top=0,
            following=True,
            new_count=0,
            at_head=True,
            at_start=True,
            loaded=True,
            finished=False,
            available_from=0,
            last_seq=new_last_seq,
            tail_seq=0,
            lost=(),
            want=None,
            world=None,
        )
        return view._notify(text, "warning")

    def on_finished(self) -> LogView:
        return replace(self, finished=True)

    def on_run_info(self, available_from: Seq, last_seq: Seq) -> LogView:
        """What the run listing says about this run now (first retained and newest seq)."""
        return replace(
            self,
            available_from=available_from or self.available_from,
            last_seq=max(self.last_seq, last_seq),
        )

    # -- moving -----------------------------------------------------------------------------

    def move(self, delta: int) -> LogView:
        """Move the cursor ``delta`` rows. Up pauses; reaching the newest row resumes following.

        Past the window's edge the view asks for the next page (and finishes the move when it
        arrives); past the newest event or the first available one it stops.
        """
        if not self.rows or delta == 0:
            return self
        wanted = self.cursor + delta
        if wanted < 0 and not self.at_start and self.first_covered is not None:
            view = replace(self, cursor=0, following=False)._settle()
            return view._want_more(Purpose.OLDER, self.first_covered - 1, "backward", wanted)
        if wanted >= len(self.rows) and not self.at_head and self.last_covered is not None:
            view = replace(self, cursor=len(self.rows) - 1, following=False)._settle()
            remaining = wanted - (len(self.rows) - 1)
            return view._want_more(Purpose.NEWER, self.last_covered + 1, "forward", remaining)
        cursor = min(max(wanted, 0), len(self.rows) - 1)
        following = self.at_head and cursor == len(self.rows) - 1 and delta > 0
        if following or (self.following and cursor == len(self.rows) - 1):
            return self.follow()
        return replace(self, cursor=cursor, following=False)._settle()

    def page_move(self, pages: int) -> LogView:
        return self.move(pages * max(1, self.height - 1))

    def scroll_to(self, top: int) -> LogView:
        """The user scrolled the pane (scrollbar): keep the cursor on screen; pause if it moved."""
        top = min(max(top, 0), max(0, len(self.rows) - self.height))
        if top == self.top:
            return self
        cursor = min(max(self.cursor, top), top + self.height - 1, max(0, len(self.rows) - 1))
        following = self.following and cursor == len(self.rows) - 1
        return replace(self, top=top, cursor=cursor, following=following)

    def select(self, index: int) -> LogView:
        """Put the cursor on row ``index`` (a click)."""
        if not self.rows:
            return self
        return self.move(min(max(index, 0), len(self.rows) - 1) - self.cursor)

    def follow(self) -> LogView:
        """End / G / s: jump to the newest event and follow it."""
        if not self.loaded:
            return replace(self, following=True)._want(Purpose.OPEN, 0, "backward")
        if self.at_head:
            cursor = max(0, len(self.rows) - 1)
            return replace(self, cursor=cursor, following=True, new_count=0)._settle()
        if self.want is not None and self.want.purpose is Purpose.HEAD:
            return self
        return replace(self, following=True)._want(Purpose.HEAD, 0, "backward")

    # -- seeking ----------------------------------------------------------------------------

    def seek(self, target: SeekTarget) -> LogView:
        """Go where the ``g`` prompt (or Home, ``[``, ``]``) says; reads when outside the window."""
        match target:
            case EndTarget():
                return self.follow()
            case StartTarget():
                return self.seek(SeqTarget(1))
            case RelativeTarget(delta):
                base = self.cursor_seq if self.cursor_seq is not None else self.last_seq
                return self.seek(SeqTarget(max(1, base + delta)))
            case TurnTarget(turn):
                return self._seek_turn(turn)
            case SeqTarget(seq):
                return self._seek_seq(seq)

    def _seek_seq(self, seq: Seq) -> LogView:
        view = self
        if self.loaded and self.last_seq and seq > self.last_seq:
            view = view._notify(f"seq {seq:,} is not written yet; the newest is {self.last_seq:,}")
            seq = self.last_seq
        first, last = self.first_covered, self.last_covered
        if first is None or last is None or not first <= seq <= last:
            # Outside the window: read from there, first only what the screen shows (the rest
            # of the page is read once that is painted). A trimmed seq is reported by the read.
            view = replace(view, following=False)._want(Purpose.JUMP, seq, "forward", target=seq)
            assert view.want is not None
            return replace(view, want=replace(view.want, count=self.screenful))
        index = view.index_of_seq(seq)
        assert index is not None
        row = view.rows[index]
        if isinstance(row, GapRow) and row.kind is GapKind.TRIMMED and index + 1 < len(view.rows):
            view = view._jumped(seq, row.last + 1)
            index += 1
        return replace(view, cursor=index, following=False)._settle(context=True)

    def _seek_turn(self, turn: int) -> LogView:
        events = [(i, r) for i, r in enumerate(self.rows) if isinstance(r, EventRow)]
        for position, (index, row) in enumerate(events):
            if row.turn >= turn:
                starts_here = position > 0 or self.at_start
                if starts_here:
                    view = replace(self, cursor=index, following=False)
                    return view._settle(context=True)
                break
        else:
            if self.at_head and events:  # no such turn yet
                last_turn = events[-1][1].turn
                return self._notify(f"turn {turn} has not started; the newest is {last_turn}")
        return replace(self, following=False)._want(
            Purpose.JUMP, self.available_from or 1, "forward", turn=turn
        )

    def turn_step(self, step: int) -> LogView:
        """``]`` (+1) / ``[`` (-1): the next / previous ``turn_start`` (any agent's).

        Agents of one run are on different turns at the same time, so "the next turn" is the
        next turn boundary in seq order. Outside the window it falls back to a turn seek.
        """
        if not self.rows:
            return self
        indexes = (
            range(self.cursor + 1, len(self.rows)) if step > 0 else (range(self.cursor - 1, -1, -1))
        )
        for index in indexes:
            row = self.rows[index]
            if isinstance(row, EventRow) and row.envelope.event.kind == "turn_start":
                return replace(self, cursor=index, following=False)._settle(context=True)
        if step > 0 and self.at_head:
            return self._notify("no later turn yet")
        if step < 0 and self.at_start:
            return self._notify("this is the first retained turn")
        turn = self._cursor_turn()
        return self._seek_turn(max(1, turn + (1 if step > 0 else -1)))

    def _cursor_turn(self) -> int:
        for row in (*reversed(self.rows[: self.cursor + 1]), *self.rows[self.cursor + 1 :]):
            if isinstance(row, EventRow):
                return row.turn
        return 1

    # -- reads coming back ------------------------------------------------------------------

    def on_fetched(self, fetch: Fetch, result: ReadResult, target: Seq | None = None) -> LogView:
        """Apply the read ``fetch`` asked for; ``target`` is the resolved seq of a turn seek."""
        if self.want is None or fetch.id != self.want.id or result.run_id != self.run_id:
            return self
        fetch = self.want  # the same request, with any move added while it was in flight
        view = replace(
            self,
            want=None,
            loaded=True,
            available_from=result.available_from,
            last_seq=max(self.last_seq, result.last_seq),
            world=_newer_world(self.world, result.envelopes),
        )
        target = target if target is not None else fetch.target
        match fetch.purpose:
            case Purpose.OPEN | Purpose.HEAD | Purpose.JUMP:
                return view._replace_window(fetch, result, target)
            case Purpose.OLDER:
                return view._prepend(fetch, result)
            case Purpose.NEWER:
                return view._append_read(fetch, result)

    def on_fetch_failed(self, fetch: Fetch, message: str) -> LogView:
        if self.want is None or fetch.id != self.want.id:
            return self
        return replace(self, want=None, loaded=True)._notify(message, "error")

    def _replace_window(self, fetch: Fetch, result: ReadResult, target: Seq | None) -> LogView:
        envelopes = result.envelopes
        rows: list[Row] = rows_from(envelopes)
        view = replace(self, rows=(), cursor=0, top=0, at_start=False, at_head=False)
        if target is not None and 0 < target < result.available_from:
            view = view._jumped(target, result.available_from)
        reached_start = (fetch.direction == "backward" and len(envelopes) < fetch.count) or bool(
            envelopes and envelopes[0].seq <= result.available_from
        )
        if not envelopes and result.available_from == 0:
            reached_start = True
        if reached_start:
            rows, view = view._with_start_gap(rows, result.available_from)
        newest = envelopes[-1].seq if envelopes else 0
        reached_end = fetch.direction == "backward" or len(envelopes) < fetch.count
        at_head = reached_end and self.tail_seq <= newest
        view = replace(
            view, rows=tuple(rows), at_start=reached_start, at_head=at_head
        )._trim_window()
        if fetch.purpose is Purpose.JUMP or (fetch.purpose is Purpose.OPEN and target):
            index = view.index_of_seq(target or 1)
            if index is not None and isinstance(view.rows[index], GapRow):
                index = min(index + 1, len(view.rows) - 1)
            cursor = index if index is not None else max(0, len(view.rows) - 1)
            view = replace(view, cursor=cursor, following=False, new_count=0)._settle(context=True)
            if fetch.count < self.page and not at_head and view.last_covered is not None:
                # a jump's first, short read is in: the rest of its page follows
                return view._want(Purpose.NEWER, view.last_covered + 1, "forward")
            return view
        view = replace(view, cursor=max(0, len(view.rows) - 1), following=True, new_count=0)
        if not at_head:  # the tail moved on while we read: read the head again
            return view._want(Purpose.HEAD, 0, "backward")
        return view._settle()

    def _prepend(self, fetch: Fetch, result: ReadResult) -> LogView:
        first = self.first_covered
        if first is None:
            return self
        older = [e for e in result.envelopes if e.seq < first]
        rows = rows_from(older)
        view = self
        if older and older[-1].seq < first - 1:
            rows.append(GapRow(GapKind.HOLE, older[-1].seq + 1, first - 1))
        reached_start = len(result.envelopes) < fetch.count or bool(
            older and older[0].seq <= result.available_from
        )
        if not older and result.available_from > first:
            # Trimmed while we looked: everything above the window is gone.
            view = view._notify(
                f"seq {first - 1:,} and older were trimmed by the broker", "warning"
            )
        if reached_start:
            rows, view = view._with_start_gap(rows, min(result.available_from or first, first))
        shift = len(rows)
        view = replace(
            view,
            rows=(*rows, *view.rows),
            cursor=view.cursor + shift,
            top=view.top + shift,
            at_start=reached_start,
        )
        overflow = len(view.rows) - view.max_rows
        if overflow > 0:
            view = replace(view, rows=view.rows[:-overflow], at_head=False)
        view = replace(view, cursor=min(view.cursor, len(view.rows) - 1))
        return view.move(fetch.move) if fetch.move else view._settle()

    def _append_read(self, fetch: Fetch, result: ReadResult) -> LogView:
        last = self.last_covered
        if last is None:
            return self
        view = self
        added: list[Row] = []
        if result.available_from > last + 1:
            gone_to = result.available_from - 1
            view = view._jumped(last + 1, result.available_from)
            added.append(GapRow(GapKind.TRIMMED, last + 1, gone_to))
            last = gone_to
        added.extend(rows_from(result.envelopes, after=last))
        newest = added[-1].last if added else last
        reached_end = len(result.envelopes) < fetch.count
        view = view._append(added)
        view = replace(view, at_head=reached_end and self.tail_seq <= newest)
        return view.move(fetch.move) if fetch.move else view._settle()

    # -- helpers ----------------------------------------------------------------------------

    def _want(
        self,
        purpose: Purpose,
        from_seq: Seq,
        direction: Direction,
        *,
        target: Seq | None = None,
        turn: int | None = None,
        move: int = 0,
    ) -> LogView:
        fetch_id = self.fetch_counter + 1
        fetch = Fetch(fetch_id, purpose, from_seq, direction, self.page, target, turn, move)
        return replace(self, want=fetch, fetch_counter=fetch_id)

    def _want_more(
        self, purpose: Purpose, from_seq: Seq, direction: Direction, move: int
    ) -> LogView:
        """Ask for the next page, or add ``move`` to the same request while it is in flight."""
        pending = self.want
        if pending is not None and pending.purpose is purpose and pending.from_seq == from_seq:
            return replace(self, want=replace(pending, move=pending.move + move))
        return self._want(purpose, from_seq, direction, move=move)

    def _notify(self, text: str, severity: str = "information") -> LogView:
        next_id = self.notice.id + 1 if self.notice else 1
        return replace(self, notice=Notice(next_id, text, severity))

    def _jumped(self, requested: Seq, available_from: Seq) -> LogView:
        view = replace(self, lost=add_span(self.lost, requested, available_from - 1))
        return view._notify(jump_text(requested, available_from), "warning")

    def _with_start_gap(self, rows: list[Row], available_from: Seq) -> tuple[list[Row], LogView]:
        if available_from <= 1:
            return rows, self
        gap = GapRow(GapKind.TRIMMED, 1, available_from - 1)
        return [gap, *rows], replace(self, lost=add_span(self.lost, 1, available_from - 1))

    def _append(self, added: Sequence[Row]) -> LogView:
        if not added:
            return self
        rows = (*self.rows, *added)
        view = replace(self, rows=rows)
        if self.following:
            view = replace(view, cursor=len(rows) - 1)
        return view._trim_window()._settle()

    def _trim_window(self) -> LogView:
        """Drop rows above the cursor's page until at most ``max_rows`` remain."""
        excess = len(self.rows) - self.max_rows
        if excess <= 0:
            return self
        excess = min(excess, max(0, self.cursor - self.height))
        if excess <= 0:
            return self
        return replace(
            self,
            rows=self.rows[excess:],
            cursor=self.cursor - excess,
            top=max(0, self.top - excess),
            at_start=False,
        )

    def _at_bottom(self, top: int) -> bool:
        return top + self.height >= len(self.rows)

    def _settle(self, *, context: bool = False) -> LogView:
        """Clamp the cursor and scroll so it is on screen (with a few rows above after a jump)."""
        n = len(self.rows)
        cursor = min(max(self.cursor, 0), max(0, n - 1))
        top = self.top
        if self.following:
            top = n - self.height
        elif context:
            top = cursor - min(3, self.height // 4)
        elif cursor < top:
            top = cursor
        elif cursor >= top + self.height:
            top = cursor - self.height + 1
        top = min(max(top, 0), max(0, n - self.height))
        if cursor == self.cursor and top == self.top:
            return self
        return replace(self, cursor=cursor, top=top)


def _newer_world(current: Envelope | None, envelopes: Sequence[Envelope]) -> Envelope | None:
    for envelope in reversed(envelopes):
        if envelope.event.kind == "turn_start":
            if current is None or envelope.seq > current.seq:
                return envelope
            break
    return current
