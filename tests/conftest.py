"""Fixtures shared by every test layer: a private Redis server and brokers on both backends.

``redis_server`` is one real server per test session (see ``redis_server.py``; never the
machine's own Redis on 6379). ``key_prefix`` gives each test its own keyspace on it, so tests
need no cleanup between them. ``broker`` runs a test once per backend: the contract suite in
``tests/broker`` is written once and must pass on both.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator

import pytest
from redis_server import RedisServer

from arena_tui.broker import EventBroker
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.broker.redis_streams import RedisStreamsBroker

BACKENDS = ["inprocess", "redis"]


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture
def key_prefix() -> str:
    return f"test:{secrets.token_hex(4)}"


def make_test_broker(
    backend: str, request: pytest.FixtureRequest, key_prefix: str, max_len: int = 10_000
) -> EventBroker:
    """A fresh broker of ``backend``; the Redis server is started only when a test needs it."""
    if backend == "inprocess":
        return InProcessBroker(max_len=max_len)
    server: RedisServer = request.getfixturevalue("redis_server")
    return RedisStreamsBroker(server.url, key_prefix=key_prefix, max_len=max_len)


@pytest.fixture(params=BACKENDS)
async def broker(request: pytest.FixtureRequest, key_prefix: str) -> AsyncIterator[EventBroker]:
    backend: str = request.param
    if backend == "redis":
        request.applymarker(pytest.mark.redis)
    instance = make_test_broker(backend, request, key_prefix)
    try:
        yield instance
    finally:
        await instance.aclose()
