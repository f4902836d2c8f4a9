"""The connection state the status bar shows: always exactly one, in words a user acts on.

The tail worker reports phases (connecting, live, reconnecting, auth failed, finished); the
run listing reports staleness; the clock turns "live but quiet" into "idle N s". ``describe``
folds these into one line, in a fixed precedence, so the screen never shows two states at once.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo

IDLE_AFTER = 5.0
"""Seconds without an event after which a live tail is shown as idle."""


class Phase(enum.StrEnum):
    CONNECTING = "connecting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    AUTH_FAILED = "auth failed"
    FINISHED = "finished"
    FAILED = "failed"


class Tone(enum.StrEnum):
    """How the state is coloured: the header dot and the status bar use the same tone."""

    GOOD = "good"
    WAIT = "wait"
    WARN = "warn"
    BAD = "bad"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Connection:
    phase: Phase = Phase.CONNECTING
    attempt: int = 0
    retry_at: float | None = None
    """Monotonic time of the next reconnect attempt."""
    finished_seq: int = 0
    last_event_at: float | None = None
    """Monotonic time of the last live event (or of the tail's start)."""
    stale_since: datetime | None = None
    reason: str = ""
    gone: bool = False
    """The finished run's keys are no longer in the broker (deleted, reaped, or lost by a
    restart without persistence): the events on screen are the only copy left."""

    def live(self, now: float) -> Connection:
        return replace(self, phase=Phase.LIVE, attempt=0, retry_at=None, last_event_at=now)

    def on_events(self, now: float) -> Connection:
        return replace(self, phase=Phase.LIVE, attempt=0, retry_at=None, last_event_at=now)

    def reconnecting(self, attempt: int, retry_at: float, reason: str = "") -> Connection:
        return replace(
            self, phase=Phase.RECONNECTING, attempt=attempt, retry_at=retry_at, reason=reason
        )

    def auth_failed(self, reason: str = "") -> Connection:
        return replace(self, phase=Phase.AUTH_FAILED, retry_at=None, reason=reason)

    def failed(self, reason: str) -> Connection:
        return replace(self, phase=Phase.FAILED, retry_at=None, reason=reason)

    def finished(self, seq: int) -> Connection:
        return replace(self, phase=Phase.FINISHED, finished_seq=seq, retry_at=None)

    def gone_from_broker(self) -> Connection:
        return replace(self, gone=True)

    def stale(self, since: datetime | None) -> Connection:
        return replace(self, stale_since=since)

    def describe(self, now: float, tz: tzinfo) -> str:
        match self.phase:
            case Phase.AUTH_FAILED:
                return "auth failed"
            case Phase.FAILED:
                return "not available"
            case Phase.RECONNECTING:
                # rounded up: "next in 0 s" would read as stuck while 0.4 s remain
                wait = math.ceil((self.retry_at or now) - now)
                when = f"next in {wait} s" if wait > 0 else "trying now"
                return f"reconnecting (attempt {self.attempt}, {when})"
            case Phase.FINISHED if self.gone:
                return f"gone from the broker (finished at seq {self.finished_seq:,})"
            case Phase.FINISHED:
                return f"finished at seq {self.finished_seq:,}"
            case Phase.CONNECTING:
                return "connecting"
            case Phase.LIVE:
                if self.stale_since is not None:
                    return f"stale since {self.stale_since.astimezone(tz):%H:%M:%S}"
                quiet = now - self.last_event_at if self.last_event_at is not None else 0.0
                return f"idle {int(quiet)} s" if quiet >= IDLE_AFTER else "live"

    def brief(self, now: float) -> str:
        """``describe`` in a few cells, for a narrow status bar."""
        match self.phase:
            case Phase.RECONNECTING:
                wait = math.ceil((self.retry_at or now) - now)
                return f"reconnecting #{self.attempt}" + (f" {wait} s" if wait > 0 else "")
            case Phase.FINISHED:
                return "gone" if self.gone else "finished"
            case Phase.LIVE:
                if self.stale_since is not None:
                    return "stale"
                quiet = now - self.last_event_at if self.last_event_at is not None else 0.0
                return f"idle {int(quiet)} s" if quiet >= IDLE_AFTER else "live"
            case _:
                return self.describe(now, UTC)

    def tone(self, now: float) -> Tone:
        match self.phase:
            case Phase.AUTH_FAILED | Phase.FAILED:
                return Tone.BAD
            case Phase.RECONNECTING:
                return Tone.WARN
            case Phase.FINISHED:
                return Tone.DONE
            case Phase.CONNECTING:
                return Tone.WAIT
            case Phase.LIVE:
                if self.stale_since is not None:
                    return Tone.WARN
                quiet = now - self.last_event_at if self.last_event_at is not None else 0.0
                return Tone.WAIT if quiet >= IDLE_AFTER else Tone.GOOD
