"""The ``g`` prompt's grammar: text in, a typed target out.

Forms understood today: ``1234`` (a seq; ``1,234`` and ``1_234`` too), ``+100`` / ``-100``
(relative to the cursor), ``start`` / ``end`` (also ``home`` / ``newest``), ``t41`` (the first
event of turn 41). Parsing is a list of small parsers tried in order, so a later form (times
such as ``19:42:05`` or ``-5m``) is one more parser and one more target type, registered with
``register`` ahead of the relative-seq parser it would otherwise collide with.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from arena_tui.broker.models import Seq


@dataclass(frozen=True, slots=True)
class SeqTarget:
    seq: Seq


@dataclass(frozen=True, slots=True)
class RelativeTarget:
    delta: int


@dataclass(frozen=True, slots=True)
class StartTarget:
    pass


@dataclass(frozen=True, slots=True)
class EndTarget:
    pass


@dataclass(frozen=True, slots=True)
class TurnTarget:
    turn: int


class Deferred:
    """Base of targets the view cannot reach alone (a time): the screen resolves them to a seq."""

    __slots__ = ()


SeekTarget = SeqTarget | RelativeTarget | StartTarget | EndTarget | TurnTarget
Target = SeekTarget | Deferred
Parser = Callable[[str], "Target | None"]

HELP = (
    "1234 (seq) · +100 / -100 (relative) · start · end · t41 (turn) · "
    "19:42:05, 2026-06-07T19:42:05Z, -5m / +30s (time)"
)


class SeekSyntaxError(ValueError):
    """The text is not a target; the message says which forms are understood."""


_NUMBER = r"\d[\d,_]*"


def _int(text: str) -> int:
    return int(text.replace(",", "").replace("_", ""))


def _seq(text: str) -> SeekTarget | None:
    if re.fullmatch(_NUMBER, text):
        return SeqTarget(_int(text))
    return None


def _relative(text: str) -> SeekTarget | None:
    match = re.fullmatch(rf"([+-])\s*({_NUMBER})", text)
    if match is None:
        return None
    delta = _int(match.group(2))
    return RelativeTarget(delta if match.group(1) == "+" else -delta)


def _word(text: str) -> SeekTarget | None:
    word = text.lower()
    if word in {"start", "home", "first", "begin"}:
        return StartTarget()
    if word in {"end", "newest", "last", "follow"}:
        return EndTarget()
    return None


def _turn(text: str) -> SeekTarget | None:
    match = re.fullmatch(rf"(?:t|turn\s*)({_NUMBER})", text, flags=re.IGNORECASE)
    return TurnTarget(_int(match.group(1))) if match else None


PARSERS: list[Parser] = [_word, _seq, _turn, _relative]


def register(parser: Parser, *, first: bool = True) -> None:
    """Add a parser; ``first`` puts it ahead of the built-in ones (so ``-5m`` beats ``-5``)."""
    if first:
        PARSERS.insert(0, parser)
    else:
        PARSERS.append(parser)


def parse_seek(text: str) -> Target:
    """The target ``text`` names, or ``SeekSyntaxError`` listing what would have worked."""
    cleaned = text.strip()
    if cleaned:
        for parser in PARSERS:
            target = parser(cleaned)
            if target is not None:
                return target
    raise SeekSyntaxError(f"cannot go to {cleaned!r}; try {HELP}")
