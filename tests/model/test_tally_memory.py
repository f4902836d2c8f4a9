"""The tally keeps about 5 bytes an event, not the event's own strings (bench figure 13).

Every event read from a broker or a log brings its own ``kind`` and ``agent_id`` strings. The
tally kept a fresh ``(kind, agent)`` tuple per event, and through it both strings: ~200 bytes an
event, +219 MiB after the scan of a 1M-event cold run (the growth figure 13 charged to
scrolling; an idle app grew ~1 MiB a second while the scan ran). Shared key tuples and an array
of seqs made it 16 bytes (16 MiB of figure 13's 36.8); blocks keep a one-byte offset and the key's
number now.
"""

from __future__ import annotations

import gc
import tracemalloc

from arena_tui.broker.models import Envelope
from arena_tui.model.tally import Tally
from tests.support.events import envelope

EVENTS = 20_000
KINDS = ("turn_start", "llm_prompt", "llm_response", "metric")


def wire_fresh(seq: int) -> Envelope:
    """Event ``seq`` with strings of its own, as a decoded reply or row has them."""
    kind = "".join(KINDS[seq % len(KINDS)])
    agent = "".join(["ab"[seq % 2]] * 32)
    return envelope(seq, agent=agent, kind=kind)


def test_equal_keys_are_numbered_once_whatever_the_events_strings() -> None:
    tally = Tally.start(live_from=1).add([wire_fresh(s) for s in range(1, 2_001)])
    kept = {key for block in tally.blocks.values() for key in block.keys}
    assert len(kept) == len(tally.table.keys) == len(tally.sums) == 4  # seq % 4 decides both
    later = tally.add([wire_fresh(s) for s in range(2_001, 2_101)]).trim(1_000)
    assert later.table is tally.table
    assert len(later.table.keys) == 4


def test_counting_keeps_about_5_bytes_an_event() -> None:
    batches = [[wire_fresh(s) for s in range(b, b + 500)] for b in range(1, EVENTS + 1, 500)]
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tally = Tally.start(live_from=EVENTS + 1)
        for batch in batches:
            tally = tally.add_history(batch)
        del batches  # what a scan does: each page is dropped once counted
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert tally.events == EVENTS
    assert kept / EVENTS < 8, f"{kept / EVENTS:.1f} bytes an event"
