"""``reading.charts.fold_history`` on both backends: a seeded run read back in pages."""

from __future__ import annotations

from collections.abc import Callable

from arena_tui.arena.runs import RunPlanner, run_events
from arena_tui.broker.models import Envelope
from arena_tui.broker.protocol import EventBroker
from arena_tui.model.charts import ChartData
from arena_tui.reading.charts import fold_history
from arena_tui.reading.scans import CHUNK


async def test_the_history_folds_in_page_by_page_to_the_same_series(broker: EventBroker) -> None:
    spec = RunPlanner(9).run("rank", turns=150, agents=3)
    events = list(run_events(spec))
    seqs = await broker.publish_many(spec.run_id, events)
    run = [Envelope(seq, event) for seq, event in zip(seqs, events, strict=True)]
    assert len(run) > 2 * CHUNK, "the run must take several pages"
    live_from = len(run) - 100  # the live tail began here and has folded the rest
    live = ChartData.start(live_from).add(run[live_from - 1 :])

    seen = [data async for data in fold_history(broker, spec.run_id, live)]

    progress = [data.progress for data in seen]
    assert progress == sorted(progress)
    assert progress[0] < 0.5
    assert seen[-1].complete
    assert progress[-1] == 1.0
    whole = ChartData.start(1).add(run).done()
    final = seen[-1]
    assert final.cost_series() == whole.cost_series()
    assert final.activity(60) == whole.activity(60)
    assert final.agents() == whole.agents()
    assert final.gaps() == []


async def test_a_trimmed_run_has_its_head_as_a_gap(
    broker_factory: Callable[..., EventBroker],
) -> None:
    broker: EventBroker = broker_factory(max_len=300)
    spec = RunPlanner(2).run("rank", turns=200, agents=2)
    events = list(run_events(spec))
    for offset in range(0, len(events), 100):  # in batches, so MAXLEN ~ trims as it goes
        await broker.publish_many(spec.run_id, events[offset : offset + 100])
    first = (await broker.read_range(spec.run_id, 1, count=1)).available_from
    assert first > 1
    initial = ChartData.start(len(events) + 1)
    data = [value async for value in fold_history(broker, spec.run_id, initial)][-1]
    [head] = data.gaps()
    assert (head.first_seq, head.last_seq, head.trimmed) == (1, first - 1, True)
    assert data.activity(20).buckets[0].first_seq == first
