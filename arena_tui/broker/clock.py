"""Time (and the jitter of retries), injectable so tests and snapshots never show the wall clock.

One ``Clock`` for every layer: ``follow()`` and the range reads' retry ask it for
``monotonic()`` (reconnect timing), ``sleep()`` (the backoff's waits) and ``random()`` (their
jitter); the app asks it for ``monotonic()`` (rates, idle and retry countdowns) and ``now()``
(ages of runs, "stale since"), and renders timestamps in ``clock.tz``. It lives in the broker
layer, the lowest one, so that every layer above can take the same object.

``SystemClock`` is the real one; ``FrozenClock`` stands still until a test moves it (its
``sleep`` really waits, so a retry loop under a frozen clock still yields to the event loop).
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol


class Clock(Protocol):
    @property
    def tz(self) -> tzinfo:
        """The zone timestamps are shown in."""
        ...

    def monotonic(self) -> float: ...

    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...

    async def sleep(self, seconds: float) -> None: ...

    def random(self) -> float:
        """A number in [0, 1): the jitter of retry delays."""
        ...


class SystemClock:
    """The machine's clocks; timestamps shown in the local timezone."""

    @property
    def tz(self) -> tzinfo:
        local = datetime.now().astimezone().tzinfo
        return local if local is not None else UTC

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def random(self) -> float:
        return random.random()


@dataclass
class FrozenClock:
    """A clock that only moves when told to (``advance``); shows times in ``tz`` (UTC)."""

    at: datetime = field(default_factory=lambda: datetime(2026, 6, 7, 12, 0, tzinfo=UTC))
    mono: float = 1_000.0
    zone: tzinfo = UTC

    @property
    def tz(self) -> tzinfo:
        return self.zone

    def monotonic(self) -> float:
        return self.mono

    def now(self) -> datetime:
        return self.at

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def random(self) -> float:
        return random.random()

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.at += timedelta(seconds=seconds)
