"""An events-per-second meter over a short sliding window, as an immutable value.

Counts go into one-second buckets. The rate is what the last ``window`` whole seconds plus the
current partial one hold, divided by the time they span (or by the time since the first count,
so a fresh tail is not shown at a fraction of its speed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WINDOW = 5


@dataclass(frozen=True, slots=True)
class RateMeter:
    buckets: tuple[tuple[int, int], ...] = ()
    started: float | None = None
    window: int = WINDOW

    def add(self, n: int, now: float) -> RateMeter:
        if n <= 0:
            return self
        second = math.floor(now)
        kept = tuple(b for b in self.buckets if b[0] >= second - self.window)
        if kept and kept[-1][0] == second:
            kept = (*kept[:-1], (second, kept[-1][1] + n))
        else:
            kept = (*kept, (second, n))
        started = self.started if self.started is not None else now
        return RateMeter(kept, started, self.window)

    def rate(self, now: float) -> float:
        if self.started is None:
            return 0.0
        oldest = math.floor(now) - self.window
        total = sum(n for second, n in self.buckets if second >= oldest)
        span = min(now - oldest, max(1.0, now - self.started))
        return total / span
