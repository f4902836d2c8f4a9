"""A least-privilege Redis user: the README's ACL lines, against the suite's real server.

The viewer line (``~<prefix>:* resetchannels -@all +@read +@connection``) can list, read and
tail; nothing a viewer does needs more. ``produce`` and ``smoke`` under it fail with one line
naming the refused command and the permission to grant, and so does a producer user without
``+@scripting``. The producer line can publish. The user comes from the URL or, when the URL
names none, from ``REDIS_USERNAME``.
"""

from __future__ import annotations

import asyncio
import secrets
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator

import pytest

from arena_tui.broker import BrokerPermissionError, Event, RunStatus
from arena_tui.broker.factory import BrokerSettings, make_broker
from arena_tui.broker.redis import RedisStreamsBroker
from tests.support.cli import run_cli
from tests.support.pilot import WIDE, live_app, shown_seqs, status_text, until
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.redis

VIEWER_RULES = "resetchannels -@all +@read +@connection"
PRODUCER_RULES = "resetchannels -@all +@read +@write +@scripting +@connection"


class AclUser:
    """One ACL user on the suite's server, restricted to the test's key prefix."""

    def __init__(self, server: RedisServer, key_prefix: str, rules: str) -> None:
        self.server = server
        self.name = f"u{secrets.token_hex(4)}"
        self.password = secrets.token_hex(8)
        with server.client() as raw:
            raw.execute_command(
                "ACL", "SETUSER", self.name, "on", f">{self.password}", f"~{key_prefix}:*",
                *rules.split(),
            )  # fmt: skip

    @property
    def url(self) -> str:
        return f"redis://{self.name}:{self.password}@127.0.0.1:{self.server.port}/0"

    def drop(self) -> None:
        with self.server.client() as raw:
            raw.execute_command("ACL", "DELUSER", self.name)


MakeUser = Callable[[str], AclUser]
AsUser = Callable[[AclUser], RedisStreamsBroker]


@pytest.fixture
def acl_user(redis_server: RedisServer, key_prefix: str) -> Iterator[MakeUser]:
    """Makes users with the given rules on the suite's server; all dropped at teardown."""
    made: list[AclUser] = []

    def make(rules: str) -> AclUser:
        made.append(AclUser(redis_server, key_prefix, rules))
        return made[-1]

    yield make
    for user in made:
        user.drop()


@pytest.fixture
def viewer(acl_user: MakeUser) -> AclUser:
    return acl_user(VIEWER_RULES)


@pytest.fixture
async def as_user(key_prefix: str) -> AsyncIterator[AsUser]:
    """Makes a broker logged in as a user, under the test's prefix; all closed at teardown."""
    made: list[RedisStreamsBroker] = []

    def make(user: AclUser) -> RedisStreamsBroker:
        made.append(RedisStreamsBroker(user.url, key_prefix=key_prefix))
        return made[-1]

    yield make
    for broker in made:
        await broker.aclose()


def event(run_id: str, i: int) -> Event:
    return Event(run_id, "a", 1 + i // 10, "metric", {"name": "i", "value": float(i)}, None)


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env={"ARENA_BROKER_BACKEND": "redis", **env}, timeout=60)


async def test_a_viewer_user_lists_reads_and_tails(
    redis_broker: RedisStreamsBroker, viewer: AclUser, as_user: AsUser
) -> None:
    writer, reader = redis_broker, as_user(viewer)
    await writer.open_run("r1")
    await writer.publish_many("r1", [event("r1", i) for i in range(5)])

    (info,) = await reader.list_runs()
    assert (info.run_id, info.last_seq, info.status) == ("r1", 5, RunStatus.OPEN)
    assert await reader.live_runs() == ["r1"]
    assert [e.seq for e in (await reader.read_range("r1", 2, count=2)).envelopes] == [2, 3]

    async def tail() -> list[int]:
        return [envelope.seq async for envelope in reader.stream("r1")]

    task = asyncio.create_task(tail())
    await writer.publish_many("r1", [event("r1", i) for i in range(5, 8)])
    await writer.close_run("r1")
    assert await asyncio.wait_for(task, 10) == list(range(1, 9))
    (info,) = await reader.list_runs(stale_after=0.001)  # no grace for recent events
    assert info.status is RunStatus.FINISHED


async def test_the_app_opens_a_run_and_follows_it_as_a_viewer(
    redis_broker: RedisStreamsBroker, viewer: AclUser, as_user: AsUser
) -> None:
    writer = redis_broker
    await writer.open_run("r1")
    await writer.publish_many("r1", [event("r1", i) for i in range(5)])
    app = live_app(as_user(viewer), run_id="r1")
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await until(pilot, lambda: shown_seqs(app) == [1, 2, 3, 4, 5], what="the run")
        await writer.publish_many("r1", [event("r1", i) for i in range(5, 8)])
        await until(pilot, lambda: shown_seqs(app)[-1:] == [8], what="live events")
        await writer.close_run("r1")
        await until(pilot, lambda: "finished at seq 8" in status_text(app), what="finished")
        assert shown_seqs(app) == list(range(1, 9))
        assert not app._notifications  # no refusal, no error toast


async def test_the_user_may_come_from_redis_username(
    redis_server: RedisServer, key_prefix: str, viewer: AclUser
) -> None:
    env = {
        "ARENA_BROKER_BACKEND": "redis",
        "REDIS_URL": f"redis://:{viewer.password}@127.0.0.1:{redis_server.port}/0",
        "REDIS_USERNAME": viewer.name,
        "ARENA_KEY_PREFIX": key_prefix,
    }
    settings = BrokerSettings.from_mapping(env)
    assert settings.redis_username == viewer.name
    broker = make_broker(settings)
    try:
        assert await broker.list_runs() == []
        with pytest.raises(BrokerPermissionError) as refused:
            await broker.open_run("r1")
    finally:
        await broker.aclose()
    assert refused.value.command == "SET"
    assert f"Redis user {viewer.name!r}" in str(refused.value)


@pytest.mark.parametrize("command", ["produce", "smoke"])
def test_produce_and_smoke_as_a_viewer_fail_with_one_line_naming_the_permission(
    redis_server: RedisServer, key_prefix: str, viewer: AclUser, command: str
) -> None:
    args = [command, "--runs", "1", "--turns", "2"] if command == "produce" else [command]
    result = cli(*args, env={"REDIS_URL": viewer.url, "ARENA_KEY_PREFIX": key_prefix})

    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line == (
        f"arena-tui: error: Redis user {viewer.name!r} at "
        f"redis://127.0.0.1:{redis_server.port}/0 (password hidden) lacks the "
        "permission to run SET (NOPERM): SET needs the @write permission; grant it with "
        f"ACL SETUSER {viewer.name} +set (README: Using it against Redis)"
    )
    assert viewer.password not in result.stderr + result.stdout


async def test_a_producer_without_scripting_is_told_to_grant_it(
    acl_user: MakeUser, as_user: AsUser
) -> None:
    broker = as_user(acl_user("resetchannels -@all +@read +@write +@connection"))
    await broker.open_run("r1")
    with pytest.raises(BrokerPermissionError) as refused:
        await broker.publish("r1", event("r1", 0))
    assert refused.value.command == "EVALSHA"
    assert "EVALSHA needs the @scripting permission" in str(refused.value)


async def test_the_readme_producer_line_publishes(acl_user: MakeUser, as_user: AsUser) -> None:
    broker = as_user(acl_user(PRODUCER_RULES))
    await broker.open_run("r1")
    assert await broker.publish_many("r1", [event("r1", i) for i in range(3)]) == [1, 2, 3]
    await broker.close_run("r1")
    await broker.reap("r1")


async def test_keys_outside_the_users_patterns_are_named(
    redis_server: RedisServer, key_prefix: str, viewer: AclUser
) -> None:
    with redis_server.client() as raw:
        raw.set(f"other{key_prefix}:run:r1:seq", 1)
    broker = RedisStreamsBroker(viewer.url, key_prefix=f"other{key_prefix}")
    try:
        with pytest.raises(BrokerPermissionError) as refused:
            await broker.list_runs()
    finally:
        await broker.aclose()
    assert "may not access the arena's keys (NOPERM)" in str(refused.value)
    assert "ARENA_KEY_PREFIX" in str(refused.value)
