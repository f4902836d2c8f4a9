"""Which run the user means: a whole run id, or any unique prefix of one.

The app shows run ids shortened to eight characters and an ellipsis (``5eb561a4…``); that text,
with or without its ellipsis, or any other prefix that names exactly one run the broker holds,
is accepted by ``--run`` and ``tail``. An id that exists as written wins over longer ids it
prefixes (``r1`` is ``r1`` even beside ``r10``). A prefix of several runs is an error naming
each of them by its shortest unambiguous prefix, so any of those can be pasted back.
"""

from __future__ import annotations

from collections.abc import Sequence

from arena_tui.broker.errors import BrokerError, RunNotFoundError
from arena_tui.broker.protocol import EventBroker
from arena_tui.model.text import safe_text

ELLIPSES = ("…", "...")
SHOWN_LEN = 8
"""Candidates are named by at least this many characters, as the app shows ids."""
MAX_NAMED = 5


class AmbiguousRunIdError(BrokerError):
    """A prefix that names more than one run; ``candidates`` are their whole ids, sorted."""

    def __init__(self, prefix: str, candidates: Sequence[str]) -> None:
        self.prefix = prefix
        self.candidates = tuple(candidates)
        named = ", ".join(distinct_prefixes(self.candidates[:MAX_NAMED], len(prefix)))
        more = len(self.candidates) - MAX_NAMED
        super().__init__(
            f"run id {safe_text(prefix)} is ambiguous: it starts {len(self.candidates)} runs "
            f"({named}{f' and {more} more' if more > 0 else ''}); give more of the id"
        )


async def resolve_run_id(broker: EventBroker, text: str) -> str:
    """The whole id of the one run ``text`` names; see the module docstring.

    Raises ``RunNotFoundError`` when no run has that id or prefix, ``AmbiguousRunIdError``
    when several do, and whatever the broker raises when it cannot be asked.
    """
    if await _exists(broker, text):
        return text
    prefix = text.strip()
    for ellipsis in ELLIPSES:
        prefix = prefix.removesuffix(ellipsis)
    if not prefix:
        raise RunNotFoundError(text)
    runs = await broker.list_runs()
    matches = sorted(info.run_id for info in runs if info.run_id.startswith(prefix))
    if not matches:
        raise RunNotFoundError(text)
    if len(matches) > 1:
        raise AmbiguousRunIdError(prefix, matches)
    return matches[0]


async def _exists(broker: EventBroker, run_id: str) -> bool:
    if not run_id:
        return False
    try:
        await broker.read_range(run_id, 1, count=1)
    except RunNotFoundError:
        return False
    return True


def distinct_prefixes(ids: Sequence[str], at_least: int) -> list[str]:
    """``ids`` cut to one common length, the shortest (from ``SHOWN_LEN`` and past
    ``at_least``) at which they all differ, with an ellipsis where an id was cut."""
    length = max(SHOWN_LEN, at_least + 1)
    longest = max((len(i) for i in ids), default=0)
    while length < longest and len({i[:length] for i in ids}) < len(ids):
        length += 1
    return [safe_text(i if len(i) <= length else i[:length] + "…") for i in ids]
