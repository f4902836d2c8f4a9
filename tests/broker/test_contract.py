"""The EventBroker contract, written once and run against every backend (see ``conftest``).

Nothing here knows which backend it runs on: where Redis and the in-process buffer differ by
design (``MAXLEN ~`` trims whole radix-tree nodes), the expected values come from what the
broker itself reports as its first available seq, and the tests assert the contract around it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta

import pytest

from arena_tui.broker import (
    BrokerClosedError,
    BrokerOverflowError,
    Envelope,
    Event,
    EventBroker,
    RunMeta,
    RunNotFoundError,
    RunStatus,
)
from tests.support.brokers import BrokerFactory
from tests.support.events import T0, counted

WAIT = 5.0
"""Upper bound for anything that should happen promptly; tests never wait for it to pass."""


def ev(run_id: str, i: int, *, kind: str = "metric", ts: datetime | None = None) -> Event:
    """``counted`` event ``i``, stamped ``i`` µs after ``T0`` unless ``ts`` is given."""
    return counted(run_id, i, kind=kind, ts=ts or T0 + timedelta(microseconds=i % 1_000_000))


async def collect(stream: AsyncIterator[Envelope]) -> list[Envelope]:
    return [envelope async for envelope in stream]


async def publish_n(broker: EventBroker, run_id: str, n: int, start: int = 0) -> list[int]:
    return await broker.publish_many(run_id, [ev(run_id, start + i) for i in range(n)])


async def head_of(broker: EventBroker, run_id: str) -> int:
    """The first seq the broker still holds (for Redis: the server's actual head)."""
    return (await broker.read_range(run_id, 1, count=1)).available_from


# -- lifecycle and order --------------------------------------------------------------------


async def test_lifecycle_and_seq_order(broker: EventBroker) -> None:
    await broker.open_run("r1", RunMeta(label="smoke"))
    assert await broker.is_open("r1")
    assert await broker.is_open_remote("r1")
    assert await broker.live_runs() == ["r1"]
    single = [await broker.publish("r1", ev("r1", i)) for i in range(3)]
    batch = await publish_n(broker, "r1", 4, start=3)
    assert single + batch == [1, 2, 3, 4, 5, 6, 7]
    await broker.flush()
    await broker.close_run("r1")
    assert not await broker.is_open("r1")
    assert await broker.live_runs() == []

    got = await asyncio.wait_for(collect(broker.stream("r1")), WAIT)
    assert [e.seq for e in got] == [1, 2, 3, 4, 5, 6, 7]
    for i, envelope in enumerate(got):
        sent = ev("r1", i)
        assert not envelope.broken
        assert envelope.event.payload == {"kind": "metric", **sent.payload}
        assert (envelope.event.run_id, envelope.event.agent_id, envelope.event.t) == (
            "r1",
            "9c1e",
            sent.t,
        )
        assert envelope.event.ts == sent.ts


async def test_publish_without_ts_gets_current_utc_time(broker: EventBroker) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    await broker.publish("r1", Event("r1", "a", 1, "llm_prompt", {"state_summary": "x"}, None))
    [envelope] = (await broker.read_range("r1", 1)).envelopes
    assert envelope.event.ts is not None
    assert envelope.event.ts >= before
    assert envelope.event.ts.utcoffset() == timedelta(0)


async def test_publish_many_assigns_consecutive_seqs(broker: EventBroker) -> None:
    assert await broker.publish_many("r1", []) == []
    assert await broker.publish("r1", ev("r1", 0)) == 1
    assert await publish_n(broker, "r1", 5, start=1) == [2, 3, 4, 5, 6]
    assert await broker.publish("r1", ev("r1", 6)) == 7
    result = await broker.read_range("r1", 0)
    assert [e.seq for e in result.envelopes] == list(range(1, 8))
    assert [e.event.payload["value"] for e in result.envelopes] == [i / 1000 for i in range(7)]


# -- stream: replay, tail, end --------------------------------------------------------------


async def test_late_subscriber_replays_then_tails(broker: EventBroker) -> None:
    await broker.open_run("r1")
    await publish_n(broker, "r1", 20)
    replayed = asyncio.Event()
    seen: list[int] = []

    async def read() -> None:
        async for envelope in broker.stream("r1"):
            seen.append(envelope.seq)
            if envelope.seq == 20:
                replayed.set()

    task = asyncio.create_task(read())
    await asyncio.wait_for(replayed.wait(), WAIT)
    await publish_n(broker, "r1", 5, start=20)
    await broker.close_run("r1")
    await asyncio.wait_for(task, WAIT)
    assert seen == list(range(1, 26))


@pytest.mark.parametrize(("from_seq", "first"), [(0, 1), (1, 1), (-3, 1), (7, 7), (10, 10)])
async def test_from_seq(broker: EventBroker, from_seq: int, first: int) -> None:
    await publish_n(broker, "r1", 10)
    got = await asyncio.wait_for(collect(broker.stream("r1", from_seq)), WAIT)
    assert [e.seq for e in got] == list(range(first, 11))


async def test_from_seq_beyond_the_end_waits_for_it(broker: EventBroker) -> None:
    await broker.open_run("r1")
    await publish_n(broker, "r1", 3)
    task = asyncio.create_task(collect(broker.stream("r1", from_seq=5)))
    await publish_n(broker, "r1", 4, start=3)
    await broker.close_run("r1")
    got = await asyncio.wait_for(task, WAIT)
    assert [e.seq for e in got] == [5, 6, 7]


async def test_two_subscribers_see_identical_sequences(broker: EventBroker) -> None:
    await broker.open_run("r1")
    readers = [asyncio.create_task(collect(broker.stream("r1"))) for _ in range(2)]
    for chunk in range(10):
        await publish_n(broker, "r1", 7, start=chunk * 7)
        await broker.publish("r1", ev("r1", 1000 + chunk, kind="turn_start"))
        await asyncio.sleep(0)
    await broker.close_run("r1")
    first, second = await asyncio.wait_for(asyncio.gather(*readers), WAIT)
    assert [e.seq for e in first] == list(range(1, 81))
    assert first == second


async def test_stream_batches_match_stream(broker: EventBroker) -> None:
    await publish_n(broker, "r1", 25)
    batches: list[Sequence[Envelope]] = []
    async for batch in broker.stream_batches("r1", max_batch=10):
        batches.append(batch)
    assert all(0 < len(batch) <= 10 for batch in batches)
    flat = [e for batch in batches for e in batch]
    assert flat == await collect(broker.stream("r1"))


async def test_close_ends_active_streams(broker: EventBroker) -> None:
    await broker.open_run("r1")
    await publish_n(broker, "r1", 2)
    tasks = [asyncio.create_task(collect(broker.stream("r1"))) for _ in range(3)]
    await asyncio.sleep(0.05)
    assert not any(task.done() for task in tasks)
    await broker.close_run("r1")
    for got in await asyncio.wait_for(asyncio.gather(*tasks), WAIT):
        assert [e.seq for e in got] == [1, 2]


async def test_aclose_ends_active_streams_and_refuses_use(broker: EventBroker) -> None:
    await broker.open_run("r1")
    await publish_n(broker, "r1", 2)
    task = asyncio.create_task(collect(broker.stream("r1")))
    await asyncio.sleep(0.05)
    await asyncio.wait_for(broker.aclose(), WAIT)
    got = await asyncio.wait_for(task, WAIT)
    assert [e.seq for e in got] == [1, 2]
    await broker.aclose()  # idempotent
    with pytest.raises(BrokerClosedError):
        await broker.publish("r1", ev("r1", 3))


async def test_stream_of_unknown_run_raises(broker: EventBroker) -> None:
    with pytest.raises(RunNotFoundError):
        await collect(broker.stream("nope"))


# -- overflow --------------------------------------------------------------------------------


async def test_overflow_at_start_reports_the_exact_head(broker_factory: BrokerFactory) -> None:
    broker = broker_factory(max_len=10)
    await broker.open_run("r1")
    for i in range(250):
        await broker.publish("r1", ev("r1", i))
    head = await head_of(broker, "r1")
    assert 1 < head <= 241  # at least max_len entries are kept
    with pytest.raises(BrokerOverflowError) as caught:
        await collect(broker.stream("r1", from_seq=1))
    assert (caught.value.run_id, caught.value.requested_seq) == ("r1", 1)
    assert caught.value.available_from == head
    assert caught.value.lost == head - 1

    await broker.close_run("r1")
    recovered = await asyncio.wait_for(collect(broker.stream("r1", head)), WAIT)
    assert [e.seq for e in recovered] == list(range(head, 251))


async def test_overflow_mid_tail_reports_the_exact_head(broker_factory: BrokerFactory) -> None:
    broker = broker_factory(max_len=10)
    await broker.open_run("r1")
    await publish_n(broker, "r1", 5)
    stream = broker.stream("r1")
    assert [(await anext(stream)).seq for _ in range(5)] == [1, 2, 3, 4, 5]
    for i in range(300):  # the reader falls behind a trimming stream
        await broker.publish("r1", ev("r1", 5 + i))
    head = await head_of(broker, "r1")
    assert head > 6
    with pytest.raises(BrokerOverflowError) as caught:
        await asyncio.wait_for(anext(stream), WAIT)
    assert (caught.value.requested_seq, caught.value.available_from) == (6, head)
    assert isinstance(stream, AsyncGenerator)
    await stream.aclose()


async def test_overflow_mid_tail_while_blocked(broker_factory: BrokerFactory) -> None:
    """The trim happens while the reader waits in the tail; one batch jumps past it."""
    broker = broker_factory(max_len=10)
    await broker.open_run("r1")
    await publish_n(broker, "r1", 3)
    seen: list[int] = []
    reached = asyncio.Event()

    async def read() -> None:
        async for envelope in broker.stream("r1"):
            seen.append(envelope.seq)
            if envelope.seq == 3:
                reached.set()

    task = asyncio.create_task(read())
    await asyncio.wait_for(reached.wait(), WAIT)
    await publish_n(broker, "r1", 400, start=3)  # one atomic batch: no reader runs between
    with pytest.raises(BrokerOverflowError) as caught:
        await asyncio.wait_for(task, WAIT)
    assert caught.value.requested_seq == 4
    assert caught.value.available_from == await head_of(broker, "r1")
    assert seen == [1, 2, 3]


# -- read_range: trimming as data -----------------------------------------------------------


async def test_read_range_forward_and_backward(broker: EventBroker) -> None:
    await broker.open_run("r1")
    await publish_n(broker, "r1", 30)
    forward = await broker.read_range("r1", 5, count=10)
    assert [e.seq for e in forward.envelopes] == list(range(5, 15))
    assert (forward.requested, forward.available_from, forward.last_seq) == (5, 1, 30)
    assert forward.is_open
    assert not forward.overflowed

    newest = await broker.read_range("r1", 0, count=4, direction="backward")
    assert [e.seq for e in newest.envelopes] == [27, 28, 29, 30]
    middle = await broker.read_range("r1", 12, count=5, direction="backward")
    assert [e.seq for e in middle.envelopes] == [8, 9, 10, 11, 12]
    start = await broker.read_range("r1", 3, count=10, direction="backward")
    assert [e.seq for e in start.envelopes] == [1, 2, 3]
    past_end = await broker.read_range("r1", 31)
    assert past_end.envelopes == ()
    assert past_end.last_seq == 30

    await broker.close_run("r1")
    assert not (await broker.read_range("r1", 1)).is_open


async def test_read_range_returns_trimming_as_data(broker_factory: BrokerFactory) -> None:
    broker = broker_factory(max_len=10)
    await publish_n(broker, "r1", 300)
    head = await head_of(broker, "r1")
    assert head > 1

    result = await broker.read_range("r1", 1, count=5)
    assert result.overflowed
    assert (result.requested, result.available_from, result.lost) == (1, head, head - 1)
    assert [e.seq for e in result.envelopes] == list(range(head, head + 5))

    backward = await broker.read_range("r1", head + 2, count=10, direction="backward")
    assert [e.seq for e in backward.envelopes] == [head, head + 1, head + 2]
    below = await broker.read_range("r1", head - 1, count=10, direction="backward")
    assert below.envelopes == ()
    assert below.overflowed


async def test_read_range_of_unknown_run_raises(broker: EventBroker) -> None:
    with pytest.raises(RunNotFoundError):
        await broker.read_range("nope", 1)


# -- reap -------------------------------------------------------------------------------------


async def test_reap_removes_every_trace(broker: EventBroker) -> None:
    await broker.open_run("r1", RunMeta(label="race"))
    await broker.open_run("r2")
    await publish_n(broker, "r1", 3)
    stream = broker.stream("r1")
    assert [(await anext(stream)).seq for _ in range(3)] == [1, 2, 3]
    tail = asyncio.create_task(collect(stream))
    await asyncio.sleep(0.05)
    await broker.reap("r1")
    assert await asyncio.wait_for(tail, WAIT) == []  # a reaped run never closes: its tail ends
    assert not await broker.is_open("r1")
    assert [info.run_id for info in await broker.list_runs()] == ["r2"]
    with pytest.raises(RunNotFoundError):
        await broker.read_range("r1", 1)
    with pytest.raises(RunNotFoundError):
        await collect(broker.stream("r1"))
    await broker.reap("never-existed")
    # the id is free again and starts over at seq 1
    assert await broker.publish("r1", ev("r1", 0)) == 1


# -- list_runs ------------------------------------------------------------------------------


async def test_list_runs_reports_meta_status_and_counts(broker_factory: BrokerFactory) -> None:
    broker = broker_factory(max_len=10)
    now = datetime.now(UTC)
    started = datetime(2026, 6, 7, 12, 0, tzinfo=UTC)
    old = now - timedelta(minutes=10)

    await broker.open_run("live", RunMeta(label="rank", started_at=started))
    await broker.publish_many("live", [ev("live", i, ts=now) for i in range(3)])
    await broker.open_run("silent", RunMeta(label="race"))
    await broker.publish("silent", ev("silent", 0, ts=old))
    await broker.open_run("done", RunMeta(label="smoke"))
    await broker.publish_many("done", [ev("done", i, ts=old) for i in range(40)])
    await broker.close_run("done")
    await broker.publish("unflagged", ev("unflagged", 0, ts=now - timedelta(seconds=1)))
    await broker.open_run("empty")
    await broker.open_run("just_closed")
    await broker.publish("just_closed", ev("just_closed", 0, ts=now - timedelta(seconds=10)))
    await broker.close_run("just_closed")

    infos = {info.run_id: info for info in await broker.list_runs(stale_after=60)}
    assert set(infos) == {"live", "silent", "done", "unflagged", "empty", "just_closed"}

    live = infos["live"]
    assert live.meta == RunMeta(label="rank", started_at=started)
    assert live.status is RunStatus.OPEN
    assert (live.n_events, live.available_from, live.last_seq) == (3, 1, 3)
    assert live.last_event_at == now

    assert infos["silent"].status is RunStatus.STALE
    assert infos["silent"].meta.label == "race"
    assert infos["unflagged"].status is RunStatus.OPEN  # events still arriving
    assert infos["empty"].status is RunStatus.OPEN
    assert infos["empty"].n_events == 0
    # closed properly 10 s ago: finished, without waiting for stale_after (60 s) to pass
    assert infos["just_closed"].status is RunStatus.FINISHED

    done = infos["done"]
    assert done.status is RunStatus.FINISHED
    assert done.meta.label == "smoke"  # the sentinel is gone, this broker remembers it
    assert done.last_seq == 40
    assert done.available_from == await head_of(broker, "done")
    assert done.n_events == 40 - done.available_from + 1
    assert done.trimmed == done.available_from - 1
    assert done.last_event_at == old

    order = [info.run_id for info in await broker.list_runs(stale_after=60)]
    assert order.index("silent") > max(order.index(r) for r in ("live", "unflagged", "empty"))
    assert order[-1] == "done"


async def test_a_fork_is_listed_with_the_parent_its_first_event_names(
    broker_factory: BrokerFactory,
) -> None:
    broker = broker_factory(max_len=10)
    await broker.open_run("fork")
    link = {"kind": "fork", "parent_run_id": "parent", "parent_t": 7}
    await broker.publish("fork", Event("fork", "", 7, "fork", link, T0))
    await publish_n(broker, "plain", 3)
    infos = {info.run_id: info for info in await broker.list_runs(stale_after=60)}
    assert infos["fork"].parent == ("parent", 7)
    assert infos["plain"].parent is None
    await publish_n(broker, "fork", 250)  # its fork event is trimmed: the link was learned
    assert await head_of(broker, "fork") > 1
    infos = {info.run_id: info for info in await broker.list_runs(stale_after=60)}
    assert infos["fork"].parent == ("parent", 7)
    await publish_n(broker, "late", 3)
    await broker.publish("late", Event("late", "", 2, "fork", link, T0))  # not its first event
    infos = {info.run_id: info for info in await broker.list_runs(stale_after=60)}
    assert infos["late"].parent is None


async def test_list_runs_of_an_empty_broker(broker: EventBroker) -> None:
    assert await broker.list_runs() == []
    assert await broker.live_runs() == []


# -- cancellation -----------------------------------------------------------------------------


async def test_cancelled_streams_leave_the_broker_usable(broker: EventBroker) -> None:
    await broker.open_run("r1")
    await publish_n(broker, "r1", 3)
    for round_ in range(10):
        started = asyncio.Event()

        async def read(started: asyncio.Event) -> None:
            async for envelope in broker.stream("r1"):
                if envelope.seq == 3:
                    started.set()

        task = asyncio.create_task(read(started))
        await asyncio.wait_for(started.wait(), WAIT)
        await asyncio.sleep(0.01 * (round_ % 3))  # cancel at different points of the tail
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # the next replies are the right ones
        assert await broker.is_open("r1")
        assert (await broker.read_range("r1", 2, count=1)).envelopes[0].seq == 2
        assert not await broker.is_open("other")

    stream = broker.stream("r1")
    assert (await anext(stream)).seq == 1
    assert isinstance(stream, AsyncGenerator)
    await stream.aclose()
    assert await broker.publish("r1", ev("r1", 3)) == 4
    assert [info.last_seq for info in await broker.list_runs()] == [4]
