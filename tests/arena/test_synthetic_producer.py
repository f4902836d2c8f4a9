"""Publishing synthetic runs to the in-process broker: meta, history, pacing, the demo."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from arena_tui.arena.demo import DEMO_MAX_LEN, RANK_BACKFILL, run_demo
from arena_tui.arena.producer import publish_history, publish_paced, publish_run
from arena_tui.arena.runs import RunPlanner, run_events
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.broker.models import RunInfo, RunStatus


async def test_publish_run_opens_with_meta_publishes_in_order_and_closes() -> None:
    broker = InProcessBroker()
    spec = RunPlanner(1).run("race", turns=5)
    before = datetime.now(UTC)
    published = await publish_run(broker, spec)
    expected = list(run_events(spec))
    got = [env async for env in broker.stream(spec.run_id)]
    assert published == len(expected) == len(got)
    assert [e.seq for e in got] == list(range(1, len(expected) + 1))
    assert [(e.event.agent_id, e.event.t, e.event.payload) for e in got] == [
        (e.agent_id, e.t, e.payload) for e in expected
    ]
    assert all(e.event.ts is not None and e.event.ts >= before for e in got)  # stamped live
    (info,) = await broker.list_runs()
    assert info.meta.label == "race"
    assert info.meta.started_at is not None
    assert info.meta.started_at >= before
    assert not await broker.is_open(spec.run_id)


async def test_publish_history_ends_at_the_given_instant_and_can_stay_open() -> None:
    broker = InProcessBroker()
    spec = RunPlanner(2).smoke()
    ends_at = datetime(2026, 1, 1, tzinfo=UTC)
    assert await publish_history(broker, spec, ends_at=ends_at, close=False) == 40
    result = await broker.read_range(spec.run_id, 1, count=100)
    assert result.envelopes[-1].event.ts == ends_at
    assert result.envelopes[0].event.ts == (await broker.list_runs())[0].meta.started_at
    assert await broker.is_open(spec.run_id)
    (info,) = await broker.list_runs(stale_after=30)
    assert info.status is RunStatus.STALE


async def test_backfill_is_history_and_the_rest_is_live() -> None:
    broker = InProcessBroker(max_len=100)
    spec = RunPlanner(3).run("rank", turns=20, agents=2)
    total = await publish_run(broker, spec, backfill=150)
    (info,) = await broker.list_runs()
    assert (info.last_seq, info.n_events, info.available_from) == (total, 100, total - 99)
    assert info.meta.started_at is not None
    assert info.meta.started_at < datetime.now(UTC) - timedelta(seconds=10)


async def test_paced_publishing_batches_above_the_single_event_rate() -> None:
    class Counting(InProcessBroker):
        calls: list[int]

        async def publish_many(self, run_id, events):  # type: ignore[no-untyped-def]
            self.calls.append(len(events))
            return await super().publish_many(run_id, events)

    broker = Counting()
    broker.calls = []
    await broker.open_run("r1")
    events = list(run_events(RunPlanner(4).run("race", turns=40)))
    assert await publish_paced(broker, "r1", events, rate=2_000) == len(events)
    assert max(broker.calls, default=0) == 100  # 2,000/s in 20 batches a second
    with pytest.raises(ValueError, match="rate must be positive"):
        await publish_paced(broker, "r1", events, rate=0)


async def test_demo_sets_the_stage_then_keeps_publishing() -> None:
    broker = InProcessBroker(max_len=DEMO_MAX_LEN)
    task = asyncio.create_task(run_demo(broker, seed=7, speed=20.0))
    try:
        runs = await _wait_for(
            broker,
            lambda rs: any(i.meta.label == "rank" and i.last_seq > RANK_BACKFILL for i in rs),
        )
        by_label: dict[str | None, list[RunInfo]] = {}
        for info in runs:
            by_label.setdefault(info.meta.label, []).append(info)
        (rank,) = by_label["rank"]
        assert rank.status is RunStatus.OPEN
        assert rank.available_from > 1  # the head was trimmed
        assert rank.n_events == DEMO_MAX_LEN
        statuses = {info.status for info in runs}
        assert statuses == {RunStatus.OPEN, RunStatus.STALE, RunStatus.FINISHED}
        assert {"fork", "smoke", "race", "rank"} <= set(by_label)
        later = await _wait_for(broker, lambda rs: _last_seq(rs, rank.run_id) > rank.last_seq)
        assert len(later) >= len(runs)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


def _last_seq(runs: list[RunInfo], run_id: str) -> int:
    return next(info.last_seq for info in runs if info.run_id == run_id)


async def _wait_for(broker: InProcessBroker, ok) -> list[RunInfo]:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(10):
        # Polling the public API with a deadline: the demo has no "stage set" signal to await.
        while not ok(runs := await broker.list_runs()):  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    return runs
