"""Run ids and key prefixes holding SCAN-glob characters, colons and spaces.

``* ? [ ] \\`` are special in a SCAN MATCH pattern; a colon is the key separator that naive code
splits on. Each run must be listed under its own id, followed with its own events only, and a
prefix must never match another prefix's keys ("p*x" is not "pax").
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest

from arena_tui.broker.follow_items import Finished
from arena_tui.broker.redis import RedisStreamsBroker
from tests.support.cli import run_cli
from tests.support.events import counted
from tests.support.follow import Recorder
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.redis

RUN_IDS = ["a", "a*", "a?", "a[bc]", "a\\b", "x:run:y", "with space", "*", "[", "a:events"]
PREFIXES = ["pax", "p*x", "p?x", "p:[1] \\x"]


@pytest.fixture(scope="module")
def server() -> Iterator[RedisServer]:
    """One server for the module, every prefix seeded with every run (odd ones closed)."""
    with RedisServer() as running:
        asyncio.run(seed(running))
        yield running


async def seed(server: RedisServer) -> None:
    for prefix in PREFIXES:
        broker = RedisStreamsBroker(server.url, key_prefix=prefix)
        try:
            for n, run_id in enumerate(RUN_IDS, start=1):
                await broker.open_run(run_id)
                events = [counted(run_id, i) for i in range(n + PREFIXES.index(prefix))]
                await broker.publish_many(run_id, events)
                if n % 2:
                    await broker.close_run(run_id)
        finally:
            await broker.aclose()


def expected_count(prefix: str, run_id: str) -> int:
    return RUN_IDS.index(run_id) + 1 + PREFIXES.index(prefix)


@pytest.mark.parametrize("prefix", PREFIXES)
async def test_each_prefix_lists_exactly_its_own_runs(server: RedisServer, prefix: str) -> None:
    broker = RedisStreamsBroker(server.url, key_prefix=prefix)
    try:
        infos = await broker.list_runs()
    finally:
        await broker.aclose()
    assert sorted(info.run_id for info in infos) == sorted(RUN_IDS)
    for info in infos:
        assert info.last_seq == expected_count(prefix, info.run_id), info


@pytest.mark.parametrize("prefix", ["p*x", "p:[1] \\x"])
@pytest.mark.parametrize("run_id", ["a*", "a[bc]", "x:run:y", "with space", "a\\b"])
async def test_follow_reads_only_that_run(server: RedisServer, prefix: str, run_id: str) -> None:
    broker = RedisStreamsBroker(server.url, key_prefix=prefix)
    try:
        await broker.close_run(run_id)
        follower = Recorder(broker, run_id)
        await follower.wait_until(lambda f: bool(f.of(Finished)))
        envelopes = [
            e for item in follower.items if hasattr(item, "envelopes") for e in item.envelopes
        ]
    finally:
        await broker.aclose()
    n = expected_count(prefix, run_id)
    assert follower.seqs == list(range(1, n + 1))
    assert {e.event.run_id for e in envelopes} == {run_id}
    assert not any(e.problems for e in envelopes)


async def test_cli_runs_and_tail_with_glob_prefix_and_ids(server: RedisServer) -> None:
    env = {"ARENA_BROKER_BACKEND": "redis", "REDIS_URL": server.url, "ARENA_KEY_PREFIX": "p*x"}
    listed = run_cli("runs", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert sorted(r["run_id"] for r in json.loads(listed.stdout)) == sorted(RUN_IDS)
    for run_id in ("a*", "[", "with space", "x:run:y"):
        tailed = run_cli("tail", run_id, "--jsonl", "--no-follow", env=env)
        assert tailed.returncode == 0, tailed.stderr
        records = [json.loads(line) for line in tailed.stdout.splitlines()]
        events = [r for r in records if r["type"] == "event"]
        assert [r["seq"] for r in events] == list(range(1, expected_count("p*x", run_id) + 1))
        assert {r["run_id"] for r in events} == {run_id}
