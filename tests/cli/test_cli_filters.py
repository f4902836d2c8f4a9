"""``tail --kind/--agent/--grep``: the app's filter and search as a headless twin."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.broker.models import RunMeta
from arena_tui.headless import commands
from arena_tui.model.match import EventFilter, parse_search
from tests.support.cli import Cli
from tests.support.events import event

AGENTS = ("9c1e5f0a", "3e7d0b11")


async def _run(n: int = 20, *, max_len: int = 10_000) -> InProcessBroker:
    broker = InProcessBroker(max_len=max_len)
    await broker.open_run("r1", RunMeta(label="race"))
    kinds = ("turn_start", "llm_response", "action", "metric")
    events = [
        event(
            kind=kinds[i % 4],
            t=i // 4 + 1,
            agent=AGENTS[(i // 4) % 2],
            payload={"note": "houses first" if i % 8 == 1 else "wood"},
        )
        for i in range(n)
    ]
    await broker.publish_many("r1", events)
    await broker.close_run("r1")
    return broker


async def _tail(broker: InProcessBroker, **kw: Any) -> list[dict[str, Any]]:
    out = io.StringIO()
    code = await commands.tail(
        broker, out, io.StringIO(), "r1", from_seq=0, follow=False, jsonl=True, **kw
    )
    assert code == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.parametrize(
    ("kw", "seqs"),
    [
        ({}, list(range(1, 21))),
        ({"event_filter": EventFilter.of(["llm_response"])}, [2, 6, 10, 14, 18]),
        ({"event_filter": EventFilter.of(["llm_response", "metric"], ["3E7D"])}, [6, 8, 14, 16]),
        ({"grep": parse_search("HOUSES")}, [2, 10, 18]),
        ({"grep": parse_search("re:^1 action")}, []),
        (
            {"event_filter": EventFilter.of([], ["9c1e"]), "grep": parse_search("houses")},
            [2, 10, 18],
        ),
    ],
)
async def test_hidden_events_are_not_printed_notices_still_are(
    kw: dict[str, Any], seqs: list[int]
) -> None:
    records = await _tail(await _run(), **kw)
    assert [r["seq"] for r in records if r["type"] == "event"] == seqs
    assert records[-1] == {"type": "finished", "run_id": "r1", "last_seq": 20}


async def test_overflow_is_printed_whatever_the_filter() -> None:
    records = await _tail(await _run(max_len=10), event_filter=EventFilter.of(["nothing"]))
    assert [r["type"] for r in records] == ["overflow", "finished"]


def test_a_bad_grep_regex_is_a_usage_error(cli: Cli) -> None:
    result = cli("tail", "r1", "--grep", "re:(")
    assert result.returncode == 2
    assert "bad regular expression" in result.stderr


def test_the_options_are_documented(cli: Cli) -> None:
    result = cli("tail", "--help")
    assert result.returncode == 0
    for option in ("--kind KIND", "--agent AGENT", "--grep PATTERN"):
        assert option in result.stdout
