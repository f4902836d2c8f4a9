"""Times in the ``g`` prompt: ``19:42:05``, full ISO times, and ``-5m`` / ``+30s`` / ``-1h``.

Importing this module registers the forms with ``seek.register`` (ahead of the relative-seq
parser, so ``-5m`` is a time and ``-5`` stays five events back). A time target is ``Deferred``:
the view holds a window of events, not the run's clock, so the screen resolves it to a seq
with a binary search over range reads (``reading.seek.find_time``) and then seeks to that seq.

What the forms mean, and where the time zone comes from:

* ``19:42`` / ``19:42:05`` / ``19:42:05.250``: that wall-clock time **today, in the time zone
  the time column shows** (local by default; ``resolve`` gets it from the app's clock), so a user
  can type what they read on screen.
* ``2026-06-07T19:42:05Z``, ``2026-06-07 19:42:05+02:00``: exactly that instant; without an
  offset the time column's zone again.
* ``-5m``, ``+30s``, ``-1h``, ``-1h30m``, ``-90s``: relative to **the selected event's time**
  (like ``+100`` / ``-100`` are relative to its seq); with no event selected, to now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from arena_tui.model.seek import Deferred, register

_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
_RELATIVE = re.compile(r"([+-])\s*((?:\d+(?:\.\d+)?(?:ms|h|m|s))+)", re.IGNORECASE)
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)", re.IGNORECASE)
_CLOCK = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?")


@dataclass(frozen=True, slots=True)
class ClockTimeTarget(Deferred):
    """A wall-clock time; ``day`` None means today (in the display zone)."""

    at: time
    day: date | None = None


@dataclass(frozen=True, slots=True)
class InstantTarget(Deferred):
    """An exact, timezone-aware instant."""

    at: datetime


@dataclass(frozen=True, slots=True)
class RelativeTimeTarget(Deferred):
    """``delta`` from the selected event's time."""

    delta: timedelta


TimeTarget = ClockTimeTarget | InstantTarget | RelativeTimeTarget


def parse_time(text: str) -> TimeTarget | None:
    """The time ``text`` names, or None when it is not a time form."""
    relative = _RELATIVE.fullmatch(text)
    if relative is not None:
        seconds = sum(float(n) * _UNITS[u.lower()] for n, u in _PART.findall(relative.group(2)))
        sign = -1 if relative.group(1) == "-" else 1
        return RelativeTimeTarget(timedelta(seconds=sign * seconds))
    if _CLOCK.fullmatch(text):
        try:
            return ClockTimeTarget(time.fromisoformat(_pad(text)))
        except ValueError:
            return None
    if re.match(r"\d{4}-\d{2}-\d{2}", text):
        try:
            parsed = datetime.fromisoformat(text.replace(" ", "T", 1))
        except ValueError:
            return None
        if parsed.tzinfo is None:
            return ClockTimeTarget(parsed.time(), parsed.date())
        return InstantTarget(parsed)
    return None


def resolve(
    target: TimeTarget, *, tz: tzinfo, now: datetime, base: datetime | None = None
) -> datetime:
    """The aware instant ``target`` names: clock times in ``tz``, relative ones from ``base``."""
    match target:
        case ClockTimeTarget(at, day):
            day = day if day is not None else now.astimezone(tz).date()
            return datetime.combine(day, at).replace(tzinfo=tz)
        case InstantTarget(at):
            return at
        case RelativeTimeTarget(delta):
            return (base if base is not None else now) + delta


def describe(at: datetime, tz: tzinfo) -> str:
    """``19:42:05`` today-style for notices, with the zone's name so local/UTC is explicit."""
    local = at.astimezone(tz)
    return f"{local:%H:%M:%S} {local.tzname() or ''}".rstrip()


def _pad(text: str) -> str:
    """``9:05`` -> ``09:05`` (``time.fromisoformat`` wants two-digit hours)."""
    return text if text.index(":") == 2 else "0" + text


register(parse_time)
