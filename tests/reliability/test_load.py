"""Load: 1,000 open runs and 10 producers writing ~5,000 events/s in total.

One scenario, several guarantees: ``list_runs`` costs a bounded number of round trips (one
SCAN page per 1,000 keys plus one pipeline, never one per run), a follower of a busy run loses
no seq, the app's sidebar refresh does not block a key press, and memory stays bounded.
Round trips are counted where redis-py writes to the socket (``send_packed_command``: once per
command, once per pipeline).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from redis.asyncio.connection import AbstractConnection

from arena_tui.broker.follow_items import Finished
from arena_tui.broker.redis import RedisStreamsBroker
from arena_tui.ui.screens.help import HelpScreen
from tests.support.events import counted
from tests.support.follow import Recorder
from tests.support.pilot import WIDE, live_app, until, watch
from tests.support.redis_server import RedisServer
from tests.support.wire import WireWriter, entry

pytestmark = pytest.mark.redis

IDLE_RUNS = 1_000
PRODUCERS = 10
BATCH = 25
EVERY = 0.05
"""Each producer publishes ``BATCH`` events every ``EVERY`` s: 500/s, 5,000/s in total."""
DURATION = 3.0
MAX_LIST_TRIPS = 8
RSS_GROWTH_MB = 300


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


class Trips:
    """Counts socket writes (round trips) on the connections of one broker's shared pool."""

    def __init__(self) -> None:
        self.count = 0
        self.broker: RedisStreamsBroker | None = None

    def mine(self, connection: AbstractConnection) -> bool:
        assert self.broker is not None
        return connection in self.broker._client.connection_pool._in_use_connections


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> Trips:
    counter = Trips()
    original = AbstractConnection.send_packed_command

    async def counted(self: AbstractConnection, *args: object, **kwargs: object) -> None:
        if counter.mine(self):
            counter.count += 1
        await original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    return counter


@pytest.fixture
async def server() -> AsyncIterator[RedisServer]:
    with RedisServer() as running:
        yield running


def seed_idle_runs(server: RedisServer, start: int, stop: int) -> None:
    raw = server.client()
    pipe = raw.pipeline(transaction=False)
    now = datetime.now(UTC)
    for i in range(start, stop):
        run_id = f"idle{i:04d}"
        producer = WireWriter(pipe, "rel", run_id)  # one round trip for them all
        producer.open(sentinel=b"1")
        pipe.set(producer.seq_key, b"1")
        producer.write(1, entry(run_id, "metric", {"name": "i", "value": 0.0}, ts=now))
    pipe.execute()
    raw.close()


async def produce(broker: RedisStreamsBroker, run_id: str, stop: asyncio.Event) -> int:
    await broker.open_run(run_id)
    sent = 0
    while not stop.is_set():
        await broker.publish_many(run_id, [counted(run_id, sent + i) for i in range(BATCH)])
        sent += BATCH
        await asyncio.sleep(EVERY)
    await broker.close_run(run_id)
    return sent


async def list_trips(broker: RedisStreamsBroker, trips: Trips) -> tuple[int, float]:
    trips.broker = broker
    before, started = trips.count, time.perf_counter()
    await broker.list_runs()
    return trips.count - before, time.perf_counter() - started


async def test_thousand_runs_and_5000_events_per_second(server: RedisServer, trips: Trips) -> None:
    rss_before = rss_mb()
    lister = RedisStreamsBroker(server.url, key_prefix="rel")
    writers = [RedisStreamsBroker(server.url, key_prefix="rel") for _ in range(PRODUCERS)]
    viewer = RedisStreamsBroker(server.url, key_prefix="rel")
    try:
        seed_idle_runs(server, 0, 10)
        trips_10, _ = await list_trips(lister, trips)
        seed_idle_runs(server, 10, IDLE_RUNS)
        trips_1000, quiet_s = await list_trips(lister, trips)

        stop = asyncio.Event()
        producers = [
            asyncio.create_task(produce(w, f"busy{i}", stop)) for i, w in enumerate(writers)
        ]
        await asyncio.sleep(0.2)
        follower = Recorder(viewer, "busy0")
        app = live_app(RedisStreamsBroker(server.url, key_prefix="rel"))
        async with app.run_test(size=WIDE) as pilot:
            screen = watch(app)
            total = IDLE_RUNS + PRODUCERS
            await until(pilot, lambda: len(screen.sidebar.runs.runs) == total, within=15)
            screen.refresh_runs()  # a refresh in flight, then a key
            pressed = time.perf_counter()
            await pilot.press("question_mark")
            await until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
            key_s = time.perf_counter() - pressed
            await pilot.press("escape")
            busy_trips, busy_s = await list_trips(lister, trips)
            await asyncio.sleep(DURATION)
        stop.set()
        sent = await asyncio.gather(*producers)
        await follower.wait_until(lambda f: bool(f.of(Finished)), within=30)
        rss_after = rss_mb()
    finally:
        for broker in (lister, viewer, *writers):
            await broker.aclose()
    assert trips_1000 <= MAX_LIST_TRIPS
    assert trips_1000 - trips_10 <= 3  # SCAN pages of 1,000 keys, not one trip per run
    assert busy_trips <= MAX_LIST_TRIPS
    assert follower.seqs == list(range(1, sent[0] + 1))  # the busy follower lost nothing
    assert rss_after - rss_before < RSS_GROWTH_MB
    print(
        f"\nlist_runs: {trips_10} round trips for 10 runs, {trips_1000} for {IDLE_RUNS}"
        f" ({quiet_s * 1000:.0f} ms quiet, {busy_s * 1000:.0f} ms under load, {busy_trips} trips);"
        f" {sum(sent):,} events from {PRODUCERS} producers; key press during a refresh handled"
        f" in {key_s * 1000:.0f} ms; RSS {rss_before:.0f} -> {rss_after:.0f} MB"
    )
