"""Per-kind and per-agent counts of the open run's retained events, for the kinds panel and the
filter's hidden count.

Counting a run means reading it, so the screen counts the retained events once when a run is
opened (a background scan by range reads, ``reading.scans.count_history``) and adds live events
as the tail delivers them. The counts are of *the retained run*: when the broker trims the head
of the stream (the run listing's first retained seq, a read's ``available_from``, the tail's
overflow), ``trim`` forgets exactly the events below the new first seq, so the panel's total is
what the stream holds (issue 10: a stream of 305 events once showed 615, a kind it no longer
held among them, because whole blocks of 256 seqs were dropped or kept).

To forget exactly, each counted event's (seq, kind, agent) is kept, in blocks of ``BLOCK``
seqs: an array of one-byte offsets in the block and an array of the keys' numbers in the run's
``KeyTable``, 5 bytes an event (bench figure 13: 1M retained events, ~5 MiB; a tuple of shared
keys and an array of seqs were 16 bytes, and before keys were shared ~200). A trim drops the blocks
wholly below the first seq and cuts the one it falls in. Each event is counted once: the scan
counts the history below ``live_from`` (where the live tail started) and the tail everything
from there on, skipping seqs already counted. A run that starts over (``Reset``) starts a
new ``Tally``.

The panel is redrawn after every frame of live events, so the totals are kept beside the
blocks and updated as events are added (O(batch)) and trimmed (O(events dropped)), never
re-merged from every block: reading them is O(kinds x agents).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from arena_tui.broker.models import Envelope, Seq
from arena_tui.model.match import EventFilter

BLOCK = 256

Key = tuple[str, str]
"""(kind, agent id)."""


class KeyTable:
    """The run's (kind, agent) pairs, each numbered once: blocks keep the numbers, 4 bytes an
    event, instead of a pointer to a key tuple (8) and, before keys were shared, the tuple and
    the event's own strings (~200). Shared by every later ``Tally`` of the run, only added to."""

    __slots__ = ("keys", "numbers")

    def __init__(self) -> None:
        self.keys: list[Key] = []
        self.numbers: dict[Key, int] = {}

    def number(self, key: Key) -> int:
        number = self.numbers.get(key)
        if number is None:
            number = self.numbers[key] = len(self.keys)
            self.keys.append(key)
        return number


@dataclass(frozen=True, slots=True)
class Block:
    """The events counted in one block of ``BLOCK`` seqs from ``base``: ascending ``offsets``
    (seq - base, one byte each) and their keys' numbers in the run's ``KeyTable``."""

    base: Seq
    offsets: array[int] = field(default_factory=lambda: array("B"))
    keys: array[int] = field(default_factory=lambda: array("I"))

    @property
    def seqs(self) -> list[Seq]:
        return [self.base + offset for offset in self.offsets]

    def last(self) -> Seq:
        return self.base + self.offsets[-1] if self.offsets else self.base - 1

    def extended(self, seqs: Sequence[Seq], keys: Sequence[int]) -> Block:
        """This block and ``seqs`` (all above its last), in seq order."""
        base = self.base
        return Block(
            base, self.offsets + array("B", [s - base for s in seqs]), self.keys + array("I", keys)
        )

    def with_events(self, events: Sequence[tuple[Seq, int]]) -> Block:
        """This block and ``events`` (seqs not yet in it), in seq order."""
        base = self.base
        merged = sorted(
            [*zip(self.offsets, self.keys, strict=True), *((s - base, k) for s, k in events)]
        )
        return Block(base, array("B", (o for o, _ in merged)), array("I", (k for _, k in merged)))

    def cut(self, first: Seq) -> tuple[Block, array[int]]:
        """The block without the events below ``first``, and their keys' numbers."""
        index = bisect_left(self.offsets, first - self.base)
        return (
            Block(self.base, self.offsets[index:], self.keys[index:]),
            self.keys[:index],
        )


@dataclass(frozen=True, slots=True)
class Tally:
    blocks: Mapping[int, Block] = field(default_factory=lambda: MappingProxyType({}))
    live_from: Seq = 1
    """The first seq the live tail counts; the history scan counts the seqs below it."""
    counted_to: Seq = 0
    """The highest seq the live tail counted."""
    first_seq: Seq = 0
    """The first seq the broker still holds, as last told (``trim``): nothing below is counted."""
    complete: bool = False
    """The scan of the retained history has finished (before that, counts are partial)."""
    sums: Mapping[Key, int] = field(default_factory=lambda: MappingProxyType({}))
    """The counts of every key in ``blocks``, kept up to date by every transition."""
    table: KeyTable = field(default_factory=KeyTable, compare=False, repr=False)
    """The run's key numbers, shared by every later ``Tally`` of the run (only ever added to)."""

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
        """Add ``envelopes`` at or above ``first_seq``, block by block, in bulk: the tail adds a
        catch-up's every event here, so the per-event work is two list comprehensions and a
        ``Counter.update`` (a fifth of a catch-up's time was this loop, event by event)."""
        first = self.first_seq  # below it: trimmed already, the stream no longer holds it
        fresh = [e for e in envelopes if e.seq >= first]
        if not fresh:
            return self
        seqs = [e.seq for e in fresh]
        number_of = self.table.number
        keys = [number_of((e.event.kind, e.event.agent_id)) for e in fresh]
        if seqs != sorted(seqs):
            pairs = sorted(zip(seqs, keys, strict=True))
            seqs, keys = [s for s, _ in pairs], [k for _, k in pairs]
        names = self.table.keys
        totals = Counter(self.sums)
        for number, n in Counter(keys).items():
            totals[names[number]] += n
        blocks = dict(self.blocks)
        start = 0
        while start < len(seqs):
            number = seqs[start] // BLOCK
            end = bisect_left(seqs, (number + 1) * BLOCK, start)
            block = blocks.get(number) or Block(number * BLOCK)
            if block.last() < seqs[start]:  # in order after it: append
                blocks[number] = block.extended(seqs[start:end], keys[start:end])
            else:
                blocks[number] = block.with_events(
                    list(zip(seqs[start:end], keys[start:end], strict=True))
                )
            start = end
        return replace(self, blocks=MappingProxyType(blocks), sums=MappingProxyType(totals))

    def trim(self, first_seq: Seq) -> Tally:
        """The broker holds nothing below ``first_seq`` now: forget exactly those events."""
        if first_seq <= self.first_seq:
            return self
        first_block = first_seq // BLOCK
        dropped = array("I")
        kept: dict[int, Block] = {}
        for number, block in self.blocks.items():
            if number < first_block:
                dropped.extend(block.keys)
            elif (
                number == first_block
                and block.offsets
                and block.base + block.offsets[0] < first_seq
            ):
                kept[number], gone = block.cut(first_seq)
                dropped.extend(gone)
            else:
                kept[number] = block
        trimmed = replace(self, first_seq=first_seq)
        if not dropped:
            return trimmed
        names = self.table.keys
        totals = Counter(self.sums)
        for number, n in Counter(dropped).items():
            totals[names[number]] -= n
        return replace(
            trimmed,
            blocks=MappingProxyType({n: b for n, b in kept.items() if b.offsets}),
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
