"""TLS: ``rediss://`` with redis-py's query parameters, against a real TLS-only redis-server.

The server and its certificates are made by the module (``tls_certs``), once. A good CA reads
and writes; the wrong CA, a plain server behind ``rediss://`` and a TLS server behind
``redis://`` each fail at once with a message that says exactly that (never "is it
running?"), also on the CLI's one line; bad TLS options are configuration errors. A plain
connection closed cleanly (CLIENT KILL) is no TLS mismatch: no probe, the tail is back at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from arena_tui.broker import BrokerConfigError, BrokerUnavailableError, Event, RunStatus
from arena_tui.broker.backoff import Backoff
from arena_tui.broker.follow import follow
from arena_tui.broker.follow_items import Batch, FollowItem, Reconnected
from arena_tui.broker.redis import RedisStreamsBroker, connection, diagnose
from arena_tui.broker.redis.diagnose import PROBE_TIMEOUT_S
from arena_tui.broker.redis.errors import SuspectTLS
from arena_tui.broker.redis.url import RedisAddress
from tests.broker.tls_certs import Certs, TlsRedis, make_certs
from tests.support.cli import run_cli
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.redis


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture(scope="module")
def tls_server(certs: Certs) -> Iterator[TlsRedis]:
    with TlsRedis(certs) as server:
        yield server


def event(run_id: str, i: int) -> Event:
    return Event(run_id, "a", 1, "metric", {"name": "i", "value": float(i)}, None)


async def refusal(url: str) -> tuple[str, float]:
    """The message of the error ``list_runs`` raises on ``url``, and how long it took."""
    broker = RedisStreamsBroker(url, key_prefix="tls")
    started = time.monotonic()
    try:
        with pytest.raises(BrokerUnavailableError) as raised:
            await broker.list_runs()
    finally:
        await broker.aclose()
    return str(raised.value), time.monotonic() - started


async def test_the_right_ca_reads_and_writes(
    tls_server: TlsRedis, certs: Certs, key_prefix: str
) -> None:
    host = "127.0.0.1"  # the certificate names it: the hostname check passes
    url = tls_server.tls_url(host, f"ssl_ca_certs={certs.ca}&ssl_cert_reqs=required")
    broker = RedisStreamsBroker(url, key_prefix=key_prefix)
    try:
        await broker.open_run("r1")
        await broker.publish_many("r1", [event("r1", i) for i in range(3)])
        (info,) = await broker.list_runs()
        assert (info.run_id, info.last_seq, info.status) == ("r1", 3, RunStatus.OPEN)
        tail = asyncio.create_task(_seqs(broker, "r1"))
        await broker.publish("r1", event("r1", 3))
        await broker.close_run("r1")
        assert await asyncio.wait_for(tail, 10) == [1, 2, 3, 4]
    finally:
        await broker.aclose()
    assert broker.description == f"rediss://{host}:{tls_server.port}/0 (password hidden)"


async def _seqs(broker: RedisStreamsBroker, run_id: str) -> list[int]:
    return [envelope.seq async for envelope in broker.stream(run_id)]


async def test_verification_can_be_turned_off(tls_server: TlsRedis, certs: Certs) -> None:
    broker = RedisStreamsBroker(tls_server.tls_url(query="ssl_cert_reqs=none"), key_prefix="tls")
    try:
        assert await broker.list_runs() == []
    finally:
        await broker.aclose()


async def test_the_wrong_ca_says_the_certificate_was_not_accepted(
    tls_server: TlsRedis, certs: Certs
) -> None:
    message, took = await refusal(tls_server.tls_url(query=f"ssl_ca_certs={certs.other_ca}"))
    assert message.startswith(
        f"TLS: the certificate of rediss://127.0.0.1:{tls_server.port}/0 (password hidden) "
        "was not accepted (self-signed certificate in certificate chain; checked against "
        f"{certs.other_ca}): set ssl_ca_certs=/path/to/ca.pem in the rediss:// URL to the CA "
        "that signed it"
    )
    assert "is it running" not in message
    assert took < 2.0  # a certificate is not retried


async def test_a_plain_server_behind_rediss_is_named(redis_server: RedisServer) -> None:
    url = redis_server.url.replace("redis://", "rediss://")
    message, _ = await refusal(url)
    assert message == (
        f"TLS expected but not offered: rediss://127.0.0.1:{redis_server.port}/0 "
        "(password hidden) answers plain Redis, not TLS. Use redis:// for it, or the port "
        "where the server listens for TLS (tls-port)"
    )


async def test_a_tls_server_behind_plain_redis_is_named(tls_server: TlsRedis) -> None:
    message, _ = await refusal(tls_server.tls_url().replace("rediss://", "redis://"))
    assert message.startswith(
        f"redis://127.0.0.1:{tls_server.port}/0 (password hidden) expects TLS and closed the "
        "plain connection: use rediss://"
    )


async def test_a_tail_gets_the_same_message(tls_server: TlsRedis, certs: Certs) -> None:
    broker = RedisStreamsBroker(tls_server.tls_url(query=f"ssl_ca_certs={certs.other_ca}"))
    try:
        with pytest.raises(BrokerUnavailableError, match=r"^TLS: the certificate of "):
            await _seqs(broker, "r1")
    finally:
        await broker.aclose()


def test_the_cli_says_it_on_one_line(tls_server: TlsRedis, certs: Certs) -> None:
    url = tls_server.tls_url(query=f"ssl_ca_certs={certs.other_ca}")
    result = run_cli(
        "runs",
        env={"ARENA_BROKER_BACKEND": "redis", "REDIS_URL": url},
        timeout=60,
    )
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("arena-tui: error: TLS: the certificate of rediss://127.0.0.1:")
    assert tls_server.password not in result.stderr


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("ssl_ca_certs=/nowhere/ca.pem", "ssl_ca_certs '/nowhere/ca.pem' does not exist"),
        ("ssl_cert_reqs=maybe", "ssl_cert_reqs='maybe'; use one of none, optional, required"),
        ("ssl_check_hostname=perhaps", "ssl_check_hostname='perhaps' is not true or false"),
        ("socket_timeout=3", "unknown option 'socket_timeout'; a rediss:// URL takes ssl_ca_certs"),
    ],
)
def test_bad_tls_options_are_configuration_errors(query: str, says: str) -> None:
    with pytest.raises(BrokerConfigError, match=r"^REDIS_URL ") as raised:
        RedisStreamsBroker(f"rediss://:pw@localhost:6380/0?{query}")
    assert says in str(raised.value)
    assert "pw" not in str(raised.value).replace("password", "")


def test_tls_options_need_rediss() -> None:
    with pytest.raises(BrokerConfigError, match="ssl_cert_reqs is a TLS option; use rediss://"):
        RedisStreamsBroker("redis://localhost/0?ssl_cert_reqs=none")


async def test_a_killed_connection_is_no_tls_mismatch(
    redis_server: RedisServer,
    redis_broker: RedisStreamsBroker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """CLIENT KILL closes a viewer's plain connection cleanly ("Connection closed by server"):
    no TLS probe (which waits up to PROBE_TIMEOUT_S on a plain server), the tail is back at once
    and loses or repeats nothing."""
    probes: list[str] = []
    real_diagnose = diagnose.diagnose  # called from the clients in connection

    async def spy(error: SuspectTLS, address: RedisAddress, url: str) -> BrokerUnavailableError:
        probes.append(str(error))
        return await real_diagnose(error, address, url)

    monkeypatch.setattr(connection, "diagnose", spy)
    await redis_broker.open_run("r1")
    await redis_broker.publish_many("r1", [event("r1", i) for i in range(3)])
    items: list[tuple[float, FollowItem]] = []
    seqs: list[int] = []

    async def tail() -> None:
        async for item in follow(redis_broker, "r1", backoff=Backoff(initial=0.05, jitter=0)):
            items.append((time.monotonic(), item))
            if isinstance(item, Batch):
                seqs.extend(envelope.seq for envelope in item.envelopes)

    task = asyncio.create_task(tail())
    with redis_server.client() as raw:
        deadline = time.monotonic() + 10
        while not (tails := [c for c in raw.client_list() if c["cmd"] == "xread"]) or seqs != [
            1, 2, 3,
        ]:  # fmt: skip
            assert time.monotonic() < deadline, "the tail never blocked in XREAD"
            await asyncio.sleep(0.02)
        (tail_connection,) = tails
        killed_at = time.monotonic()
        assert raw.client_kill_filter(_id=tail_connection["id"]) == 1
    await redis_broker.publish_many("r1", [event("r1", i) for i in range(3, 6)])
    await redis_broker.close_run("r1")
    await asyncio.wait_for(task, 10)

    assert seqs == [1, 2, 3, 4, 5, 6]
    (back_at,) = [at for at, item in items if isinstance(item, Reconnected)]
    assert back_at - killed_at < PROBE_TIMEOUT_S / 2
    assert probes == []
