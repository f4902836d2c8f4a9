"""``follow()``: one resilient reader of a run, for ``arena-tui tail`` and the TUI alike.

``EventBroker.stream_batches`` keeps the arena's contract: it raises when the server goes away
(``BrokerUnavailableError``), when the cursor was trimmed (``BrokerOverflowError``) and when the
password is refused (``BrokerAuthError``). ``follow`` turns all of that into data: an async
iterator of a small closed set of frozen items, so no consumer re-invents reconnect and resume::

    async with contextlib.aclosing(follow(broker, run_id)) as items:
        async for item in items:
            match item:
                case Following(from_seq): ...        # first: the run exists, reading starts
                case Batch(envelopes): ...           # strictly increasing seqs, never repeated
                case Hole(from_seq, to_seq): ...     # never written (INCR without XADD)
                case Overflow(requested, first): ...  # trimmed; reading goes on at ``first``
                case Reconnecting(attempt, next_in_s, message): ...  # message has a masked URL
                case Reconnected(after_s, resumed_from): ...
                case Reset(last_seen_seq, new_last_seq): ...  # drop what you showed; from seq 1
                case AuthFailed(message): ...        # last item: call follow() again to retry
                case Finished(last_seq): ...         # last item: closed and drained

States (every arrow yields the item named on it)::

    start --found: [Reconnected] Following--> reading;  start --unreachable: Reconnecting--> waiting
    reading --Batch/Hole/Overflow--> reading
    reading --unreachable: Reconnecting--> waiting --sleep(backoff)--> probing
    probing --unreachable: Reconnecting--> waiting
    probing --reachable: Reconnected [+ Reset]--> reading (from last seq + 1, or 1 after Reset)
    reading --stream ended--> settling --new events / reopened--> reading
    settling --quiet for ``finish_grace_s``: [Hole] Finished--> done
    any --password refused: AuthFailed--> done;  broker closed (aclose) --> done, no item

A reset is what a restart *without* persistence looks like: ``:seq`` and the stream are gone and
a producer starts again at seq 1. After every reconnect (and before ``Finished``) ``follow``
reads the entry at the last seq it delivered and compares it with what it delivered; when the
run's newest seq is below it, or that entry differs or vanished from the retained range, it
yields ``Reset`` and starts again at seq 1 instead of waiting for a seq that will mean
something else. A run whose keys are all gone after a reconnect is reset to nothing
(``new_last_seq`` 0) and polled until a producer brings it back. If the restart also trimmed
the entry we would compare with, the reset cannot be told from an overflow; it shows as one.

Holes are reported here (the CLI's ``gap`` records need them, a trailing one included: a last
INCR without its XADD); a view that derives hole rows from the seqs itself, like
``model.log``, may ignore ``Hole``. Cancelling the consuming task or ``aclose()`` on the
iterator closes the underlying stream and its connection at once.

``read_to_end`` is the one-shot twin (``tail --no-follow``): the same cursor and items, up to the
newest seq written when it starts, with no retries. The items are ``follow_items``' (what every
consumer matches on, most of them without following anything); the delays between attempts are
``backoff``'s.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Sequence

from arena_tui.broker.backoff import RETRY, Backoff
from arena_tui.broker.clock import Clock, SystemClock
from arena_tui.broker.errors import (
    BrokerAuthError,
    BrokerClosedError,
    BrokerOverflowError,
    BrokerUnavailableError,
    RunNotFoundError,
)
from arena_tui.broker.follow_items import (
    AuthFailed,
    Batch,
    Finished,
    Following,
    FollowItem,
    Hole,
    Overflow,
    Reconnected,
    Reconnecting,
    Reset,
)
from arena_tui.broker.models import Envelope, ReadResult, Seq
from arena_tui.broker.protocol import EventBroker

SYSTEM_CLOCK = SystemClock()


class _Cursor:
    """The next seq wanted and the last envelope delivered; splits batches around holes."""

    def __init__(self, from_seq: Seq) -> None:
        self.next: Seq = max(from_seq, 1)
        self.last: Envelope | None = None
        self.requested: Seq = self.next - 1
        """Seqs below ``from_seq`` not known to exist: a caller may ask past the run's end
        (``tail --from-seq 5000`` on a run of 977), and those seqs then say nothing about the
        run's end or about a reset. ``started`` clears it when the run holds them."""

    def started(self, last_seq: Seq) -> None:
        """The run's newest seq when following starts: if it reaches ``from_seq - 1``, the
        seqs before ``from_seq`` existed (a view that read them itself follows on from there),
        so a later run below them is a reset."""
        if last_seq >= self.requested:
            self.requested = 0

    @property
    def last_seen(self) -> Seq:
        """The newest seq known to have existed in the run (0: none yet)."""
        if self.last is not None:
            return self.last.seq
        return self.next - 1 if self.next - 1 > self.requested else 0

    def admit(self, batch: Sequence[Envelope]) -> list[FollowItem]:
        items: list[FollowItem] = []
        run: list[Envelope] = []
        for envelope in batch:
            if envelope.seq < self.next:
                continue  # already delivered
            if envelope.seq > self.next and not envelope.foreign_id:
                if run:
                    items.append(Batch(tuple(run)))
                    run = []
                items.append(Hole(self.next, envelope.seq - 1))
            run.append(envelope)
            self.next = envelope.seq + 1
        if run:
            items.append(Batch(tuple(run)))
            self.last = run[-1]
        return items

    def finish(self, last_seq: Seq) -> list[FollowItem]:
        """The closing items: a trailing hole up to ``last_seq`` (a last INCR without its
        XADD), then ``Finished``."""
        items: list[FollowItem] = []
        if last_seq >= self.next:
            items.append(Hole(self.next, last_seq))
            self.next = last_seq + 1
        items.append(Finished(max(last_seq, self.last_seen)))
        return items

    def check(self, probe: ReadResult | None) -> Reset | None:
        """``Reset`` if ``probe`` (a read at the last delivered seq) shows the run started over,
        or is None (every key gone) after something was read; then reading starts at seq 1."""
        last_seen = self.last_seen
        if probe is None:
            reset = last_seen > 0
        elif self.last is None:
            reset = probe.last_seq < last_seen
        elif probe.last_seq < self.last.seq:
            reset = True
        else:
            same = next((e for e in probe.envelopes if e.seq == self.last.seq), None)
            # an entry still in the retained range but gone, or different, was replaced
            reset = same != self.last if same is not None else probe.available_from <= last_seen
        if not reset:
            return None
        self.next, self.last, self.requested = 1, None, 0
        return Reset(last_seen, probe.last_seq if probe is not None else 0)


async def follow(
    broker: EventBroker,
    run_id: str,
    from_seq: Seq = 0,
    *,
    backoff: Backoff = RETRY,
    finish_grace_s: float = 0.5,
    clock: Clock = SYSTEM_CLOCK,
) -> AsyncGenerator[FollowItem, None]:
    """Follow ``run_id`` from ``from_seq`` until it finishes; see the module docstring.

    Raises ``RunNotFoundError`` only if the run does not exist before anything was delivered;
    every other broker failure but an unexpected ``BrokerError`` becomes an item. The run is
    finished when it is closed, drained and has stayed quiet for ``finish_grace_s`` (so a run
    whose ``:open`` key expired while events still arrive is not called finished).
    """
    cursor = _Cursor(from_seq)
    known = False  # the run has been seen to exist
    down_since: float | None = None
    delays = backoff.delays(clock.random)
    attempt = 0
    try:
        while True:
            try:
                if down_since is not None or not known:
                    probe = await _probe(broker, run_id, cursor)
                    reset = cursor.check(probe) if known else None
                    if down_since is not None:
                        yield Reconnected(clock.monotonic() - down_since, cursor.next)
                        down_since, attempt, delays = None, 0, backoff.delays(clock.random)
                    if reset is not None:
                        yield reset
                    if probe is None and known:  # the keys went with the server's data
                        await _until_exists(broker, run_id, backoff, clock)
                    if not known and probe is not None:
                        known = True
                        cursor.started(probe.last_seq)
                        yield Following(cursor.next, probe.is_open)
                batches = broker.stream_batches(run_id, cursor.next)
                try:
                    async for batch in batches:
                        known = True
                        for item in cursor.admit(batch):
                            yield item
                finally:  # closed now, not by the GC: it holds a connection
                    await _aclose(batches)
                await clock.sleep(finish_grace_s)
                probe = await _probe(broker, run_id, cursor)
                if probe is not None:
                    if (reset := cursor.check(probe)) is not None:
                        yield reset
                        continue
                    if probe.is_open or any(e.seq >= cursor.next for e in probe.envelopes):
                        continue  # reopened, or events still arriving without ``:open``
                for item in cursor.finish(probe.last_seq if probe is not None else 0):
                    yield item
                return
            except BrokerOverflowError as exc:
                cursor.next = max(cursor.next, exc.available_from)
                yield Overflow(exc.requested_seq, exc.available_from)
            except BrokerAuthError as exc:
                yield AuthFailed(str(exc))
                return
            except BrokerUnavailableError as exc:
                if down_since is None:
                    down_since = clock.monotonic()
                attempt += 1
                delay = next(delays)
                yield Reconnecting(attempt, delay, str(exc))
                await clock.sleep(delay)
            except RunNotFoundError:
                if not known:
                    raise
                yield Finished(cursor.last_seen)  # reaped while followed
                return
    except BrokerClosedError:
        return


async def read_to_end(
    broker: EventBroker, run_id: str, from_seq: Seq = 0, *, page: int = 1_000
) -> AsyncGenerator[FollowItem, None]:
    """``run_id`` from ``from_seq`` up to the newest seq written when it starts, then stop.

    The same items as ``follow`` (``Batch``, ``Hole``, ``Overflow``), ending with a trailing
    ``Hole`` and ``Finished`` only when the run is closed. Nothing is retried: broker errors
    (``RunNotFoundError`` for an unknown run) propagate.
    """
    cursor = _Cursor(from_seq)
    result = await broker.read_range(run_id, cursor.next, count=page)
    end = result.last_seq
    while True:
        if result.overflowed:
            cursor.next = max(cursor.next, result.available_from)
            yield Overflow(result.requested, result.available_from)
        for item in cursor.admit([e for e in result.envelopes if e.seq <= end]):
            yield item
        if not result.envelopes or cursor.next > end:
            break
        result = await broker.read_range(run_id, cursor.next, count=page)
    if not result.is_open:
        for item in cursor.finish(end):
            yield item


async def _probe(broker: EventBroker, run_id: str, cursor: _Cursor) -> ReadResult | None:
    """The entry at the last delivered seq (else the next wanted) and the one after it, with
    the run's ends; None when no key of the run exists."""
    at = cursor.last.seq if cursor.last is not None else cursor.next
    try:
        return await broker.read_range(run_id, at, count=2)
    except RunNotFoundError:
        return None


async def _until_exists(broker: EventBroker, run_id: str, backoff: Backoff, clock: Clock) -> None:
    for delay in backoff.delays(clock.random):
        try:
            await broker.read_range(run_id, 1, count=1)
        except RunNotFoundError:
            await clock.sleep(delay)
        else:
            return


async def _aclose(iterator: AsyncIterator[object]) -> None:
    aclose = getattr(iterator, "aclose", None)
    if aclose is not None:
        await aclose()
