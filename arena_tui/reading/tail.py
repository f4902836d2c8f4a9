"""Read one run in seq order, as events and notices, for ``arena-tui tail`` and the export.

``tail_run`` is a thin view of ``broker.follow``: reconnects, resume, resets, overflow and holes
are decided there (``follow`` when following, ``read_to_end`` for ``--no-follow``), and this
module only flattens ``follow``'s items into what the CLI prints (see ``model.records``): an
event per envelope, and the notices as they are: ``Overflow`` when the broker trimmed what we
wanted, ``Hole`` for a gap in the seq sequence, ``Reconnected`` after the connection came back,
``Reset`` when the run started over (a restart without persistence), ``Finished`` at the end.

When the broker is wrapped with the arena's logs (``broker.cold``) and Redis trimmed the run's
head, a readable log that lines up exactly fills the prefix inside the broker (its events come
with ``source`` ``cold``, and there is no overflow). Otherwise the overflow is told what the log
holds (``Alignment``): a shifted copy comes first, as a banner and its rows without seqs
(``DiskRow``); a locked or unaligned file follows the overflow as a notice.

The invariant comes with ``follow``: every seq is accounted for exactly once, as an event,
inside an overflow or inside a gap, across reconnects. Reconnect attempts are not records (a
script reads only what happened to the run); they go to ``on_retry``, which the CLI prints on
stderr. A refused password ends the tail with ``BrokerAuthError``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable

from arena_tui.broker.backoff import RETRY, Backoff
from arena_tui.broker.cold import ColdAwareBroker
from arena_tui.broker.cold.stitch import Alignment, DiskRow
from arena_tui.broker.errors import BrokerAuthError
from arena_tui.broker.follow import follow as follow_items
from arena_tui.broker.follow import read_to_end
from arena_tui.broker.follow_items import (
    AuthFailed,
    Batch,
    Finished,
    Following,
    FollowItem,
    Hole,
    Notice,
    Overflow,
    Reconnected,
    Reconnecting,
    Reset,
)
from arena_tui.broker.models import Envelope, Seq
from arena_tui.broker.protocol import EventBroker

TailItem = Envelope | DiskRow | Notice | Alignment
RetryHook = Callable[[str, float], None]
"""Told about every failed attempt: what went wrong (URL masked) and the seconds to the next."""


async def tail_run(
    broker: EventBroker,
    run_id: str,
    *,
    from_seq: Seq = 0,
    follow: bool = True,
    backoff: Backoff = RETRY,
    on_retry: RetryHook | None = None,
) -> AsyncIterator[TailItem]:
    """Events and notices of ``run_id`` from ``from_seq``; see the module docstring.

    Without ``follow`` it reads up to the newest event that existed when it started and stops
    (with ``Finished`` only when the run is closed). Raises ``RunNotFoundError`` for an unknown
    run and ``BrokerAuthError`` for a refused password; retries an unreachable broker for ever
    when following.
    """
    source = (
        follow_items(broker, run_id, from_seq, backoff=backoff)
        if follow
        else read_to_end(broker, run_id, from_seq)
    )
    async with contextlib.aclosing(source):
        async for item in source:
            if isinstance(item, Overflow) and isinstance(broker, ColdAwareBroker):
                async for told in _with_disk(broker, run_id, item):
                    yield told
                continue
            for out in _translate(item, on_retry):
                yield out


async def _with_disk(
    broker: ColdAwareBroker, run_id: str, overflow: Overflow
) -> AsyncIterator[TailItem]:
    """``overflow``, with what the run's log holds of the trimmed seqs around it."""
    alignment = await broker.alignment(run_id, overflow.available_from)
    if alignment is None or overflow.requested_seq > 1:
        yield overflow
        return
    if alignment.state == "shifted":
        yield alignment
        async for batch in broker.disk_rows(alignment):
            for envelope in batch:
                yield DiskRow(envelope.seq, envelope)
        yield overflow
        return
    yield overflow
    yield alignment


def _translate(item: FollowItem, on_retry: RetryHook | None) -> list[TailItem]:
    match item:
        case Batch(envelopes):
            return list(envelopes)
        case Reconnecting(_, next_in_s, message):
            if on_retry is not None:
                on_retry(message, next_in_s)
            return []
        case AuthFailed(message):
            raise BrokerAuthError(message)
        case Following():
            return []
        case Hole() | Overflow() | Reconnected() | Reset() | Finished():
            return [item]
