"""The status bar's fields: what each one means, and which survive a narrow terminal.

Each field states one fact, from one source, so two fields can never contradict each other
(issue 10 saw ``PAUSED · ▶ 1x`` while replaying and ``finished at seq 40 · FOLLOWING``):

* **state**: the connection, exactly one of connecting, live, idle N s, stale since HH:MM:SS,
  reconnecting (attempt N, next in N s), auth failed, not available, finished at seq N
  (``model.connection``).
* **mode**: what the cursor does. ``FOLLOWING``: it stays on the newest event as events arrive.
  ``PAUSED``: it stays where the user put it; ``+N new`` counts the events (those the filter
  shows) that arrived since following stopped, whatever the user does meanwhile (Home, ``g``),
  until following resumes. ``▶ 10x`` / ``⏸ 10x``: a replay, playing or paused; it replaces
  FOLLOWING / PAUSED. A run that is finished or not available has nothing to follow: no mode.
* **seq**: ``seq C / L``: the seq under the cursor, and the run's last seq (the highest the
  broker has assigned, as its last read, poll or event said).
* **first available**: the first seq the broker still holds for this run.
* **rate**: events per second the live tail delivered over the last seconds.
* **lost to trim**: the seqs below the first available one, which the broker has trimmed
  (``first available - 1``): a property of the run as the broker reports it, the same whatever
  the user has looked at, and the same number the run's leading gap row shows.
* **nav**: what navigation adds: the filter (``filter: 1 kind · 1,204 hidden``) and the search
  (``hit 3 of 41``).

``fit`` lays the fields out in a width: every field in its long form when it fits; else the
rate goes first, then the long forms give way to short ones (``first 4,204``, ``lost 4,203``),
then the nav fields, then counts shrink to ``12k``. State, mode, seq, first available and lost
are kept at every width from 80 columns up (for seqs up to six digits).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo

from arena_tui.model.connection import Connection, Phase

SEPARATOR = " · "


class Role(enum.StrEnum):
    STATE = "state"
    MODE = "mode"
    SEQ = "seq"
    FIRST = "first"
    RATE = "rate"
    LOST = "lost"
    NAV = "nav"


@dataclass(frozen=True, slots=True)
class Field:
    role: Role
    long: str
    short: str
    style: str = ""
    """A component class of the status bar for the field's text, or "" for plain."""
    tiny: str = ""
    """The last resort (counts in ``12k`` form); the short form when empty."""


@dataclass(frozen=True, slots=True)
class Facts:
    """What the fields are made from (the log view's, the tail's and the screen's facts)."""

    connection: Connection
    run_id: str = ""
    following: bool = True
    new_count: int = 0
    cursor_seq: int | None = None
    last_seq: int = 0
    available_from: int = 0
    finished: bool = False
    rate: float = 0.0
    replay: str | None = None
    """The replay's label (``▶ 10x``, ``⏸ 1x``) while a replay is on."""
    nav: tuple[str, ...] = ()


def lost_to_trim(available_from: int) -> int:
    """Seqs the broker trimmed from the head of the run: those below the first available."""
    return max(0, available_from - 1)


def fields(facts: Facts, now: float, tz: tzinfo) -> list[Field]:
    """The status bar's fields, in order, each in a long and a short form."""
    conn = facts.connection
    brief = conn.brief(now)
    out = [Field(Role.STATE, conn.describe(now, tz), brief, tiny=brief.split(" #")[0])]
    if not facts.run_id:
        out.append(Field(Role.NAV, "no run selected", "no run"))
        return out
    ended = facts.finished or conn.phase in (Phase.FINISHED, Phase.FAILED)
    if facts.replay is not None:
        out.append(Field(Role.MODE, facts.replay, facts.replay, "status-bar--nav"))
    elif not ended and facts.following:
        out.append(Field(Role.MODE, "FOLLOWING", "FOLLOW", "status-bar--following"))
    elif not ended:
        n = facts.new_count
        new, short, tiny = (f" +{n:,} new", f" +{n:,}", f" +{compact(n)}") if n else ("", "", "")
        out.append(
            Field(
                Role.MODE, f"PAUSED{new}", f"PAUSED{short}", "status-bar--paused", f"PAUSED{tiny}"
            )
        )
    out.extend(Field(Role.NAV, text, _brief_nav(text), "status-bar--nav") for text in facts.nav)
    cursor = f"{facts.cursor_seq:,}" if facts.cursor_seq else "–"
    last = f"{facts.last_seq:,}" if facts.last_seq else "–"
    out.append(Field(Role.SEQ, f"seq {cursor} / {last}", f"{cursor}/{last}"))
    if facts.available_from:
        first = f"{facts.available_from:,}"
        out.append(Field(Role.FIRST, f"first available {first}", f"first {first}"))
    out.append(Field(Role.RATE, f"{facts.rate:,.0f} ev/s", f"{facts.rate:,.0f}/s"))
    lost = lost_to_trim(facts.available_from)
    style = "status-bar--lost" if lost else ""
    out.append(
        Field(
            Role.LOST, f"lost to trim: {lost:,}", f"lost {lost:,}", style, f"lost {compact(lost)}"
        )
    )
    return out


def compact(n: int) -> str:
    """``987``, ``12k``, ``1.2M``: a count in at most five cells."""
    if n < 1_000:
        return str(n)
    if n < 1_000_000:
        return f"{n // 1_000}k"
    return f"{n / 1_000_000:.1f}M"


def _brief_nav(text: str) -> str:
    return text.split(" · ")[0] if text.startswith("filter:") else text


def fit(all_fields: Sequence[Field], width: int) -> list[tuple[str, str]]:
    """``(text, style)`` of the fields that fit in ``width`` cells (separators not included:
    join with ``SEPARATOR``). See the module docstring for what gives way first."""
    kept = list(all_fields)
    short: set[Role] = set()
    tiny: set[Role] = set()

    def form(f: Field) -> str:
        if f.role in tiny and f.tiny:
            return f.tiny
        return f.short if f.role in short else f.long

    def texts() -> list[tuple[str, str]]:
        return [(form(f), f.style) for f in kept]

    def length() -> int:
        parts = texts()
        return sum(len(t) for t, _ in parts) + len(SEPARATOR) * max(0, len(parts) - 1)

    steps: list[tuple[str, Role]] = [
        ("drop", Role.RATE),
        ("short", Role.NAV),
        ("short", Role.FIRST),
        ("short", Role.LOST),
        ("short", Role.SEQ),
        ("short", Role.MODE),
        ("short", Role.STATE),
        ("drop", Role.NAV),
        ("tiny", Role.LOST),
        ("tiny", Role.MODE),
        ("tiny", Role.STATE),
    ]
    for action, role in steps:
        if length() <= width:
            break
        if action == "drop":
            kept = [f for f in kept if f.role is not role]
        else:
            (short if action == "short" else tiny).add(role)
    return texts()
