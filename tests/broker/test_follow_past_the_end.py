"""``follow`` and ``read_to_end`` asked to start past the end of a run (``tail --from-seq``).

A seq past the run's last is a request, not something the run ever held: a finished run ends
with ``Finished`` at its real last seq, with no ``Reset`` (nothing was shown, nothing started
over) and no events replayed from seq 1. Written once, run on both backends.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator

from arena_tui.broker import EventBroker
from arena_tui.broker.backoff import Backoff
from arena_tui.broker.follow import follow, read_to_end
from arena_tui.broker.follow_items import Finished, Following, FollowItem
from tests.support.events import counted

FAST = Backoff(initial=0.01, maximum=0.05)


async def _items(source: AsyncGenerator[FollowItem, None]) -> list[FollowItem]:
    async with contextlib.aclosing(source):
        return [item async for item in source]


async def _finished_run(broker: EventBroker, run_id: str, n: int) -> None:
    await broker.open_run(run_id)
    await broker.publish_many(run_id, [counted(run_id, i) for i in range(n)])
    await broker.close_run(run_id)


async def test_follow_from_past_the_end_of_a_finished_run_finishes_at_its_last_seq(
    broker: EventBroker,
) -> None:
    await _finished_run(broker, "past1", 977)
    items = await _items(follow(broker, "past1", 5000, backoff=FAST, finish_grace_s=0.05))
    assert items == [Following(5000), Finished(977)]


async def test_read_to_end_from_past_the_end_of_a_finished_run_finishes_at_its_last_seq(
    broker: EventBroker,
) -> None:
    await _finished_run(broker, "past2", 977)
    assert await _items(read_to_end(broker, "past2", 5000)) == [Finished(977)]


async def test_from_the_last_seq_itself_delivers_it_and_finishes_there(
    broker: EventBroker,
) -> None:
    await _finished_run(broker, "past3", 12)
    items = await _items(follow(broker, "past3", 12, backoff=FAST, finish_grace_s=0.05))
    assert items[0] == Following(12)
    assert items[-1] == Finished(12)
    assert [e.seq for item in items[1:-1] for e in getattr(item, "envelopes", ())] == [12]
