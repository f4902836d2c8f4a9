"""``broker.redis.bulk``: many reads in one write, against the real server.

The listing's first read goes through it (every run's ``XINFO STREAM`` and the ``MGET``s of
``:seq`` and ``:open``), so it must answer exactly what a redis-py pipeline answers, in order,
with an error reply in its place, and a read cut off half-way must not leave the rest of its
replies on a pooled connection for the next command to read as its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import redis
import redis.asyncio as aioredis
from redis import exceptions as rex

from arena_tui.broker.errors import BrokerError
from arena_tui.broker.redis import RedisStreamsBroker, bulk
from arena_tui.broker.redis.replies import keep_raw
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.redis


@pytest.fixture
async def client(redis_server: RedisServer) -> AsyncIterator[aioredis.Redis]:
    """One pooled connection, so a command after a cut-off read uses the same socket."""
    instance = keep_raw(aioredis.Redis.from_url(redis_server.url, max_connections=1, protocol=2))
    yield instance
    await instance.aclose()


def test_commands_are_packed_as_resp_arrays() -> None:
    assert bulk.pack([("XINFO STREAM", b"k"), ("MGET", b"a", b"bc")]) == (
        b"*3\r\n$5\r\nXINFO\r\n$6\r\nSTREAM\r\n$1\r\nk\r\n*3\r\n$4\r\nMGET\r\n$1\r\na\r\n$2\r\nbc\r\n"
    )


async def test_replies_come_in_order_as_a_pipeline_answers_with_errors_in_place(
    client: aioredis.Redis, raw: redis.Redis, key_prefix: str
) -> None:
    text, stream = f"{key_prefix}:text".encode(), f"{key_prefix}:stream".encode()
    raw.set(text, b"v")
    raw.xadd(stream, {"k": "turn_start"}, id="7-0")
    commands: list[bulk.Command] = [
        ("GET", text),
        ("XLEN", text),  # WRONGTYPE
        ("MGET", text, b"nothing", text),
        ("XINFO STREAM", stream),
        ("XINFO STREAM", b"nothing"),
        ("GET", text),
    ]
    pipe = client.pipeline(transaction=False)
    for name, *args in commands:
        pipe.execute_command(name, *args)
    expected = await pipe.execute(raise_on_error=False)

    got = await bulk.read_many(client, commands, timeout_s=5.0)

    assert [type(reply) for reply in got] == [type(reply) for reply in expected]
    assert isinstance(got[1], rex.ResponseError)
    assert "WRONGTYPE" in str(got[1])
    assert str(got[4]) == "no such key"
    assert got[0] == got[5] == b"v"
    assert got[2] == [b"v", None, b"v"]
    info = dict(zip(got[3][::2], got[3][1::2], strict=True))
    assert info[b"length"] == 1
    assert info[b"first-entry"] == [b"7-0", [b"k", b"turn_start"]]


@pytest.mark.parametrize("how", ["deadline", "cancel"])
async def test_a_read_cut_off_half_way_leaves_no_reply_behind(
    client: aioredis.Redis, raw: redis.Redis, key_prefix: str, how: str
) -> None:
    """A server that stalls mid-batch (here a ``BLPOP`` that answers nil after 1 s): the read is
    cut off while it waits, and the late reply must not become the next command's."""
    key = f"{key_prefix}:text".encode()
    raw.set(key, b"mine")
    stalled: list[bulk.Command] = [("GET", key), ("BLPOP", f"{key_prefix}:none".encode(), b"1")]

    if how == "deadline":
        with pytest.raises(rex.TimeoutError):
            await bulk.read_many(client, stalled, timeout_s=0.2)
    else:
        reading = asyncio.ensure_future(bulk.read_many(client, stalled, timeout_s=None))
        await asyncio.sleep(0.2)  # the GET's reply is read; the BLPOP's is a second away
        reading.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reading

    assert await client.get(key) == b"mine"
    await asyncio.sleep(1.0)  # past the BLPOP's reply, had the socket been kept
    assert await bulk.read_many(client, [("GET", key)], timeout_s=5.0) == [b"mine"]


async def test_the_broker_reads_a_missing_stream_as_none_and_raises_other_errors(
    redis_broker: RedisStreamsBroker, raw: redis.Redis, key_prefix: str
) -> None:
    text = f"{key_prefix}:text".encode()
    raw.set(text, b"v")
    conns = redis_broker._conns
    await conns.ready()

    assert await conns.read_many([("XINFO STREAM", b"gone"), ("GET", text)]) == [None, b"v"]
    with pytest.raises(BrokerError, match="WRONGTYPE"):
        await conns.read_many([("XINFO STREAM", text)])
