"""``LogView``: the fields of the log's state, what is derived from them, and its transitions.

Every transition is a method here, so a caller reads ``view.on_events(batch)`` or
``view.seek(target)``; the method body is one line that hands the view to the module holding
that family of rules (``live``, ``moves``, ``reads``). Those modules return a new view and never
mutate one; ``edits`` holds the steps they share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from arena_tui.broker.models import Envelope, ReadResult, Seq
from arena_tui.model.log import disk, edits, live, moves, reads
from arena_tui.model.log.requests import MAX_ROWS, PAGE, Fetch, Purpose, Toast
from arena_tui.model.match import EventFilter
from arena_tui.model.rows import DiskPrefix, EventRow, Row, Spans, span_total
from arena_tui.model.seek import SeekTarget


@dataclass(frozen=True, slots=True)
class LogView:
    run_id: str = ""
    """The run shown ("" before one is opened)."""
    rows: tuple[Row, ...] = ()
    """The window: at most ``max_rows`` rows of one contiguous seq range, in seq order."""
    cursor: int = 0
    """Index into ``rows`` of the selected row."""
    top: int = 0
    """Index into ``rows`` of the first row on screen (the pane's scroll position, in rows)."""
    height: int = 20
    """Rows on screen."""
    following: bool = True
    """The cursor stays on the newest event as the tail brings more (End/G/s; up pauses)."""
    new_count: int = 0
    """Events the tail brought since following paused, that the filter shows (``+N new``)."""
    at_head: bool = False
    """The last row is the newest event the tail delivered: live events are appended."""
    at_start: bool = False
    """The first row is the run's first retained seq (or a gap row down to seq 1)."""
    loaded: bool = False
    """The first read came back (until then the pane says "loading…")."""
    finished: bool = False
    """The tail saw the run finish."""
    available_from: Seq = 0
    """The first seq the broker still holds, as last heard (0: unknown or empty)."""
    last_seq: Seq = 0
    """The newest seq known to be written (from reads, the tail or the run listing)."""
    tail_seq: Seq = 0
    """Highest seq the live tail delivered (appended or only counted)."""
    count_filter: EventFilter = field(default_factory=EventFilter)
    """The user's filter: ``new_count`` counts only the new events it shows."""
    lost: Spans = ()
    """Every seq range shown or jumped over as trimmed: the status bar's "lost to trim"."""
    want: Fetch | None = None
    """The read this view waits for (None: none); the app performs it."""
    fetch_counter: int = 0
    """The id of the last ``Fetch`` asked for."""
    toast: Toast | None = None
    """The latest thing to tell the user; the pane shows each ``id`` once."""
    world: Envelope | None = None
    """The newest ``turn_start`` seen, for the world panel."""
    disk: DiskPrefix | None = None
    """The run's log rows before its first retained seq, shown unnumbered above the start gap
    (they do not line up with Redis's seqs; ``disk``). None: none known."""
    max_rows: int = MAX_ROWS
    """The window's bound."""
    page: int = PAGE
    """Events per range read."""

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
        count_filter: EventFilter | None = None,
    ) -> LogView:
        """A view of ``run_id`` that wants its first page: the newest, or the page at ``seq``."""
        view = cls(
            run_id=run_id,
            height=height,
            following=seq is None,
            max_rows=max_rows,
            page=page,
            count_filter=count_filter or EventFilter(),
        )
        if seq is None:
            return edits.want(view, Purpose.OPEN, 0, "backward")
        return edits.want(view, Purpose.OPEN, max(seq, 1), "forward", target=max(seq, 1))

    def resize(self, height: int) -> LogView:
        return edits.settle(replace(self, height=max(1, height)))

    def with_filter(self, count_filter: EventFilter) -> LogView:
        """The user's filter changed: ``+N new`` counts what it shows from now on."""
        return replace(self, count_filter=count_filter)

    # -- live tail (``live``) ---------------------------------------------------------------

    def on_events(self, batch: Sequence[Envelope]) -> LogView:
        return live.on_events(self, batch)

    def on_trimmed(self, requested: Seq, available_from: Seq) -> LogView:
        return live.on_trimmed(self, requested, available_from)

    def on_reconnected(self, seconds: float) -> LogView:
        return live.on_reconnected(self, seconds)

    def on_reset(self, last_seen_seq: Seq, new_last_seq: Seq) -> LogView:
        return live.on_reset(self, last_seen_seq, new_last_seq)

    def on_finished(self) -> LogView:
        return live.on_finished(self)

    def on_run_info(self, available_from: Seq, last_seq: Seq) -> LogView:
        return live.on_run_info(self, available_from, last_seq)

    # -- moving and seeking (``moves``) -----------------------------------------------------

    def move(self, delta: int) -> LogView:
        return moves.move(self, delta)

    def page_move(self, pages: int) -> LogView:
        return moves.move(self, pages * max(1, self.height - 1))

    def scroll_to(self, top: int) -> LogView:
        return moves.scroll_to(self, top)

    def select(self, index: int) -> LogView:
        return moves.select(self, index)

    def follow(self) -> LogView:
        return moves.follow(self)

    def seek(self, target: SeekTarget) -> LogView:
        return moves.seek(self, target)

    def turn_step(self, step: int) -> LogView:
        return moves.turn_step(self, step)

    # -- reads coming back (``reads``) ------------------------------------------------------

    def on_fetched(self, fetch: Fetch, result: ReadResult, target: Seq | None = None) -> LogView:
        return reads.on_fetched(self, fetch, result, target)

    def on_fetch_failed(self, fetch: Fetch, message: str) -> LogView:
        return reads.on_fetch_failed(self, fetch, message)

    def on_prefix_readable(self) -> LogView:
        return reads.prefix_readable(self)

    def on_disk_prefix(self, prefix: DiskPrefix) -> LogView:
        return disk.on_disk_prefix(self, prefix)
