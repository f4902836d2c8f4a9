"""A run's chart series, read in pages: the retained history below where the live tail began.

The charts screen runs ``fold_history`` in a worker and draws each value it yields, so a long
run's charts fill in with a progress figure (``ChartData.progress``) and keys are never kept
waiting: each page is one range read of ``scans.CHUNK`` events, folded in a thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from arena_tui.broker.protocol import EventBroker
from arena_tui.model.charts import ChartData
from arena_tui.reading.scans import chunks


async def fold_history(
    broker: EventBroker, run_id: str, data: ChartData
) -> AsyncIterator[ChartData]:
    """``data`` with each page of the run's retained seqs below ``data.live_from`` folded in;
    the last value yielded is ``done()``."""
    async for _first, last, envelopes in chunks(broker, run_id, 1, data.live_from - 1):
        data = await asyncio.to_thread(data.add_history, envelopes, last)
        yield data
    yield data.done()
