"""The shared matcher (filter and search), and the search's hit positions across the run."""

from __future__ import annotations

import pytest

from arena_tui.broker.models import Envelope
from arena_tui.model.match import (
    EventFilter,
    MatchSyntaxError,
    keeps,
    parse_filter,
    parse_search,
)
from arena_tui.model.search import Search, Step
from tests.support.events import envelope
from tests.support.events import numbered as env


@pytest.mark.parametrize(
    ("text", "kinds", "agents"),
    [
        ("kind:llm_response", {"llm_response"}, set()),
        ("llm_response action", {"llm_response", "action"}, set()),
        ("k:action,k:metric a:9C1E", {"action", "metric"}, {"9c1e"}),
        ("agent:9c1e agent:3e7d", set(), {"9c1e", "3e7d"}),
        ("", set(), set()),
    ],
)
def test_filter_grammar(text: str, kinds: set[str], agents: set[str]) -> None:
    flt = parse_filter(text)
    assert (set(flt.kinds), set(flt.agents)) == (kinds, agents)
    assert parse_filter(flt.text()) == flt


def test_filter_grammar_names_what_it_cannot_read() -> None:
    with pytest.raises(MatchSyntaxError, match="cannot filter by 'colour:red'"):
        parse_filter("colour:red")


@pytest.mark.parametrize(
    ("flt", "envelope", "kept"),
    [
        (EventFilter(), envelope(kind="action"), True),
        (EventFilter.of(["action"]), envelope(kind="action"), True),
        (EventFilter.of(["action"]), envelope(kind="metric"), False),
        (EventFilter.of([], ["9C1E"]), envelope(kind="metric"), True),
        (EventFilter.of([], ["3e7d"]), envelope(kind="metric"), False),
        (EventFilter.of(["action", "metric"], ["9c1e"]), envelope(kind="metric"), True),
        (EventFilter.of(["action"], ["9c1e"]), envelope(kind="metric"), False),
        (EventFilter.of(["action"], ["3e7d", "9c"]), envelope(kind="action"), True),
    ],
)
def test_filter_ors_within_and_ands_across(
    flt: EventFilter, envelope: Envelope, kept: bool
) -> None:
    assert flt.matches(envelope) is kept


def test_filter_describes_itself_for_the_status_bar() -> None:
    assert EventFilter.of(["a", "b"], ["c"]).describe() == "2 kinds · 1 agent"
    assert not EventFilter().active


@pytest.mark.parametrize(
    ("query", "envelope", "found"),
    [
        (
            "houses",
            envelope(kind="llm_response", payload={"reasoning": "Houses first"}),
            True,
        ),  # payload, any case
        (
            "3 actions",
            envelope(kind="llm_response", payload={"actions": [1, 2, 3], "cost_usd": 0.0}),
            True,
        ),  # summary
        ("castle", envelope(kind="metric", payload={"name": "cost_usd", "value": 1}), False),
        (
            "re:cost_usd = 0\\.00[1-3]",
            envelope(kind="metric", payload={"name": "cost_usd", "value": 0.002}),
            True,
        ),
        ("re:^cost", envelope(kind="metric", payload={"name": "cost_usd", "value": 0.002}), True),
        ("re:^value", envelope(kind="metric", payload={"name": "cost_usd", "value": 0.002}), False),
        ("a.b", envelope(kind="action", payload={"note": "axb"}), False),  # plain text is literal
    ],
)
def test_search_looks_at_summary_and_payload(query: str, envelope: Envelope, found: bool) -> None:
    assert parse_search(query).matches(envelope) is found


@pytest.mark.parametrize("query", ["", "re:", "re:("])
def test_bad_searches_say_why(query: str) -> None:
    with pytest.raises(MatchSyntaxError):
        parse_search(query)


def test_keeps_combines_filter_and_grep_like_tail() -> None:
    hit = envelope(kind="llm_response", payload={"reasoning": "houses"})
    assert keeps(hit, EventFilter.of(["llm_response"]), parse_search("houses"))
    assert not keeps(hit, EventFilter.of(["action"]), parse_search("houses"))
    assert not keeps(hit, None, parse_search("castle"))
    assert keeps(hit, None, None)


def test_spans_mark_every_match_for_highlighting() -> None:
    assert parse_search("ab").spans("xABxab") == [(1, 3), (4, 6)]


def _search(hits: list[int], *, covered: list[tuple[int, int]], done: bool = False) -> Search:
    search = Search(parse_search("x"), total=100)
    for first, last in covered:
        search = search.found(first, last, [h for h in hits if first <= h <= last], last - first)
    return search.finished() if done else search


@pytest.mark.parametrize(
    ("covered", "done", "cursor", "direction", "expected"),
    [
        # the scan is complete: steps go to the neighbour hit, wrapping at the run's ends
        ([(1, 100)], True, 25, 1, Step(40)),
        ([(1, 100)], True, 40, 1, Step(70)),
        ([(1, 100)], True, 70, 1, Step(10, wrapped=True)),
        ([(1, 100)], True, 25, -1, Step(10)),
        ([(1, 100)], True, 10, -1, Step(70, wrapped=True)),
        # scanned from the cursor (50) to the end only: forward is known, backward must wait
        ([(50, 100)], False, 50, 1, Step(70)),
        ([(50, 100)], False, 50, -1, None),
        ([(50, 100)], False, 75, 1, None),  # nothing after 70 known yet: wrap needs the rest
        # 10 is known but 11..24 not scanned yet: a closer hit may still turn up
        ([(1, 10), (50, 100)], False, 25, -1, None),
        ([(1, 30), (50, 100)], False, 25, -1, Step(10)),
    ],
)
def test_search_steps_only_to_hits_nothing_closer_can_beat(
    covered: list[tuple[int, int]],
    done: bool,
    cursor: int,
    direction: int,
    expected: Step | None,
) -> None:
    search = _search([10, 40, 70], covered=covered, done=done)
    assert search.step(cursor, direction) == expected


def test_search_counts_hits_and_positions_the_cursor() -> None:
    search = _search([10, 40, 70], covered=[(1, 100)], done=True)
    assert search.status(40) == "/x: hit 2 of 3"
    assert search.status(41) == "/x: 3 hits"
    partial = _search([10], covered=[(1, 50)])
    assert partial.status(10) == "/x: hit 1 of 1… · searching 49%"


def test_search_adds_live_hits_and_forgets_trimmed_ones() -> None:
    search = _search([10, 40], covered=[(1, 50)], done=True)
    search = search.on_live([env(51, note="x marks"), env(52)])
    assert search.hits == (10, 40, 51)
    assert search.trimmed(20).hits == (40, 51)
