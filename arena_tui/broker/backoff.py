"""How long to wait before trying the broker again: one policy for every retry loop.

``follow()`` waits between reconnect attempts, the UI's range reads retry a failed fetch, and
``tail --retry-for`` retries a broker that has never answered. They share one shape of delays
(capped exponential with downward jitter, so many clients that lost the same server do not
return in step), drawn from an injected random source so that tests and the bench can pin it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    """Capped exponential delays with downward jitter: ``attempt`` n waits at most
    ``min(maximum, initial * factor ** (n - 1))`` and at least ``1 - jitter`` of that, so the
    delays keep growing until the cap while ``factor * (1 - jitter) > 1``."""

    initial: float = 0.2
    maximum: float = 5.0
    factor: float = 2.0
    jitter: float = 0.25

    def delays(self, rand: Callable[[], float]) -> Iterator[float]:
        base = self.initial
        while True:
            yield base * (1 - self.jitter * rand())
            base = min(self.maximum, base * self.factor)


RETRY = Backoff()
"""The default, ``follow``'s and ``tail``'s: 0.2 s doubling to 5 s, with jitter."""
