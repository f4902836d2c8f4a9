"""The status bar's fields: one meaning each (README, "Status bar"), and what a width keeps."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

import pytest

from arena_tui.model.connection import Connection
from arena_tui.model.status import SEPARATOR, Facts, Role, fields, fit, lost_to_trim

LIVE = Connection().live(0.0)
BASE = Facts(
    connection=LIVE,
    run_id="r1",
    following=True,
    cursor_seq=8_412,
    last_seq=8_412,
    available_from=4_204,
    rate=310.0,
)


def line(facts: Facts, width: int = 500, now: float = 1.0) -> str:
    return SEPARATOR.join(text for text, _ in fit(fields(facts, now, UTC), width))


def role(facts: Facts, wanted: Role) -> list[str]:
    return [f.long for f in fields(facts, 1.0, UTC) if f.role is wanted]


def test_the_whole_line_in_long_forms() -> None:
    assert line(BASE) == (
        "live · FOLLOWING · seq 8,412 / 8,412 · first available 4,204 · 310 ev/s"
        " · lost to trim: 4,203"
    )


@pytest.mark.parametrize(
    ("connection", "state"),
    [
        (Connection(), "connecting"),
        (LIVE, "live"),
        (Connection().live(-10.0), "idle 11 s"),
        (LIVE.reconnecting(2, 4.2), "reconnecting (attempt 2, next in 4 s)"),
        (LIVE.auth_failed("no"), "auth failed"),
        (LIVE.failed("run x is not in the broker"), "not available"),
        (LIVE.finished(977), "finished at seq 977"),
    ],
)
def test_state_is_exactly_one_connection_state(connection: Connection, state: str) -> None:
    assert role(replace(BASE, connection=connection), Role.STATE) == [state]


@pytest.mark.parametrize(
    ("changes", "mode"),
    [
        ({}, ["FOLLOWING"]),
        ({"following": False}, ["PAUSED"]),
        ({"following": False, "new_count": 1_204}, ["PAUSED +1,204 new"]),
        ({"replay": "▶ 1x", "following": False}, ["▶ 1x"]),  # never "PAUSED · ▶ 1x"
        ({"replay": "⏸ 10x"}, ["⏸ 10x"]),
        ({"finished": True}, []),  # never "finished at seq 40 · FOLLOWING"
        ({"connection": LIVE.finished(40)}, []),
        ({"connection": LIVE.failed("gone")}, []),
        ({"connection": LIVE.finished(40), "replay": "▶ max"}, ["▶ max"]),
    ],
)
def test_mode_is_one_of_following_paused_or_a_replay(
    changes: dict[str, object], mode: list[str]
) -> None:
    assert role(replace(BASE, **changes), Role.MODE) == mode  # type: ignore[arg-type]


def test_seq_is_the_cursor_over_the_runs_last_seq() -> None:
    assert role(replace(BASE, cursor_seq=12, last_seq=977), Role.SEQ) == ["seq 12 / 977"]
    assert role(replace(BASE, cursor_seq=None, last_seq=0), Role.SEQ) == ["seq – / –"]


def test_first_available_is_the_brokers_first_retained_seq() -> None:
    assert role(BASE, Role.FIRST) == ["first available 4,204"]
    assert role(replace(BASE, available_from=0), Role.FIRST) == []  # nothing retained (yet)


def test_rate_is_the_tails_events_per_second() -> None:
    assert role(replace(BASE, rate=1234.4), Role.RATE) == ["1,234 ev/s"]


def test_lost_to_trim_is_the_runs_seqs_below_the_first_available() -> None:
    """A property of the run, as the broker reports it, not of where the user went."""
    assert lost_to_trim(4_204) == 4_203
    assert lost_to_trim(1) == lost_to_trim(0) == 0
    assert role(BASE, Role.LOST) == ["lost to trim: 4,203"]
    wandered = replace(BASE, cursor_seq=4_204, following=False, new_count=40)
    assert role(wandered, Role.LOST) == role(BASE, Role.LOST)


def test_nav_carries_the_filter_and_the_search() -> None:
    facts = replace(BASE, nav=("filter: 1 kind · 1,204 hidden", "hit 3 of 41"))
    assert role(facts, Role.NAV) == ["filter: 1 kind · 1,204 hidden", "hit 3 of 41"]


def test_no_run_selected() -> None:
    assert line(Facts(connection=LIVE)) == "live · no run selected"


@pytest.mark.parametrize("width", [76, 96, 116, 196])
def test_every_width_keeps_state_mode_seq_first_available_and_lost(width: int) -> None:
    worst = replace(
        BASE,
        connection=LIVE.reconnecting(12, 9.0),
        following=False,
        new_count=12_345,
        cursor_seq=234_567,
        last_seq=469_134,
        available_from=234_000,
        nav=("filter: 2 kinds · 1,204 hidden", "hit 3 of 41"),
    )
    text = line(worst, width)
    assert len(text) <= width
    for part in (
        "reconnecting",
        "PAUSED +12",
        "234,567",
        "469,134",
        "first",
        "234,000",
        "lost",
        "233",
    ):
        assert part in text, (width, text)


def test_a_wide_bar_keeps_the_long_forms_and_a_narrow_one_drops_the_rate_first() -> None:
    full = line(BASE)
    assert line(BASE, len(full)) == full
    assert line(BASE, len(full) - 1) == (
        "live · FOLLOWING · seq 8,412 / 8,412 · first available 4,204 · lost to trim: 4,203"
    )
