"""Per-kind and per-agent counts of the open run's retained events, for the kinds panel and the
filter's hidden count.

Counting a run means reading it, so the screen counts the retained events once when a run is
opened (a background scan by range reads, ``reading.scans.count_history``) and adds live events
as the tail delivers them. Counts are kept per block of ``BLOCK`` seqs so that when the broker trims
the head of the stream the blocks wholly below the first retained seq are dropped: memory stays
bounded by the retained length, and the counts follow "the retained run" to within one block
(the oldest block may still count up to ``BLOCK - 1`` events that were just trimmed).
Each event is counted once: the scan counts the history below ``live_from`` (where the live
tail started) and the tail everything from there on, skipping seqs already counted.

The panel is redrawn after every frame of live events, so the totals are kept beside the
blocks and updated as events are added (O(batch)) and blocks trimmed (O(blocks dropped)),
never re-merged from every block: reading them is O(kinds x agents).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from arena_tui.broker.models import Envelope, Seq
from arena_tui.model.match import EventFilter

BLOCK = 256

Key = tuple[str, str]
"""(kind, agent id)."""


@dataclass(frozen=True, slots=True)
class Tally:
    blocks: Mapping[int, Mapping[Key, int]] = field(default_factory=lambda: MappingProxyType({}))
    live_from: Seq = 1
    """The first seq the live tail counts; the history scan counts the seqs below it."""
    counted_to: Seq = 0
    """The highest seq the live tail counted."""
    complete: bool = False
    """The scan of the retained history has finished (before that, counts are partial)."""
    sums: Mapping[Key, int] = field(default_factory=lambda: MappingProxyType({}))
    """The sum of ``blocks``, kept up to date by every transition (read it with ``totals``)."""

    @classmethod
    def start(cls, live_from: Seq) -> Tally:
        return cls(live_from=live_from, counted_to=live_from - 1)

    def add(self, envelopes: Sequence[Envelope]) -> Tally:
        """Count live ``envelopes`` (ascending seqs); seqs already counted are skipped."""
        if not envelopes or envelopes[-1].seq <= self.counted_to:
            return self
        fresh = envelopes
        if envelopes[0].seq <= self.counted_to:
            fresh = [e for e in envelopes if e.seq > self.counted_to]
        return replace(self._count(fresh), counted_to=fresh[-1].seq)

    def add_history(self, envelopes: Sequence[Envelope]) -> Tally:
        """Count envelopes the scan read; only those below ``live_from``."""
        older = [e for e in envelopes if e.seq < self.live_from]
        return self._count(older) if older else self

    def _count(self, envelopes: Iterable[Envelope]) -> Tally:
        touched: dict[int, Counter[Key]] = {}
        totals = Counter(self.sums)
        for envelope in envelopes:
            block = envelope.seq // BLOCK
            counts = touched.get(block)
            if counts is None:
                counts = touched[block] = Counter(self.blocks.get(block, {}))
            key = (envelope.event.kind, envelope.event.agent_id)
            counts[key] += 1
            totals[key] += 1
        return replace(
            self,
            blocks=MappingProxyType({**self.blocks, **touched}),
            sums=MappingProxyType(totals),
        )

    def trim(self, available_from: Seq) -> Tally:
        """Forget the blocks wholly below ``available_from``."""
        first_block = available_from // BLOCK
        dropped = [c for b, c in self.blocks.items() if b < first_block]
        if not dropped:
            return self
        totals = Counter(self.sums)
        for counts in dropped:
            totals.subtract(counts)
        kept = {b: c for b, c in self.blocks.items() if b >= first_block}
        return replace(
            self,
            blocks=MappingProxyType(kept),
            sums=MappingProxyType({k: n for k, n in totals.items() if n > 0}),
        )

    def done(self) -> Tally:
        return replace(self, complete=True)

    def totals(self) -> Counter[Key]:
        return Counter(self.sums)

    @property
    def events(self) -> int:
        return sum(self.sums.values())

    def by_kind(self) -> list[tuple[str, int]]:
        """``(kind, count)``, most frequent first (ties by name)."""
        kinds: Counter[str] = Counter()
        for (kind, _agent), n in self.sums.items():
            kinds[kind] += n
        return sorted(kinds.items(), key=lambda item: (-item[1], item[0]))

    def agents(self) -> list[tuple[str, int]]:
        agents: Counter[str] = Counter()
        for (_kind, agent), n in self.sums.items():
            agents[agent] += n
        return sorted(agents.items(), key=lambda item: (-item[1], item[0]))

    def hidden(self, flt: EventFilter) -> int:
        """How many counted events ``flt`` hides."""
        if not flt.active:
            return 0
        hidden = 0
        for (kind, agent), n in self.sums.items():
            if (flt.kinds and kind not in flt.kinds) or (
                flt.agents and not any(agent.lower().startswith(a) for a in flt.agents)
            ):
                hidden += n
        return hidden


def kinds_line(tally: Tally, limit: int = 9) -> str:
    """``llm_response 412 · action 1,203 · …``; ``counting…`` until the first counts are in."""
    kinds = tally.by_kind()
    if not kinds:
        return "counting…" if not tally.complete else "no events"
    text = " · ".join(f"{kind} {n:,}" for kind, n in kinds[:limit])
    if len(kinds) > limit:
        text += " · …"
    return text if tally.complete else text + " (counting…)"
