"""The retained run (or a seq range of it) as ``tail --jsonl`` lines in a file.

Written by the CLI's own ``tail_run`` and ``records``, so the lines are exactly the CLI's, gaps
and overflow included: a file exported from the app and ``arena-tui tail RUN --jsonl
--no-follow`` agree line for line.
"""

from __future__ import annotations

from pathlib import Path

from arena_tui.broker.follow_items import Finished
from arena_tui.broker.models import Envelope, Seq
from arena_tui.broker.protocol import EventBroker
from arena_tui.model.records import dumps_record, record
from arena_tui.reading.tail import tail_run


async def export_jsonl(
    broker: EventBroker, run_id: str, path: Path, *, from_seq: Seq = 0, to_seq: Seq | None = None
) -> int:
    """Write the run's ``tail --jsonl --no-follow`` lines (within the seq range) to ``path``.

    Returns the number of lines. The trailing ``finished`` record is written only for a whole,
    closed run, as the CLI does.
    """
    lines = 0
    with path.open("w", encoding="ascii") as out:
        async for item in tail_run(broker, run_id, from_seq=from_seq, follow=False):
            seq = item.seq if isinstance(item, Envelope) else None
            if to_seq is not None and seq is not None and seq > to_seq:
                break
            if to_seq is not None and isinstance(item, Finished):
                break
            out.write(dumps_record(record(run_id, item)) + "\n")
            lines += 1
    return lines
