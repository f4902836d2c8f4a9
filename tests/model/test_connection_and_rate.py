"""Exactly one connection state in words, and the events/s meter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from arena_tui.model.connection import Connection, Tone
from arena_tui.model.rate import RateMeter

NOW = 100.0


@pytest.mark.parametrize(
    ("state", "text", "tone"),
    [
        (Connection(), "connecting", Tone.WAIT),
        (Connection().live(NOW), "live", Tone.GOOD),
        (Connection().live(NOW - 4.9), "live", Tone.GOOD),
        (Connection().live(NOW - 12.2), "idle 12 s", Tone.WAIT),
        (
            Connection().live(NOW).reconnecting(3, NOW + 4.0),
            "reconnecting (attempt 3, next in 4 s)",
            Tone.WARN,
        ),
        (
            Connection().live(NOW).reconnecting(1, NOW + 0.3),
            "reconnecting (attempt 1, next in 1 s)",
            Tone.WARN,
        ),
        (
            Connection().live(NOW).reconnecting(2, NOW - 0.1),
            "reconnecting (attempt 2, trying now)",
            Tone.WARN,
        ),
        (Connection().live(NOW).auth_failed(), "auth failed", Tone.BAD),
        (Connection().live(NOW).finished(8412), "finished at seq 8,412", Tone.DONE),
        (
            Connection().live(NOW).stale(datetime(2026, 6, 7, 19, 42, 5, tzinfo=UTC)),
            "stale since 19:42:05",
            Tone.WARN,
        ),
        (
            Connection().live(NOW - 60).stale(datetime(2026, 6, 7, 19, 42, 5, tzinfo=UTC)),
            "stale since 19:42:05",
            Tone.WARN,
        ),
        (
            Connection().finished(9).stale(datetime(2026, 6, 7, 19, 42, 5, tzinfo=UTC)),
            "finished at seq 9",
            Tone.DONE,
        ),
        (Connection().reconnecting(1, NOW + 2).on_events(NOW), "live", Tone.GOOD),
    ],
)
def test_one_state_at_a_time(state: Connection, text: str, tone: Tone) -> None:
    assert state.describe(NOW, UTC) == text
    assert state.tone(NOW) is tone


@pytest.mark.parametrize(
    ("adds", "now", "rate"),
    [
        ([], 10.0, 0.0),
        ([(100, 10.0)], 10.0, 100.0),
        ([(50, 10.0), (50, 10.5)], 10.5, 100.0),
        ([(310, float(s)) for s in range(0, 20)] + [(155, 20.0)], 20.5, 310.0),
        ([(100, 0.0)], 30.0, 0.0),
    ],
)
def test_rate(adds: list[tuple[int, float]], now: float, rate: float) -> None:
    meter = RateMeter()
    for n, at in adds:
        meter = meter.add(n, at)
    assert meter.rate(now) == pytest.approx(rate)


def test_rate_memory_is_bounded() -> None:
    meter = RateMeter()
    for second in range(10_000):
        meter = meter.add(1, float(second))
    assert len(meter.buckets) <= meter.window + 1
