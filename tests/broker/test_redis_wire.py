"""Redis-only checks: the bytes on the wire, foreign producers, globs, credentials, connections.

The raw client here is plain redis-py, so these tests compare our broker with the wire format
(``shared/wire-format.md``) rather than with itself.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncGenerator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis

from arena_tui.broker import (
    KNOWN_KINDS,
    BrokerAuthError,
    BrokerOverflowError,
    BrokerUnavailableError,
    Envelope,
    Event,
    RunMeta,
)
from arena_tui.broker.redis import RedisStreamsBroker
from tests.support.redis_server import RedisServer, free_port
from tests.support.wire import WireWriter

pytestmark = pytest.mark.redis

WAIT = 5.0
TS = datetime(2026, 6, 7, 12, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture
def broker(redis_broker: RedisStreamsBroker) -> RedisStreamsBroker:
    return redis_broker


async def collect(broker: RedisStreamsBroker, run_id: str, from_seq: int = 0) -> list[Envelope]:
    async def go() -> list[Envelope]:
        return [envelope async for envelope in broker.stream(run_id, from_seq)]

    return await asyncio.wait_for(go(), WAIT)


# -- what we write --------------------------------------------------------------------------


async def test_publish_writes_the_arenas_bytes(
    broker: RedisStreamsBroker, raw: redis.Redis, key_prefix: str
) -> None:
    base = f"{key_prefix}:run:r1"
    meta = RunMeta(label="rank", started_at=datetime(2026, 6, 7, 12, 0, tzinfo=UTC))
    await broker.open_run("r1", meta)
    assert raw.get(f"{base}:open") == (
        b'{"label": "rank", "started_at": "2026-06-07T12:00:00+00:00"}'
    )
    assert 21_590 <= raw.ttl(f"{base}:open") <= 21_600
    await broker.publish(
        "r1", Event("r1", "9c1e", 41, "metric", {"name": "cost_usd", "value": 0.5}, TS)
    )
    await broker.publish_many(
        "r1", [Event("r1", "", 41, "fork", {"parent_run_id": "p", "parent_t": 3}, TS)] * 2
    )
    entries: Any = raw.xrange(f"{base}:events")
    assert [entry_id for entry_id, _ in entries] == [b"1-0", b"2-0", b"3-0"]
    assert list(entries[0][1].items()) == [
        (b"r", b"r1"),
        (b"a", b"9c1e"),
        (b"t", b"41"),
        (b"k", b"metric"),
        (b"p", b'{"kind":"metric","name":"cost_usd","value":0.5}'),
        (b"ts", b"2026-06-07T12:00:00.123456+00:00"),
        (b"v", b"1"),
    ]
    assert entries[2][1][b"a"] == b""
    assert entries[2][1][b"p"] == b'{"kind":"fork","parent_run_id":"p","parent_t":3}'
    assert raw.get(f"{base}:seq") == b"3"

    await broker.open_run("r2")
    assert raw.get(f"{key_prefix}:run:r2:open") == b"1"
    await broker.close_run("r1")
    assert raw.exists(f"{base}:open") == 0
    assert raw.exists(f"{base}:seq", f"{base}:events") == 2
    await broker.reap("r1")
    assert raw.keys(f"{key_prefix}:run:r1:*") == []


# -- what the arena writes ------------------------------------------------------------------

PAYLOADS: dict[str, dict[str, object]] = {
    "turn_start": {
        "turn_num": 1,
        "state": {"food": 200.0, "age": "Dark Age"},
        "profile_name": None,
    },
    "observation": {"entity_count": 12, "classes": ["villager", "town_center"]},
    "llm_prompt": {"state_summary": "food 200, wood 150 — dark age"},
    "llm_response": {"actions": [{"type": "build"}], "reasoning": "grow", "cost_usd": 0.00123},
    "action": {"index_in_turn": 0, "action": {"type": "build", "building": "house"}},
    "action_result": {"index_in_turn": 0, "action_type": "build", "state_changed": True},
    "world_mutation": {"before_summary": "a", "after_summary": "b", "reason": "drought"},
    "fork": {"parent_run_id": "3f2a9c1e" * 4, "parent_t": 7, "mutation_summary": "drought"},
    "metric": {"name": "cost_usd", "value": 0.0012},
}


@pytest.mark.parametrize(
    ("sentinel", "label"),
    [(b'{"label": "race", "started_at": "2026-06-07T12:00:00+00:00"}', "race"), (b"1", None)],
)
async def test_reads_an_independent_producer_with_holes(
    broker: RedisStreamsBroker,
    raw: redis.Redis,
    key_prefix: str,
    sentinel: bytes,
    label: str | None,
) -> None:
    producer = WireWriter(raw, key_prefix, "ext")
    producer.open(sentinel=sentinel)
    written: dict[int, str] = {}
    for i, kind in enumerate(KNOWN_KINDS * 2):
        agent = "" if kind in ("fork", "world_mutation") else "a1b2c3d4" * 4
        seq = producer.publish(kind, PAYLOADS[kind], t=1 + i // 4, agent=agent, ts=TS)
        written[seq] = kind
        if i in (4, 11):  # a producer that crashed between INCR and XADD
            producer.hole()
    producer.close()

    got = await collect(broker, "ext")
    assert [e.seq for e in got] == sorted(written)
    assert [e.seq for e in got][4:7] == [5, 7, 8]  # the hole is visible, not hidden
    for envelope in got:
        kind = written[envelope.seq]
        assert not envelope.problems, envelope.problems
        assert envelope.event.kind == kind
        assert envelope.event.payload == {"kind": kind, **PAYLOADS[kind]}
        assert envelope.event.ts == TS

    [info] = await broker.list_runs()
    assert info.last_seq == max(written)
    assert info.n_events == len(written)
    raw.set(f"{key_prefix}:run:ext:open", sentinel)
    [info] = await broker.list_runs()
    assert info.meta.label == label


async def test_overflow_of_an_independent_producer_matches_the_servers_head(
    broker: RedisStreamsBroker, raw: redis.Redis, key_prefix: str
) -> None:
    producer = WireWriter(raw, key_prefix, "ext", maxlen=100)
    for _ in range(350):
        producer.write(producer.hole(), {b"r": b"ext", b"k": b"metric"})  # a foreign, terse entry
    head = producer.first_retained()
    assert head > 1
    with pytest.raises(BrokerOverflowError) as caught:
        await collect(broker, "ext", from_seq=1)
    assert caught.value.available_from == head
    assert (await broker.read_range("ext", 1)).available_from == head


# -- a producer in another process ---------------------------------------------------------

PRODUCER = """
import asyncio, sys
from datetime import UTC, datetime
from arena_tui.broker import Event, RunMeta
from arena_tui.broker.redis import RedisStreamsBroker

async def main(url, prefix):
    broker = RedisStreamsBroker(url, key_prefix=prefix)
    await broker.open_run("xproc", RunMeta(label="race"))
    print("open", flush=True)
    sys.stdin.readline()
    for chunk in range(20):
        events = [Event("xproc", "a", chunk, "metric", {"name": "n", "value": chunk * 10 + i},
                        datetime.now(UTC)) for i in range(10)]
        await broker.publish_many("xproc", events[:5])
        for event in events[5:]:
            await broker.publish("xproc", event)
        await asyncio.sleep(0.005)
    await broker.close_run("xproc")
    await broker.aclose()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def test_tails_a_producer_in_another_process(
    broker: RedisStreamsBroker, redis_server: RedisServer, key_prefix: str
) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", PRODUCER, redis_server.url, key_prefix,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        cwd=Path(__file__).parents[2],
    )  # fmt: skip
    assert proc.stdin is not None
    assert proc.stdout is not None
    try:
        assert await asyncio.wait_for(proc.stdout.readline(), WAIT) == b"open\n"
        tail = asyncio.create_task(collect(broker, "xproc"))
        await asyncio.sleep(0.05)  # the tail is waiting before the first event exists
        proc.stdin.write(b"go\n")
        await proc.stdin.drain()
        got = await tail
        assert await asyncio.wait_for(proc.wait(), WAIT) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert [e.seq for e in got] == list(range(1, 201))
    assert [e.event.payload["value"] for e in got] == list(range(200))


# -- keys, globs and prefixes ---------------------------------------------------------------

GLOB_IDS = ["r*", "r?", "[r]", "r\\1", "a:b c", "x:open", "r1"]


async def test_glob_characters_in_run_ids_and_prefixes(
    redis_server: RedisServer, key_prefix: str
) -> None:
    globby = RedisStreamsBroker(redis_server.url, key_prefix=f"{key_prefix}:[x]*")
    plain = RedisStreamsBroker(redis_server.url, key_prefix=f"{key_prefix}:x")
    try:
        for i, run_id in enumerate(GLOB_IDS):
            await globby.open_run(run_id)
            await globby.publish_many(run_id, [Event(run_id, "a", 1, "metric", {}, TS)] * (i + 1))
        await plain.open_run("r1")
        await plain.publish("r1", Event("r1", "a", 1, "metric", {}, TS))

        infos = {info.run_id: info for info in await globby.list_runs()}
        assert set(infos) == set(GLOB_IDS)
        assert {run_id: infos[run_id].last_seq for run_id in GLOB_IDS} == {
            run_id: i + 1 for i, run_id in enumerate(GLOB_IDS)
        }
        assert await globby.live_runs() == sorted(GLOB_IDS)
        assert [info.run_id for info in await plain.list_runs()] == ["r1"]
        await globby.close_run("r*")
        assert len(await collect(globby, "r*")) == 1
        assert "r1" in await globby.live_runs()
        await globby.reap("r*")
        assert "r*" not in {info.run_id for info in await globby.list_runs()}
        assert (await globby.read_range("r?", 0)).last_seq == 2
    finally:
        await globby.aclose()
        await plain.aclose()


# -- credentials and reachability -----------------------------------------------------------

SPECIAL_PASSWORD = "p@ss:w/rd#%zz?x"
"""Every character that breaks URL parsers; a raw "%" followed by two hex digits would be
read as percent-encoding (as in any URL), so this one is not."""


@pytest.fixture(scope="module")
def special_server() -> Iterator[RedisServer]:
    with RedisServer(password=SPECIAL_PASSWORD) as server:
        yield server


@pytest.mark.parametrize("encode", [False, True], ids=["raw", "percent-encoded"])
async def test_password_with_url_special_characters(
    special_server: RedisServer, encode: bool
) -> None:
    secret = quote(SPECIAL_PASSWORD, safe="") if encode else SPECIAL_PASSWORD
    url = f"redis://:{secret}@127.0.0.1:{special_server.port}/0"
    broker = RedisStreamsBroker(url, key_prefix="special")
    try:
        assert await broker.publish("r1", Event("r1", "a", 1, "metric", {}, TS)) >= 1
        for text in (repr(broker), broker.description):
            assert "p@ss" not in text
            assert "w/rd" not in text
            assert secret not in text
        assert "127.0.0.1" in broker.description
    finally:
        await broker.aclose()


@pytest.mark.parametrize("secret", ["wrong", "", SPECIAL_PASSWORD])
async def test_bad_credentials_fail_fast_without_leaking(
    redis_server: RedisServer, secret: str
) -> None:
    userinfo = f":{secret}@" if secret else ""
    url = f"redis://{userinfo}127.0.0.1:{redis_server.port}/0"
    broker = RedisStreamsBroker(url, key_prefix="auth")
    started = time.monotonic()
    try:
        with pytest.raises(BrokerAuthError) as caught:
            await broker.publish("r1", Event("r1", "a", 1, "metric", {}, TS))
        elapsed = time.monotonic() - started
        with pytest.raises(BrokerAuthError):
            await broker.list_runs()
    finally:
        await broker.aclose()
    assert elapsed < 1.5  # redis-py's default retry would take ~4-5 s
    message = str(caught.value)
    assert "authentication failed for redis://127.0.0.1" in message
    assert "REDIS_PASSWORD" in message
    if secret:
        assert "(password hidden)" in message
        for text in (message, repr(broker), broker.description, caught.value.url):
            assert secret not in text


async def test_unreachable_server_is_unavailable() -> None:
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    broker = RedisStreamsBroker(url)
    try:
        with pytest.raises(BrokerUnavailableError) as caught:
            await broker.is_open("r1")
        with pytest.raises(BrokerUnavailableError):
            await collect(broker, "r1")
    finally:
        await broker.aclose()
    assert not isinstance(caught.value, BrokerAuthError)
    assert "cannot reach Redis at redis://127.0.0.1:" in str(caught.value)
    assert "just arena-infra-up" in str(caught.value)
    assert "hunter2" not in str(caught.value) + repr(broker)


# -- connections ----------------------------------------------------------------------------


def client_count(raw: redis.Redis) -> int:
    return len(raw.client_list()) - 1  # minus the raw client itself


async def wait_for_count(raw: redis.Redis, at_most: int) -> int:
    """Poll CLIENT LIST until at most ``at_most`` clients remain (the server sees closes late)."""
    for _ in range(int(WAIT / 0.02)):
        count = client_count(raw)
        if count <= at_most:
            break
        await asyncio.sleep(0.02)
    return count


async def test_cancelled_streams_do_not_leak_connections(
    broker: RedisStreamsBroker, raw: redis.Redis
) -> None:
    await broker.open_run("r1")
    await broker.publish("r1", Event("r1", "a", 1, "metric", {}, TS))
    assert await broker.is_open("r1")
    baseline = await wait_for_count(raw, 10_000)

    for i in range(30):
        stream = broker.stream("r1")
        assert (await anext(stream)).seq == 1
        if i % 2:
            task = asyncio.ensure_future(anext(stream))  # blocked in the tail's XREAD
            await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        assert isinstance(stream, AsyncGenerator)
        await stream.aclose()
    assert await wait_for_count(raw, baseline) <= baseline
    assert await broker.publish("r1", Event("r1", "a", 1, "metric", {}, TS)) == 2

    streams = [broker.stream("r1") for _ in range(5)]
    for stream in streams:
        await anext(stream)
    assert client_count(raw) >= baseline + 5  # each tail holds its own connection
    await broker.aclose()
    assert await wait_for_count(raw, baseline - 1) < baseline
