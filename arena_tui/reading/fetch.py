"""The range read a ``Fetch`` of the log view asks for, retried while the broker is unreachable.

The view never does I/O: it says what it wants (``model.log.Fetch``: from where, which way, how
many, or a turn to resolve first) and the app hands the want to ``fetch_page``. An unreachable
broker is retried with the one ``broker.backoff.Backoff`` (0.5 s doubling to 10 s, without
jitter: a user is waiting and the countdown on screen should be exact), and every retry is
reported first, so the screen can show "reconnecting (attempt N, next in N s)". Every other error
propagates: a refused password (``BrokerAuthError``), an unknown run (``RunNotFoundError``), a
turn that has not started (``TurnNotFound``).

A ``Purpose.DISK`` want reads rows of the run's DuckDB log rather than seqs (the unnumbered
rows above a trimmed start they do not line up with); only the cold-aware broker has them.
"""

from __future__ import annotations

from collections.abc import Callable

from arena_tui.broker.backoff import Backoff
from arena_tui.broker.clock import Clock
from arena_tui.broker.cold import ColdAwareBroker
from arena_tui.broker.errors import BrokerAuthError, BrokerUnavailableError
from arena_tui.broker.models import ReadResult, Seq
from arena_tui.broker.protocol import EventBroker
from arena_tui.model.log import Fetch, Purpose
from arena_tui.reading.seek import TurnNotFound, find_turn, turn_start_near

FETCH_BACKOFF = Backoff(initial=0.5, maximum=10.0, jitter=0.0)
"""The range reads' retry delays: 0.5 s, 1 s, 2 s, ... at most 10 s."""

RetryHook = Callable[[int, float, BrokerUnavailableError], None]
"""Told before each wait: the attempt that failed (1, 2, ...), the seconds to the next, why."""


async def perform(broker: EventBroker, run_id: str, fetch: Fetch) -> tuple[ReadResult, Seq | None]:
    """Do the read ``fetch`` asks for once; returns the result and the resolved target seq."""
    target = fetch.target
    from_seq = fetch.from_seq
    if fetch.purpose is Purpose.DISK:
        if not isinstance(broker, ColdAwareBroker):
            return ReadResult(run_id, from_seq, (), fetch.prefix_of, 0), None
        page = await broker.disk_range(
            run_id, fetch.prefix_of, from_seq, count=fetch.count, direction=fetch.direction
        )
        return page, None
    if fetch.turn is not None:
        target = await find_turn(broker, run_id, fetch.turn)
        from_seq = max(1, target - fetch.back)
    elif fetch.step:
        found = await turn_start_near(broker, run_id, fetch.from_seq, fetch.step, fetch.agent)
        if found is None:
            whose = f" of agent {fetch.agent[:4]}" if fetch.agent else ""
            later = "later" if fetch.step > 0 else "earlier"
            raise TurnNotFound(f"no {later} turn{whose} in the retained run")
        target = found
        from_seq = max(1, target - fetch.back)
    result = await broker.read_range(run_id, from_seq, count=fetch.count, direction=fetch.direction)
    return result, target


async def fetch_page(
    broker: EventBroker,
    run_id: str,
    fetch: Fetch,
    *,
    clock: Clock,
    on_retry: RetryHook,
    backoff: Backoff = FETCH_BACKOFF,
) -> tuple[ReadResult, Seq | None]:
    """``perform`` until the broker answers; see the module docstring for what propagates."""
    delays = backoff.delays(clock.random)
    attempt = 0
    while True:
        try:
            return await perform(broker, run_id, fetch)
        except BrokerAuthError:
            raise
        except BrokerUnavailableError as exc:
            attempt += 1
            delay = next(delays)
            on_retry(attempt, delay, exc)
            await clock.sleep(delay)
