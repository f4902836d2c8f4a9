"""The tail: ``stream_batches`` as a loop of bounded blocking reads on a private connection.

A tail is a loop of ``XREAD BLOCK block_ms`` with a stop flag (the broker's ``closed``), so
``aclose()`` ends every tail within ``block_ms``. After an empty read it reads ``:open`` and
``:seq`` (one MGET): when the run is closed it reads once more (the producer's last events
precede its close) and ends; when the counter is below the tail's cursor the run's keys were
deleted and the run started over, and it ends too (``follow()`` then reports a ``Reset``). A
new run that outgrows the cursor before the counter is read (within one ``block_ms``, or while
the consumer held the tail) would pass that check, so every reply after the first is checked
too, before it is handed out: the entry at the cursor (the last one delivered) is read back
(one ``XRANGE`` of one id; off a cluster it is sent with the read in one pipeline and runs
after it: one round trip a batch) and must be the one delivered, unless trimming took it.
Overflow: XREAD from a trimmed cursor silently starts at the head, so the head is probed
(``XRANGE - + COUNT 1``) before the first read and whenever a read starts above the wanted
seq; a head above the wanted seq is an overflow, anything else is a hole and the envelopes
carry the seq jump as they are.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from arena_tui.broker import codec
from arena_tui.broker.errors import BrokerOverflowError, RunNotFoundError
from arena_tui.broker.models import FOREIGN_SEQ_FLOOR, Envelope, Seq
from arena_tui.broker.redis.connection import Connections, Reader
from arena_tui.broker.redis.keys import KeyLayout, RunKeys
from arena_tui.broker.redis.replies import Entry, decode


async def stream_batches(
    conns: Connections,
    layout: KeyLayout,
    run_id: str,
    from_seq: Seq,
    *,
    max_batch: int,
    block_ms: int,
) -> AsyncIterator[Sequence[Envelope]]:
    keys = layout.keys(run_id)
    wanted = max(from_seq, 1)
    await conns.ready()
    async with conns.reader() as reader:
        exists: int = await reader.call(reader.client.exists(keys.open, keys.seq, keys.events))
        if not exists:
            raise RunNotFoundError(run_id, f"no keys under {layout.prefix}:run:")
        await _check_head(reader, run_id, keys, wanted)
        cursor = codec.entry_id(wanted - 1)
        delivered: Entry | None = None
        """The last entry handed out (raw), read back before the next reply is."""
        while not conns.closed:
            xread = reader.client.xread
            if conns.is_cluster:  # a cluster pipeline does not follow a failover as XREAD does
                reply, after = await reader.call(xread({keys.events: cursor}, count=max_batch,
                                                 block=block_ms)), []  # fmt: skip
            else:  # the read, then the entry last delivered and the head, in one round trip
                pipe = reader.client.pipeline(transaction=False)
                pipe.xread({keys.events: cursor}, count=max_batch, block=block_ms)
                if delivered is not None:
                    pipe.xrange(keys.events, delivered[0], delivered[0], count=1)
                    pipe.xrange(keys.events, "-", "+", count=1)
                reply, *after = await reader.call(pipe.execute())
            if not reply:
                after = []
                if conns.closed:
                    continue
                # on a cluster the two keys sit in different slots: one GET each
                mget = reader.client.mget_nonatomic if conns.is_cluster else reader.client.mget
                sentinel, counter = await reader.call(mget(keys.open, keys.seq))
                if _started_over(counter, wanted):
                    return  # the keys were deleted and the run began again below us
                if sentinel is not None:
                    continue
                # closed: whatever was published before the close is in the stream by now
                reply = await reader.call(xread({keys.events: cursor}, count=max_batch))
                if not reply:
                    return
            if conns.closed:
                return
            entries: list[Entry] = reply[0][1]
            if delivered is not None:
                same, head = after or await _read_back(reader, keys, delivered)
                if _replaced(delivered, same, head):
                    return  # the keys were deleted and a new run grew past us: follow() resets
            if codec.parse_entry_id(entries[0][0])[0] > wanted:
                await _check_head(reader, run_id, keys, wanted)
            batch = decode(entries)
            # the cursor is the last id read, never one rebuilt from its seq: after a
            # foreign "5-1" entry, "5-0" would return that entry again, for ever
            cursor, wanted = entries[-1][0], max(wanted, batch[-1].seq + 1)
            delivered = entries[-1]
            yield batch


def _started_over(counter: bytes | None, wanted: Seq) -> bool:
    """The run's counter is below the last seq this tail read: its keys were deleted (a reap,
    a flush) and a producer started it again at seq 1. XREAD would wait at our cursor and then
    hand out the new run's events as if they continued the old one; the tail ends instead and
    ``follow()`` reports the ``Reset``. (Foreign ``<ms>-<n>`` ids are no seqs: not compared.)"""
    if counter is None or not 1 < wanted <= FOREIGN_SEQ_FLOOR:
        return False
    try:
        return int(counter) < wanted - 1
    except ValueError:
        return False


async def _read_back(reader: Reader, keys: RunKeys, delivered: Entry) -> list[Any]:
    """The entry last delivered, as the stream holds it now, and the stream's head."""
    pipe = reader.client.pipeline(transaction=False)
    pipe.xrange(keys.events, delivered[0], delivered[0], count=1)
    pipe.xrange(keys.events, "-", "+", count=1)
    read_back: list[Any] = await reader.call(pipe.execute())
    return read_back


def _replaced(delivered: Entry, same: list[Entry], head: list[Entry]) -> bool:
    """The entry last delivered is no longer the stream's: changed, or gone from inside the
    retained range (a run deleted and begun again). Gone below the head is trimming: not this."""
    raw_id, fields = delivered
    if same:
        return bool(same[0][1] != fields)
    return bool(head) and _id_order(head[0][0]) <= _id_order(raw_id)


def _id_order(raw_id: bytes) -> tuple[int, int]:
    """A stream entry id (``<ms>-<n>``) as Redis orders them."""
    ms, _, n = raw_id.partition(b"-")
    return int(ms), int(n or 0)


async def _check_head(reader: Reader, run_id: str, keys: RunKeys, wanted: Seq) -> None:
    """Raise ``BrokerOverflowError`` if the stream's first entry is above ``wanted``."""
    head: list[Entry] = await reader.call(reader.client.xrange(keys.events, "-", "+", count=1))
    if head:
        first = codec.parse_entry_id(head[0][0])[0]
        if first > wanted:
            raise BrokerOverflowError(run_id, wanted, first)
