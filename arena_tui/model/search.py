"""The search's state: the pattern, the hits found so far across the retained run, where we are.

A search must find hits beyond the rows in memory, so the screen scans the whole retained run by
range reads in a background worker (``reading.scans.scan_hits``), starting at the cursor and going
forward, then wrapping to the first retained seq: the hits the user will want first are found
first. Each chunk's hits are merged in (``found``); live events are checked as they arrive
(``on_live``). ``n`` / ``N`` go to the nearest known hit after / before the cursor, wrapping
around the run's ends with a notice; while the scan has not reached that far yet, the step is
remembered (``pending``) and taken as soon as a hit turns up. The search never hides a row.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass, replace

from arena_tui.broker.models import Envelope, Seq
from arena_tui.model.match import SearchPattern
from arena_tui.model.rows import Spans, add_span


@dataclass(frozen=True, slots=True)
class Step:
    """Where ``n`` / ``N`` goes: ``seq``, and whether it wrapped around an end of the run."""

    seq: Seq
    wrapped: bool = False


@dataclass(frozen=True, slots=True)
class Search:
    pattern: SearchPattern
    hits: tuple[Seq, ...] = ()
    scanned: int = 0
    """Events the scan has looked at so far."""
    total: int = 0
    """Events the scan will look at (the retained run when it started)."""
    done: bool = False
    pending: int = 0
    """A step (+1 / -1) asked for before any hit was known that way."""
    covered: Spans = ()
    """Seq ranges the scan (or the live check) has looked at: a hit between the cursor and a
    known hit that is not covered yet may still turn up, so a step waits for it."""

    @property
    def text(self) -> str:
        return self.pattern.text

    def found(self, first: Seq, last: Seq, seqs: Iterable[Seq], scanned: int) -> Search:
        """Merge the hits of one scanned chunk that covered seqs ``first..last``."""
        hits = list(self.hits)
        for seq in seqs:
            i = bisect_left(hits, seq)
            if i == len(hits) or hits[i] != seq:
                insort(hits, seq)
        return replace(
            self,
            hits=tuple(hits),
            scanned=self.scanned + scanned,
            covered=add_span(self.covered, first, last),
        )

    def finished(self) -> Search:
        return replace(self, done=True, scanned=max(self.scanned, self.total))

    def on_live(self, batch: Iterable[Envelope]) -> Search:
        """Hits among live events (the scan stopped at the seq the run had when it started)."""
        envelopes = list(batch)
        if not envelopes:
            return self
        new = [e.seq for e in envelopes if self.pattern.matches(e)]
        covered = add_span(self.covered, envelopes[0].seq, envelopes[-1].seq)
        return replace(self, hits=tuple(sorted({*self.hits, *new})), covered=covered)

    def trimmed(self, available_from: Seq) -> Search:
        """Forget hits the broker no longer holds."""
        i = bisect_left(self.hits, available_from)
        return replace(self, hits=self.hits[i:]) if i else self

    def step(self, cursor: Seq, direction: int) -> Step | None:
        """The next hit after (``direction`` > 0) or before ``cursor``, wrapping around.

        None while no hit is known that way and the scan may still find one there.
        """
        hits = self.hits
        if direction > 0:
            i = bisect_right(hits, cursor)
            if i < len(hits):
                return Step(hits[i]) if self._known(cursor + 1, hits[i]) else None
            return Step(hits[0], wrapped=True) if hits and self.done else None
        i = bisect_left(hits, cursor)
        if i > 0:
            return Step(hits[i - 1]) if self._known(hits[i - 1], cursor - 1) else None
        return Step(hits[-1], wrapped=True) if hits and self.done else None

    def _known(self, first: Seq, last: Seq) -> bool:
        """Whether every seq in ``first..last`` has been looked at."""
        return self.done or any(a <= first and last <= b for a, b in self.covered)

    def position(self, seq: Seq | None) -> int | None:
        """1-based index of the hit at ``seq`` (None when the cursor is not on a hit)."""
        if seq is None:
            return None
        i = bisect_left(self.hits, seq)
        return i + 1 if i < len(self.hits) and self.hits[i] == seq else None

    def status(self, cursor: Seq | None) -> str:
        """``/houses: hit 3 of 41`` (``…`` while counting), ``no hits``, or the scan's progress."""
        count = f"{len(self.hits):,}" + ("" if self.done else "…")
        here = self.position(cursor)
        if not self.done and self.total:
            progress = f" · searching {min(100, 100 * self.scanned // self.total)}%"
        else:
            progress = ""
        if here is not None:
            return f"/{self.text}: hit {here:,} of {count}{progress}"
        if self.done and not self.hits:
            return f"/{self.text}: no hits"
        return f"/{self.text}: {count} hits{progress}"
