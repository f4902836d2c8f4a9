"""The broker's connections parse replies with hiredis, the C parser the package depends on.

redis-py falls back to its pure-Python parser, silently, when hiredis is missing or of a
version it does not accept; range reads and catch-up then get 4-5x slower (README,
Performance). This keeps that from going unnoticed.
"""

from __future__ import annotations

import pytest
from redis._parsers import _AsyncHiredisParser
from redis.asyncio.connection import Connection

from arena_tui.broker.redis import RedisStreamsBroker
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.redis


async def test_replies_are_parsed_by_hiredis(redis_server: RedisServer, key_prefix: str) -> None:
    broker = RedisStreamsBroker(redis_server.url, key_prefix=key_prefix)
    try:
        await broker.open_run("r1")
        pool = broker._client.connection_pool
        connection = await pool.get_connection()
        try:
            assert isinstance(connection, Connection)
            assert isinstance(connection._parser, _AsyncHiredisParser)
        finally:
            await pool.release(connection)
    finally:
        await broker.aclose()
