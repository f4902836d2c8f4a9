"""Redis-only checks of ``list_runs``'s server-side summaries (``redis.scripts.RUN_SUMMARIES``).

The contract suite covers what a listing means; these cover what the script must get right on
its own: every run matched with its own values across chunk boundaries, and entries a foreign
producer wrote (no ``ts``, a ``ts`` that is not UTF-8, a field given twice, foreign ids).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import redis

from arena_tui.broker import RunStatus
from arena_tui.broker.redis import RedisStreamsBroker
from arena_tui.broker.redis.listing import LIST_CHUNK

pytestmark = pytest.mark.redis

TS = datetime(2026, 6, 7, 12, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture
def broker(redis_broker: RedisStreamsBroker) -> RedisStreamsBroker:
    return redis_broker


async def test_runs_across_chunks_keep_their_own_values(
    broker: RedisStreamsBroker, raw: redis.Redis, key_prefix: str
) -> None:
    n = 2 * LIST_CHUNK + 7
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
    twice = ("XADD", events("twice"), "3-0", "ts", "junk", "ts", TS.isoformat())
    raw.execute_command(*twice)  # type: ignore[no-untyped-call]
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
