"""The screen's tail loop and the reading floor's fetch and turn search, on real brokers."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from arena_tui.broker.clock import FrozenClock, SystemClock
from arena_tui.broker.errors import BrokerAuthError, BrokerError, BrokerUnavailableError
from arena_tui.broker.follow import Backoff
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.broker.models import Envelope, ReadResult, Seq
from arena_tui.broker.redis import RedisStreamsBroker
from arena_tui.model.log import Fetch, Purpose
from arena_tui.reading.fetch import fetch_page, perform
from arena_tui.reading.seek import TurnNotFound, find_turn
from arena_tui.ui.broker_io import follow_run
from tests.support.events import turn_loop
from tests.support.pilot import seed_run
from tests.support.redis_server import RedisServer


class Recorder:
    """A ``TailSink`` that writes down what it is told, in order."""

    def __init__(self) -> None:
        self.log: list[tuple[str, object]] = []
        self.seqs: list[Seq] = []
        self.changed = asyncio.Event()

    def _note(self, what: str, detail: object = None) -> None:
        self.log.append((what, detail))
        self.changed.set()

    def tail_live(self) -> None:
        self._note("live")

    def tail_events(self, batch: Sequence[Envelope]) -> None:
        self.seqs.extend(e.seq for e in batch)
        self._note("events", len(batch))

    def tail_trimmed(self, requested: Seq, available_from: Seq) -> None:
        self._note("trimmed", (requested, available_from))

    def tail_reconnecting(self, attempt: int, delay: float, reason: str) -> None:
        self._note("reconnecting", attempt)

    def tail_reconnected(self, seconds: float) -> None:
        self._note("reconnected", seconds)

    def tail_reset(self, last_seen_seq: Seq, new_last_seq: Seq) -> None:
        self._note("reset", (last_seen_seq, new_last_seq))

    def tail_auth_failed(self, reason: str) -> None:
        self._note("auth failed", reason)

    def tail_finished(self, last_seq: Seq) -> None:
        self._note("finished", last_seq)

    def tail_failed(self, error: BrokerError) -> None:
        self._note("failed", type(error).__name__)

    def kinds(self) -> list[str]:
        return [what for what, _ in self.log if what != "events"]

    async def wait_for(self, what: str, within: float = 15.0) -> None:
        async with asyncio.timeout(within):
            while what not in self.kinds():
                self.changed.clear()
                await self.changed.wait()


async def test_tail_recovers_from_overflow_and_ends_with_the_run() -> None:
    broker = InProcessBroker(max_len=50)
    await seed_run(broker, "r1", 200)
    sink = Recorder()
    task = asyncio.create_task(follow_run(broker, "r1", 10, sink, clock=SystemClock()))
    await sink.wait_for("trimmed")
    await broker.close_run("r1")
    await task
    assert sink.log[1] == ("trimmed", (10, 151))
    assert sink.kinds()[-1] == "finished"
    assert sink.seqs == list(range(151, 201))


async def test_tail_fails_once_on_a_run_that_does_not_exist() -> None:
    sink = Recorder()
    await follow_run(InProcessBroker(), "nope", 0, sink, clock=SystemClock())
    assert sink.kinds() == ["failed"]  # never "live": the run was not found


async def test_turn_search_and_perform() -> None:
    broker = InProcessBroker(max_len=100)
    await seed_run(broker, "r1", 1000)  # five events per turn; seqs 901.. retained
    assert await find_turn(broker, "r1", 190) == 946
    assert await find_turn(broker, "r1", 3) == 901, "a trimmed turn lands on the first retained"
    with pytest.raises(TurnNotFound, match="turn 999 has not started; the newest is 200"):
        await find_turn(broker, "r1", 999)
    fetch = Fetch(1, Purpose.JUMP, 1, "forward", 20, turn=195)
    result, target = await perform(broker, "r1", fetch)
    assert target == 971
    assert result.envelopes[0].seq == 971


@pytest.mark.redis
async def test_tail_survives_a_redis_restart_and_says_how_long_it_was_away() -> None:
    with RedisServer(appendonly=True) as server:
        broker = RedisStreamsBroker(server.url, key_prefix="io")
        try:
            await broker.open_run("r1")
            await broker.publish_many("r1", [turn_loop("r1", s) for s in range(1, 6)])
            sink = Recorder()
            task = asyncio.create_task(follow_run(broker, "r1", 1, sink, clock=SystemClock()))
            async with asyncio.timeout(10):
                while len(sink.seqs) < 5:
                    sink.changed.clear()
                    await sink.changed.wait()
            server.kill()
            await sink.wait_for("reconnecting")
            server.start()
            await sink.wait_for("reconnected")
            await broker.publish_many("r1", [turn_loop("r1", s) for s in range(6, 9)])
            await broker.close_run("r1")
            await asyncio.wait_for(task, 15)
            assert sink.seqs == list(range(1, 9)), "every seq exactly once across the restart"
            assert sink.kinds()[-1] == "finished"
        finally:
            await broker.aclose()


class Flaky(InProcessBroker):
    """An in-process broker whose first ``failures`` range reads find the broker unreachable."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    async def read_range(self, *args: Any, **kwargs: Any) -> ReadResult:
        if self.failures:
            self.failures -= 1
            raise BrokerUnavailableError("cannot reach Redis: connection refused")
        return await super().read_range(*args, **kwargs)


async def test_fetch_retries_an_unreachable_broker_with_the_follow_backoff() -> None:
    broker = Flaky(failures=3)
    await seed_run(broker, "r1", 30)
    retries: list[tuple[int, float]] = []
    fetch = Fetch(1, Purpose.OPEN, 0, "backward", 10)
    result, _ = await fetch_page(
        broker,
        "r1",
        fetch,
        clock=FrozenClock(),
        on_retry=lambda attempt, delay, _: retries.append((attempt, delay)),
        backoff=Backoff(initial=0.001, maximum=0.004, jitter=0.0),
    )
    assert retries == [(1, 0.001), (2, 0.002), (3, 0.004)]
    assert [e.seq for e in result.envelopes] == list(range(21, 31))


async def test_fetch_gives_up_at_once_on_a_refused_password() -> None:
    broker = InProcessBroker()
    await seed_run(broker, "r1", 3)

    async def refused(*args: Any, **kwargs: Any) -> ReadResult:
        raise BrokerAuthError("authentication failed")

    broker.read_range = refused  # type: ignore[method-assign]
    with pytest.raises(BrokerAuthError):
        await fetch_page(
            broker,
            "r1",
            Fetch(1, Purpose.OPEN, 0, "backward", 10),
            clock=FrozenClock(),
            on_retry=lambda *_: pytest.fail("an auth failure is not retried"),
        )
