"""The world panel's lines and the detail pane's facts and payload, hostile input included."""

from __future__ import annotations

from datetime import UTC, timedelta

from arena_tui.broker.models import Envelope, Event
from arena_tui.model.detail import describe_row, elapsed, facts, payload_text
from arena_tui.model.rows import GapKind, GapRow
from arena_tui.model.text import is_safe
from arena_tui.model.world import world_lines
from tests.support.events import T0
from tests.support.events import numbered as env

STATE = {
    "food": 200.0,
    "wood": 150.5,
    "gold": 0.0,
    "stone": 0.0,
    "population": 7,
    "pop_cap": 10,
    "age": "Feudal Age",
    "buildings": ["TownCenter", "House", "House"],
    "villager_queue": [1, 2],
}


def test_world_lines() -> None:
    lines = world_lines(env(1, kind="turn_start", turn_num=4, state=STATE))
    assert lines == [
        "turn 4 · Feudal Age · aaaa…",
        "food 200  wood 150",
        "gold 0  stone 0",
        "pop 7/10 · queue 2",
        "buildings: TownCenter, House×2",
    ]


def test_world_resources_stay_short() -> None:
    state = {"food": 812.4, "wood": 4641.0, "gold": 15369.0, "stone": 2_100_000.0}
    lines = world_lines(env(1, kind="turn_start", turn_num=4, state=state))
    assert lines[1:3] == ["food 812  wood 4,641", "gold 15.4k  stone 2.1M"]


def test_world_without_a_snapshot_or_with_garbage() -> None:
    assert world_lines(None) == ["no world state yet"]
    assert world_lines(env(1, kind="turn_start", turn_num=4, state=None)) == [
        "turn 4 · no world snapshot"
    ]
    lines = world_lines(env(1, kind="turn_start", state={"age": "\x1b]0;x\x07", "food": "lots"}))
    assert all(is_safe(line) for line in lines)
    assert lines[1] == "food lots"


def test_facts_include_both_elapsed_times() -> None:
    prev, this = env(1), env(11)
    pairs = dict(facts(this, prev, T0 - timedelta(seconds=2), UTC))
    assert pairs["seq"] == "11"
    assert pairs["since previous"] == "+1.000 s (seq 1)"
    assert pairs["since run start"] == "+3.100 s"
    assert pairs["time"] == "2026-06-07T12:00:01.100+00:00"


def test_payload_is_pretty_and_safe() -> None:
    text = payload_text(env(1, reasoning="[red]x[/red] \x1b]52;c;aGk=\x07 \u202e \x9b"))
    assert '"reasoning": "[red]x[/red] \\u001b]52;c;aGk=\\u0007' in text
    assert "\\u202e" in text
    assert "\\x9b" in text
    assert all(is_safe(line) for line in text.split("\n"))
    assert text.startswith("{\n")


def test_broken_entry_shows_problems_and_raw_fields() -> None:
    broken = Envelope(
        seq=3,
        event=Event("r1", "", 0, "?", {}, None),
        problems=("payload is not valid JSON",),
        raw={"p": "{not json", "k": "\x1b[31m"},
    )
    text = payload_text(broken)
    assert text.startswith("⚠ payload is not valid JSON")
    assert '"p": "{not json"' in text
    assert '"k": "\\u001b[31m"' in text
    assert all(is_safe(line) for line in text.split("\n"))


def test_describe_gap_row() -> None:
    text = describe_row(GapRow(GapKind.TRIMMED, 1, 4203))
    assert text.startswith("⚠ seq 1–4,203 trimmed by the broker (4,203 events)")


def test_elapsed() -> None:
    assert [elapsed(s) for s in (0.004, 12.34, 245, 7380, -1.5)] == [
        "+0.004 s",
        "+12.3 s",
        "+4m 05s",
        "+2h 03m",
        "-1.500 s",
    ]
