"""The reading floor: the fetch retry (``broker.backoff.Backoff``) and the turn bisection."""

from __future__ import annotations

from typing import Any

import pytest

from arena_tui.broker.backoff import Backoff
from arena_tui.broker.clock import FrozenClock
from arena_tui.broker.errors import BrokerAuthError, BrokerUnavailableError
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.broker.models import ReadResult
from arena_tui.model.log import Fetch, Purpose
from arena_tui.reading.fetch import fetch_page, perform
from arena_tui.reading.seek import TurnNotFound, find_turn
from tests.support.pilot import seed_run


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
