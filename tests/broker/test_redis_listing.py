"""Redis-only checks of ``list_runs`` (``broker.redis.listing``).

The contract suite covers what a listing means; these cover what the Redis listing must get
right on its own: every run matched with its own values across batch boundaries, entries a
foreign producer wrote (no ``ts``, a ``ts`` that is not UTF-8, a field given twice, foreign
ids), and its cost: finished runs are read once, a poll that finds nothing changed reads no
run, and yet every change (a new run, a close, a reap, keys swapped behind an equal DBSIZE)
shows up.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import redis

from arena_tui.broker import RunStatus
from arena_tui.broker.redis import RedisStreamsBroker, listing
from arena_tui.broker.redis.connection import MGET_BATCH

pytestmark = pytest.mark.redis

TS = datetime(2026, 6, 7, 12, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture
def broker(redis_broker: RedisStreamsBroker) -> RedisStreamsBroker:
    return redis_broker


async def test_runs_across_chunks_keep_their_own_values(
    broker: RedisStreamsBroker, raw: redis.Redis, key_prefix: str
) -> None:
    n = 2 * listing.FETCH_BATCH + MGET_BATCH // 2 + 7
    pipe = raw.pipeline(transaction=False)
    for i in range(n):
        head = f"{key_prefix}:run:r{i:05d}"
        pipe.set(f"{head}:seq", i + 1)
        if i % 3 == 0:
            pipe.set(f"{head}:open", b"1")
        if i % 2 == 0:
            pipe.xadd(f"{head}:events", {"ts": TS.isoformat()}, id=f"{i + 1}-0")
    pipe.execute()

    infos = {info.run_id: info for info in await broker.list_runs()}

    assert len(infos) == n
    for i in range(n):
        info = infos[f"r{i:05d}"]
        assert info.last_seq == i + 1
        assert (info.n_events, info.available_from) == ((1, i + 1) if i % 2 == 0 else (0, 0))
        assert info.last_event_at == (TS if i % 2 == 0 else None)
        assert (info.status is RunStatus.FINISHED) == (i % 3 != 0)


async def test_foreign_entries_are_summarised_tolerantly(
    broker: RedisStreamsBroker, raw: redis.Redis, key_prefix: str
) -> None:
    def events(run_id: str) -> str:
        return f"{key_prefix}:run:{run_id}:events"

    raw.xadd(events("no_ts"), {"r": "no_ts", "k": "metric"}, id="4-0")
    raw.xadd(events("bad_ts"), {"ts": b"\xff2026"}, id="2-0")
    raw.execute_command(  # type: ignore[no-untyped-call]
        "XADD", events("twice"), "3-0", "ts", "junk", "ts", TS.isoformat()
    )
    raw.xadd(events("foreign_ids"), {"ts": TS.isoformat()}, id="7-0")
    raw.xadd(events("foreign_ids"), {"ts": TS.isoformat()}, id="7-3")
    raw.xadd(events("only_head"), {"x": "y"}, id="1-0")
    raw.xadd(events("only_head"), {"ts": TS.isoformat()}, id="9-0")
    raw.set(f"{key_prefix}:run:seq_only:seq", b"12")

    infos = {info.run_id: info for info in await broker.list_runs()}

    assert set(infos) == {"no_ts", "bad_ts", "twice", "foreign_ids", "only_head", "seq_only"}
    assert (infos["no_ts"].last_seq, infos["no_ts"].last_event_at) == (4, None)
    assert (infos["bad_ts"].last_seq, infos["bad_ts"].last_event_at) == (2, None)
    assert infos["twice"].last_event_at == TS  # the field given last wins, as in a read
    foreign = infos["foreign_ids"]
    assert (foreign.available_from, foreign.last_seq, foreign.n_events) == (7, 7, 2)
    assert foreign.last_event_at == TS
    only_head = infos["only_head"]
    assert (only_head.available_from, only_head.last_seq, only_head.last_event_at) == (1, 9, TS)
    seq_only = infos["seq_only"]
    assert (seq_only.n_events, seq_only.available_from, seq_only.last_seq) == (0, 0, 12)
    assert seq_only.status is RunStatus.FINISHED


def _calls(raw: redis.Redis) -> dict[str, int]:
    """Commands the server has run so far, by name (``INFO commandstats``)."""
    stats = raw.info("commandstats")
    return {name.removeprefix("cmdstat_"): int(stat["calls"]) for name, stat in stats.items()}


def _since(before: dict[str, int], raw: redis.Redis) -> dict[str, int]:
    after = _calls(raw)
    return {name: n - before.get(name, 0) for name, n in after.items() if n > before.get(name, 0)}


def _finished_runs(raw: redis.Redis, key_prefix: str, n: int) -> None:
    pipe = raw.pipeline(transaction=False)
    for i in range(n):
        head = f"{key_prefix}:run:f{i:03d}"
        pipe.set(f"{head}:seq", 2)
        pipe.xadd(f"{head}:events", {"ts": TS.isoformat()}, id="1-0")
        pipe.xadd(f"{head}:events", {"ts": TS.isoformat()}, id="2-0")
    pipe.execute()


async def test_a_poll_that_finds_nothing_changed_reads_no_finished_run(
    broker: RedisStreamsBroker, raw: redis.Redis, key_prefix: str
) -> None:
    _finished_runs(raw, key_prefix, 150)
    raw.set(f"{key_prefix}:run:live:open", b"1", ex=600)
    raw.xadd(f"{key_prefix}:run:live:events", {"ts": datetime.now(UTC).isoformat()}, id="1-0")
    first = await broker.list_runs()
    assert len(first) == 151

    before = _calls(raw)
    second = await broker.list_runs()

    assert [info.run_id for info in second] == [info.run_id for info in first]
    # one DBSIZE, and one MGET of the one open run's :open and :seq: nothing per finished run
    # (and the INFO that read the counters before)
    assert _since(before, raw) == {"dbsize": 1, "mget": 1, "info": 1}


async def test_changes_show_up_at_the_next_poll(
    broker: RedisStreamsBroker, raw: redis.Redis, key_prefix: str
) -> None:
    _finished_runs(raw, key_prefix, 5)
    await broker.open_run("mine")
    raw.set(f"{key_prefix}:run:mine:seq", 7)
    await broker.list_runs()

    raw.set(f"{key_prefix}:run:new:open", b"1", ex=21_600)  # a run another producer opened
    raw.delete(*(f"{key_prefix}:run:f000:{s}" for s in ("open", "seq", "events")))  # reaped
    await broker.close_run("mine")
    infos = {info.run_id: info for info in await broker.list_runs()}

    assert set(infos) == {"new", "mine", "f001", "f002", "f003", "f004"}
    assert infos["new"].status is RunStatus.OPEN
    assert infos["mine"].status is RunStatus.FINISHED


async def test_keys_swapped_behind_an_equal_dbsize_show_up_at_the_periodic_rescan(
    broker: RedisStreamsBroker, raw: redis.Redis, key_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _finished_runs(raw, key_prefix, 3)
    await broker.list_runs()
    # one finished run reaped (two keys) and another written (two keys): DBSIZE is unchanged
    raw.delete(f"{key_prefix}:run:f000:seq", f"{key_prefix}:run:f000:events")
    raw.set(f"{key_prefix}:run:g:seq", 1)
    raw.xadd(f"{key_prefix}:run:g:events", {"ts": TS.isoformat()}, id="1-0")

    assert {info.run_id for info in await broker.list_runs()} == {"f000", "f001", "f002"}
    monkeypatch.setattr(listing, "RESCAN_EVERY_S", 0.0)
    assert {info.run_id for info in await broker.list_runs()} == {"f001", "f002", "g"}


async def test_a_run_that_gets_its_first_event_after_it_was_listed_is_read_again(
    broker: RedisStreamsBroker, raw: redis.Redis, key_prefix: str
) -> None:
    raw.set(f"{key_prefix}:run:quiet:open", b"1")  # no TTL, no label: nothing says it is busy
    assert [info.n_events for info in await broker.list_runs()] == [0]
    raw.set(f"{key_prefix}:run:quiet:seq", 1)
    raw.xadd(f"{key_prefix}:run:quiet:events", {"ts": datetime.now(UTC).isoformat()}, id="1-0")

    (info,) = await broker.list_runs()

    assert (info.n_events, info.last_seq, info.status) == (1, 1, RunStatus.OPEN)
