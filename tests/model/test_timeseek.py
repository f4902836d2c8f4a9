"""Time forms of the ``g`` prompt: parsing, and what instant they name."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from arena_tui.model.seek import RelativeTarget, SeqTarget, parse_seek
from arena_tui.model.timeseek import (
    ClockTimeTarget,
    InstantTarget,
    RelativeTimeTarget,
    describe,
    resolve,
)

PLUS2 = timezone(timedelta(hours=2), "CEST")
NOW = datetime(2026, 6, 7, 21, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("19:42:05", ClockTimeTarget(time(19, 42, 5))),
        ("9:05", ClockTimeTarget(time(9, 5))),
        ("19:42:05.250", ClockTimeTarget(time(19, 42, 5, 250_000))),
        ("2026-06-07T19:42:05Z", InstantTarget(datetime(2026, 6, 7, 19, 42, 5, tzinfo=UTC))),
        ("2026-06-07 19:42:05", ClockTimeTarget(time(19, 42, 5), date(2026, 6, 7))),
        ("-5m", RelativeTimeTarget(timedelta(minutes=-5))),
        ("+30s", RelativeTimeTarget(timedelta(seconds=30))),
        ("-1h", RelativeTimeTarget(timedelta(hours=-1))),
        ("-1h30m", RelativeTimeTarget(timedelta(minutes=-90))),
        ("-250ms", RelativeTimeTarget(timedelta(milliseconds=-250))),
        # the seq forms are untouched
        ("-5", RelativeTarget(-5)),
        ("1234", SeqTarget(1234)),
    ],
)
def test_time_forms_parse(text: str, target: object) -> None:
    assert parse_seek(text) == target


@pytest.mark.parametrize("text", ["25:00", "19:61", "2026-13-01T00:00"])
def test_impossible_times_are_not_targets(text: str) -> None:
    with pytest.raises(ValueError, match="cannot go to"):
        parse_seek(text)


@pytest.mark.parametrize(
    ("target", "tz", "base", "expected"),
    [
        # a clock time is today in the zone the time column shows
        (ClockTimeTarget(time(19, 42)), UTC, None, datetime(2026, 6, 7, 19, 42, tzinfo=UTC)),
        (ClockTimeTarget(time(19, 42)), PLUS2, None, datetime(2026, 6, 7, 17, 42, tzinfo=UTC)),
        # "today" is the display zone's today: 00:15 on the 7th in UTC+2 is the 6th in UTC
        (ClockTimeTarget(time(0, 15)), PLUS2, None, datetime(2026, 6, 6, 22, 15, tzinfo=UTC)),
        (
            ClockTimeTarget(time(12, 0), date(2026, 1, 2)),
            PLUS2,
            None,
            datetime(2026, 1, 2, 10, 0, tzinfo=UTC),
        ),
        # relative: from the selected event's time, else from now
        (
            RelativeTimeTarget(timedelta(minutes=-1)),
            UTC,
            datetime(2026, 6, 7, 12, 0, tzinfo=UTC),
            datetime(2026, 6, 7, 11, 59, tzinfo=UTC),
        ),
        (RelativeTimeTarget(timedelta(seconds=30)), UTC, None, NOW + timedelta(seconds=30)),
    ],
)
def test_resolve(target: object, tz: timezone, base: datetime | None, expected: datetime) -> None:
    assert resolve(target, tz=tz, now=NOW, base=base) == expected  # type: ignore[arg-type]


def test_describe_names_the_zone() -> None:
    assert describe(datetime(2026, 6, 7, 17, 42, tzinfo=UTC), PLUS2) == "19:42:00 CEST"
