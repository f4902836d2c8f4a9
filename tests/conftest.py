"""Fixtures shared by every test layer: a private Redis server and brokers on both backends.

``redis_server`` is one real server per test session (``tests/support/redis_server.py``; never
the machine's own Redis on 6379). ``key_prefix`` gives each test its own keyspace on it, so
tests need no cleanup between them: every test that neither kills, restarts, reconfigures nor
floods a server uses it (``raw`` and ``redis_env`` too). A test that does any of those starts
its own ``RedisServer`` instead. ``broker`` runs a test once per backend: the contract suite in
``tests/broker`` is written once and must pass on both.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis

from arena_tui.broker import EventBroker
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.broker.redis import RedisStreamsBroker
from tests.support.brokers import BrokerFactory
from tests.support.cli import Cli, make_cli, redis_env_for
from tests.support.redis_server import RedisServer

BACKENDS = [
    pytest.param("inprocess", id="inprocess"),
    pytest.param("redis", id="redis", marks=pytest.mark.redis),
]


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture
def key_prefix() -> str:
    return f"test:{secrets.token_hex(4)}"


@pytest.fixture
def raw(redis_server: RedisServer) -> Iterator[redis.Redis]:
    """A plain redis-py client on the session server (bytes replies), for wire writes/checks."""
    client = redis_server.client()
    yield client
    client.close()


@pytest.fixture
async def redis_broker(
    redis_server: RedisServer, key_prefix: str
) -> AsyncIterator[RedisStreamsBroker]:
    """A Redis broker on the session server under this test's prefix; closed at teardown."""
    instance = RedisStreamsBroker(redis_server.url, key_prefix=key_prefix)
    yield instance
    await instance.aclose()


@pytest.fixture
def redis_env(redis_server: RedisServer, key_prefix: str) -> dict[str, str]:
    """The variables that point the console script at the session server and this test's keys."""
    return redis_env_for(redis_server, key_prefix)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """The real console script, run in the test's temporary directory (``support.cli``)."""
    return make_cli(tmp_path)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
async def broker_factory(
    backend: str, request: pytest.FixtureRequest, key_prefix: str
) -> AsyncIterator[BrokerFactory]:
    """Make brokers of this test's backend (e.g. a second one with a small ``max_len``).

    All share the test's key prefix, so two Redis brokers see the same runs. Every broker made
    is closed at teardown. The Redis server is only started when a test needs it.
    """
    made: list[EventBroker] = []
    server: RedisServer | None = None
    if backend == "redis":
        server = request.getfixturevalue("redis_server")

    def make(*, max_len: int = 10_000) -> EventBroker:
        instance: EventBroker
        if server is None:
            instance = InProcessBroker(max_len=max_len)
        else:
            instance = RedisStreamsBroker(server.url, key_prefix=key_prefix, max_len=max_len)
        made.append(instance)
        return instance

    try:
        yield make
    finally:
        for instance in made:
            await instance.aclose()


@pytest.fixture
def broker(broker_factory: BrokerFactory) -> EventBroker:
    """A fresh broker, once per backend; closed at teardown."""
    return broker_factory()
