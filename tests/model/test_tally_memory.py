"""The tally keeps 16 bytes an event, not the event's own strings (bench figure 13).

Every event read from a broker or a log brings its own ``kind`` and ``agent_id`` strings. The
tally kept a fresh ``(kind, agent)`` tuple per event, and through it both strings: ~200 bytes an
event, +219 MiB after the scan of a 1M-event cold run (the growth figure 13 charged to
scrolling; an idle app grew ~1 MiB a second while the scan ran). Keys are shared now.
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


def test_equal_keys_are_one_tuple_whatever_the_events_strings() -> None:
    tally = Tally.start(live_from=1).add([wire_fresh(s) for s in range(1, 2_001)])
    kept = {id(key) for block in tally.blocks.values() for key in block.keys}
    assert len(kept) == len(tally.sums) == 4  # (kind, agent) pairs: seq % 4 decides both


def test_counting_keeps_about_16_bytes_an_event() -> None:
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
    assert kept / EVENTS < 40, f"{kept / EVENTS:.0f} bytes an event"
