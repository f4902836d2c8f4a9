"""Time as the view sees it, injectable so tests and snapshots never show the wall clock.

The app asks a ``Clock`` for ``monotonic()`` (rates, idle and retry countdowns) and ``now()``
(ages of runs, "stale since"), and renders timestamps in ``clock.tz``. ``SystemClock`` is the
real one; ``FrozenClock`` stands still until a test moves it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol


class Clock(Protocol):
    @property
    def tz(self) -> tzinfo: ...

    def monotonic(self) -> float: ...

    def now(self) -> datetime:
        """The current instant, timezone-aware."""
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

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.at += timedelta(seconds=seconds)
