"""make_broker(): the arena runbook's backend selection, read at call time."""

from __future__ import annotations

import pytest

from arena_tui.broker import BrokerConfigError
from arena_tui.broker.factory import BrokerSettings, make_broker
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.broker.redis import RedisStreamsBroker


@pytest.mark.parametrize("value", [None, "", "inprocess", "  InProcess \n", "INPROCESS"])
async def test_inprocess_is_the_default(value: str | None) -> None:
    env = {} if value is None else {"ARENA_BROKER_BACKEND": value}
    broker = make_broker(env=env)
    assert isinstance(broker, InProcessBroker)
    assert broker.description == "in-process"
    await broker.aclose()


@pytest.mark.parametrize("value", ["redis", " Redis ", "REDIS"])
async def test_redis_backend(value: str) -> None:
    env = {"ARENA_BROKER_BACKEND": value, "ARENA_KEY_PREFIX": "x", "ARENA_MAX_LEN": "50"}
    broker = make_broker(env=env)
    assert isinstance(broker, RedisStreamsBroker)
    assert (broker.key_prefix, broker.max_len) == ("x", 50)
    assert broker.description == "redis://localhost:6379/0"
    await broker.aclose()  # never connected: nothing to release


def test_unknown_backend_names_the_valid_values() -> None:
    with pytest.raises(BrokerConfigError, match="inprocess, redis"):
        make_broker(env={"ARENA_BROKER_BACKEND": "kafka"})


@pytest.mark.parametrize(
    ("env", "url"),
    [
        ({}, "redis://localhost:6379/0"),
        ({"REDIS_PASSWORD": "s3cret"}, "redis://:s3cret@localhost:6379/0"),
        ({"REDIS_PASSWORD": "a/b#c@d"}, "redis://:a%2Fb%23c%40d@localhost:6379/0"),
        ({"REDIS_PASSWORD": "pw", "REDIS_URL": "redis://h:1/2"}, "redis://h:1/2"),
    ],
)
def test_redis_url_precedence(env: dict[str, str], url: str) -> None:
    assert BrokerSettings.from_mapping(env).redis_url == url


async def test_password_never_in_repr_or_description() -> None:
    env = {"ARENA_BROKER_BACKEND": "redis", "REDIS_PASSWORD": "a/b#c@d"}
    settings = BrokerSettings.from_mapping(env)
    broker = make_broker(settings)
    for text in (repr(settings), repr(broker), broker.description):
        assert "a/b#c@d" not in text
        assert "a%2Fb" not in text
    assert broker.description == "redis://localhost:6379/0 (password hidden)"
    await broker.aclose()


def test_rotated_password_is_picked_up_by_the_next_call() -> None:
    first = BrokerSettings.from_mapping({"REDIS_PASSWORD": "old"})
    second = BrokerSettings.from_mapping({"REDIS_PASSWORD": "new"})
    assert (first.redis_url, second.redis_url) == (
        "redis://:old@localhost:6379/0",
        "redis://:new@localhost:6379/0",
    )


def test_make_broker_reads_os_environ_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARENA_BROKER_BACKEND", "redis")
    assert isinstance(make_broker(), RedisStreamsBroker)
    monkeypatch.setenv("ARENA_BROKER_BACKEND", "inprocess")
    assert isinstance(make_broker(), InProcessBroker)


@pytest.mark.parametrize("value", ["abc", "0", "-5"])
def test_bad_max_len(value: str) -> None:
    with pytest.raises(BrokerConfigError, match="ARENA_MAX_LEN"):
        BrokerSettings.from_mapping({"ARENA_MAX_LEN": value})


@pytest.mark.parametrize(
    "url", ["http://localhost:6379", "redis://", "redis://host:port", "redis://h:6379/x"]
)
def test_bad_redis_url_is_a_config_error(url: str) -> None:
    with pytest.raises(BrokerConfigError, match="REDIS_URL"):
        RedisStreamsBroker(url)
