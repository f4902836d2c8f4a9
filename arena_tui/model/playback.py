"""The replay clock behind ``p``: when the next event is due, at 1x, 10x or as fast as it renders.

Playback walks the log from the cursor, one (shown) event at a time, at the run's own pacing:
the wait before an event is the gap between its timestamp and the previous one's, divided by
the speed, and never more than ``MAX_GAP`` seconds of real time, so a producer that stalled for
ten minutes does not freeze a demo. ``max`` waits for nothing; the screen then moves as many
events per frame as ``MAX_STEPS`` allows, which is as fast as it renders.

The clock is a pure value: the screen's timer asks ``due(now, gaps)`` how many of the upcoming
events are due and gets the clock to keep; a test drives it with made-up times. Timestamps that
go backwards (a producer's clock stepped) count as no wait; a missing timestamp too.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

MAX_GAP = 2.0
"""Seconds of real time at most between two replayed events."""
MAX_STEPS = 200
"""Events moved in one frame at most (``max`` speed moves exactly this many)."""


class Speed(enum.Enum):
    X1 = 1.0
    X10 = 10.0
    MAX = 0.0

    @property
    def label(self) -> str:
        return "max" if self is Speed.MAX else f"{self.value:g}x"

    def next(self) -> Speed:
        order = list(Speed)
        return order[(order.index(self) + 1) % len(order)]


@dataclass(frozen=True, slots=True)
class Playback:
    """``playing`` at ``speed``; ``since`` is when the previous step happened (monotonic s)."""

    speed: Speed = Speed.X1
    playing: bool = False
    since: float = 0.0

    @property
    def label(self) -> str:
        """``▶ 10x`` or ``⏸`` for the status bar."""
        return f"▶ {self.speed.label}" if self.playing else f"⏸ {self.speed.label}"

    def play(self, now: float, speed: Speed | None = None) -> Playback:
        return replace(self, playing=True, speed=speed or self.speed, since=now)

    def pause(self) -> Playback:
        return replace(self, playing=False)

    def toggle(self, now: float) -> Playback:
        """Space: pause, or resume where it stopped (the wait starts afresh)."""
        return self.pause() if self.playing else self.play(now)

    def cycle(self, now: float) -> Playback:
        """``p``: start at 1x; while playing, 1x -> 10x -> max -> 1x."""
        if not self.playing:
            return self.play(now, Speed.X1)
        return self.play(now, self.speed.next())

    def wait(self, previous: datetime | None, upcoming: datetime | None) -> float:
        """Real seconds between two events at this speed, capped at ``MAX_GAP``."""
        if self.speed is Speed.MAX or previous is None or upcoming is None:
            return 0.0
        gap = (upcoming - previous).total_seconds() / float(self.speed.value)
        return min(max(gap, 0.0), MAX_GAP)

    def due(self, now: float, stamps: Sequence[datetime | None]) -> tuple[int, Playback]:
        """How many events of ``stamps`` are due by ``now``, and the clock after taking them.

        ``stamps[0]`` is the current event's time, ``stamps[1:]`` the upcoming ones in order.
        """
        if not self.playing:
            return 0, self
        if self.speed is Speed.MAX:
            steps = min(MAX_STEPS, max(0, len(stamps) - 1))
            return steps, replace(self, since=now) if steps else self
        steps, since = 0, self.since
        while steps + 1 < len(stamps) and steps < MAX_STEPS:
            at = since + self.wait(stamps[steps], stamps[steps + 1])
            if at > now:
                break
            since = at
            steps += 1
        return steps, replace(self, since=since)
