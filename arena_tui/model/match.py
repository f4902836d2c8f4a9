"""What the filter (``f``) keeps and what the search (``/``) finds: one matcher for app and CLI.

The app's filter and ``arena-tui tail --kind/--agent`` share ``EventFilter``; the app's search
and ``tail --grep`` share ``SearchPattern``, so what a user sees can be scripted exactly.

* **Filter.** Kinds are matched exactly; agents by a case-insensitive prefix of the agent id (the
  log shows ``9c1e…``, so ``9c1e`` is what a user types). Several kinds (or agents) are OR-ed,
  kinds and agents are AND-ed: ``kind:llm_response kind:action agent:9c1e`` keeps the LLM
  responses and actions of agent 9c1e…. Gap and notice rows are never filtered.
* **Search.** Plain text is a case-insensitive substring; a ``re:`` prefix makes the rest a
  Python regular expression (case-insensitive too). It looks at the one-line summary and the
  payload as compact JSON, i.e. what the row shows and what the detail pane shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from arena_tui.broker.models import Envelope
from arena_tui.model.summary import compact, summarize

REGEX_PREFIX = "re:"
FILTER_HELP = "kind:llm_response kind:action agent:9c1e (bare words are kinds; empty clears)"


class MatchSyntaxError(ValueError):
    """A filter or search the user typed cannot be understood; the message says why."""


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Kinds (exact) and agent id prefixes; empty sets keep everything."""

    kinds: frozenset[str] = frozenset()
    agents: frozenset[str] = frozenset()

    @property
    def active(self) -> bool:
        return bool(self.kinds or self.agents)

    def matches(self, envelope: Envelope) -> bool:
        event = envelope.event
        if self.kinds and event.kind not in self.kinds:
            return False
        if self.agents:
            agent = event.agent_id.lower()
            return any(agent.startswith(prefix) for prefix in self.agents)
        return True

    def describe(self) -> str:
        """``2 kinds · 1 agent`` (the status bar's short form)."""
        parts = []
        if self.kinds:
            parts.append(_count(len(self.kinds), "kind"))
        if self.agents:
            parts.append(_count(len(self.agents), "agent"))
        return " · ".join(parts)

    def text(self) -> str:
        """The prompt text that parses back to this filter."""
        words = [f"kind:{k}" for k in sorted(self.kinds)]
        words += [f"agent:{a}" for a in sorted(self.agents)]
        return " ".join(words)

    @classmethod
    def of(cls, kinds: Iterable[str] = (), agents: Iterable[str] = ()) -> EventFilter:
        return cls(
            frozenset(k.strip() for k in kinds if k.strip()),
            frozenset(a.strip().lower() for a in agents if a.strip()),
        )


def parse_filter(text: str) -> EventFilter:
    """``kind:K`` / ``agent:A`` words (``k:``/``a:`` too, commas allowed); bare words are kinds."""
    kinds: list[str] = []
    agents: list[str] = []
    for word in text.replace(",", " ").split():
        key, sep, value = word.partition(":")
        if not sep:
            kinds.append(word)
        elif key.lower() in {"kind", "k"} and value:
            kinds.append(value)
        elif key.lower() in {"agent", "a"} and value:
            agents.append(value)
        else:
            raise MatchSyntaxError(f"cannot filter by {word!r}; try {FILTER_HELP}")
    return EventFilter.of(kinds, agents)


@dataclass(frozen=True, slots=True)
class SearchPattern:
    """A compiled search; ``text`` is what the user typed (shown back in the status bar)."""

    text: str
    regex: re.Pattern[str]

    def matches(self, envelope: Envelope) -> bool:
        return self.regex.search(search_text(envelope)) is not None

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the pattern matches in ``text`` (for highlighting), non-empty matches only."""
        return [m.span() for m in self.regex.finditer(text) if m.end() > m.start()]


def parse_search(text: str) -> SearchPattern:
    """Plain text (case-insensitive substring), or ``re:PATTERN`` (a case-insensitive regex)."""
    if text.startswith(REGEX_PREFIX):
        source = text[len(REGEX_PREFIX) :]
        if not source:
            raise MatchSyntaxError("empty regular expression after re:")
        try:
            regex = re.compile(source, re.IGNORECASE)
        except re.error as exc:
            raise MatchSyntaxError(f"bad regular expression {source!r}: {exc}") from None
    else:
        if not text:
            raise MatchSyntaxError("nothing to search for")
        regex = re.compile(re.escape(text), re.IGNORECASE)
    return SearchPattern(text, regex)


def search_text(envelope: Envelope) -> str:
    """The text a search looks at: the summary, then the payload as compact JSON."""
    payload = {k: v for k, v in envelope.event.payload.items() if k != "kind"}
    return f"{summarize(envelope)}\n{compact(payload)}"


def keeps(envelope: Envelope, flt: EventFilter | None, pattern: SearchPattern | None) -> bool:
    """Whether ``tail`` prints ``envelope``: it passes the filter and, with ``--grep``, matches."""
    if flt is not None and not flt.matches(envelope):
        return False
    return pattern is None or pattern.matches(envelope)


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"
