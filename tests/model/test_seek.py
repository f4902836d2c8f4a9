"""The ``g`` prompt's grammar: each form to its typed target, and a helpful error otherwise."""

from __future__ import annotations

import pytest

from arena_tui.model import seek
from arena_tui.model.seek import (
    EndTarget,
    RelativeTarget,
    SeekSyntaxError,
    SeekTarget,
    SeqTarget,
    StartTarget,
    TurnTarget,
    parse_seek,
)


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("1234", SeqTarget(1234)),
        (" 1,234 ", SeqTarget(1234)),
        ("1_234", SeqTarget(1234)),
        ("0", SeqTarget(0)),
        ("+100", RelativeTarget(100)),
        ("-100", RelativeTarget(-100)),
        ("- 5", RelativeTarget(-5)),
        ("start", StartTarget()),
        ("Home", StartTarget()),
        ("end", EndTarget()),
        ("NEWEST", EndTarget()),
        ("t41", TurnTarget(41)),
        ("T41", TurnTarget(41)),
        ("turn 41", TurnTarget(41)),
    ],
)
def test_forms(text: str, target: SeekTarget) -> None:
    assert parse_seek(text) == target


@pytest.mark.parametrize("text", ["", "  ", "abc", "t", "12x", "+", "1-2", "t-4", "--3"])
def test_rejects_with_the_forms_it_knows(text: str) -> None:
    with pytest.raises(SeekSyntaxError, match=r"try 1234 \(seq\)"):
        parse_seek(text)


def test_a_new_form_is_one_more_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seek, "PARSERS", list(seek.PARSERS))
    seek.register(lambda text: SeqTarget(-1) if text.endswith("m") else None)
    assert parse_seek("-5m") == SeqTarget(-1)
    assert parse_seek("-5") == RelativeTarget(-5)
