"""Kind counts of the retained run, and the sidebar's events/s sparkline."""

from __future__ import annotations

from arena_tui.broker.models import Envelope, RunInfo, RunMeta, RunStatus
from arena_tui.model.activity import Activity, sparkline
from arena_tui.model.match import EventFilter
from arena_tui.model.tally import BLOCK, Tally, kinds_line
from tests.support.events import envelope
from tests.support.events import numbered as env


def kinds(first: int, *names: str) -> list[Envelope]:
    """Envelopes ``first``, ``first + 1``... of the given kinds."""
    return [envelope(first + i, kind=kind) for i, kind in enumerate(names)]


def test_history_and_live_are_each_counted_once() -> None:
    tally = Tally.start(live_from=4)
    tally = tally.add(
        [envelope(4, kind="action"), envelope(5, kind="metric")]
    )  # live arrives before the scan ends
    tally = tally.add_history(
        [
            envelope(1, kind="action"),
            envelope(2, kind="action"),
            envelope(3, kind="metric"),
            envelope(4, kind="x"),
        ]
    )
    tally = tally.add(
        [envelope(5, kind="metric"), envelope(6, kind="action")]
    )  # a repeated live seq
    assert tally.by_kind() == [("action", 4), ("metric", 2)]
    assert kinds_line(tally) == "action 4 · metric 2 (counting…)"
    assert kinds_line(tally.done()) == "action 4 · metric 2"


def test_hidden_counts_what_the_filter_rejects() -> None:
    tally = Tally.start(1).add(
        [
            envelope(1, kind="action", agent="9c1e"),
            envelope(2, kind="metric", agent="9c1e"),
            envelope(3, kind="action", agent="3e7d"),
        ]
    )
    assert tally.hidden(EventFilter.of(["action"])) == 1
    assert tally.hidden(EventFilter.of(["action"], ["9c"])) == 2
    assert tally.hidden(EventFilter()) == 0


def test_trimming_forgets_exactly_the_events_below_the_first_retained_seq() -> None:
    tally = Tally.start(1).add([envelope(s, kind="action") for s in range(1, 3 * BLOCK)])
    assert tally.events == 3 * BLOCK - 1
    trimmed = tally.trim(2 * BLOCK + 5)  # blocks 0 and 1 are gone, block 2 is cut
    assert trimmed.events == BLOCK - 5
    assert trimmed.by_kind() == [("action", BLOCK - 5)]  # the running totals lost them too
    assert tally.events == 3 * BLOCK - 1  # and the untrimmed tally kept its own
    assert tally.trim(0) is tally
    assert trimmed.trim(2 * BLOCK) is trimmed  # an older first seq changes nothing


def test_kinds_panel_counts_what_a_small_maxlen_stream_holds() -> None:
    """Issue 10 defect 9: with --max-len 300 the panel showed 615 events (and a kind the
    stream no longer held) for a stream of 305: counts follow the first retained seq exactly."""
    tally = Tally.start(1)
    kinds = ["turn_start", "llm_prompt", "llm_response", "metric"]
    for first in range(1, 1_200, 50):  # a live tail, 50 events a batch
        tally = tally.add(
            [envelope(s, kind="fork" if s < 10 else kinds[s % 4]) for s in range(first, first + 50)]
        )
        tally = tally.trim(max(1, first + 50 - 305))  # the broker keeps the newest ~305
    assert tally.events == 305
    assert "fork" not in dict(tally.by_kind())
    late = tally.add_history(
        [envelope(s, kind="fork") for s in range(1, 5)]
    )  # a scan read them earlier
    assert late.events == 305


def test_events_of_an_earlier_history_below_the_first_seq_are_not_counted() -> None:
    tally = Tally.start(live_from=600).trim(500)
    tally = tally.add_history([envelope(s, kind="action") for s in range(1, 600)])
    assert tally.events == 100


def info(run_id: str, last_seq: int) -> RunInfo:
    return RunInfo(run_id, RunMeta(), RunStatus.OPEN, last_seq, last_seq, 1)


def test_activity_rates_come_from_successive_polls() -> None:
    activity = Activity().polled([info("a", 100), info("b", 10)], 0.0)
    assert activity.rate("a") is None
    activity = activity.polled([info("a", 140), info("b", 10)], 2.0)
    assert (activity.rate("a"), activity.rate("b")) == (20.0, 0.0)
    activity = activity.polled([info("a", 5)], 4.0)  # a restarted; b is gone
    assert activity.rate("a") is None
    assert "b" not in activity.rates


def test_sparkline_is_log_scaled_on_a_shared_peak() -> None:
    assert sparkline([0, 1, 4, 40, 10], 8) == "    ▂▄█▆"
    assert sparkline([4, 4], 4, peak=40) == "  ▄▄"
    assert sparkline([], 3) == "   "
    activity = (
        Activity().polled([info("a", 0), info("b", 0)], 0).polled([info("a", 40), info("b", 4)], 1)
    )
    assert activity.spark("a", 2) == " █"
    assert activity.spark("b", 2) == " ▄"


def test_env_helper_is_compatible() -> None:
    assert Tally.start(1).add([env(1)]).by_kind() == [("turn_start", 1)]


def test_counting_in_bulk_keeps_every_block_in_seq_order() -> None:
    """History out of order and in pieces, straddling blocks, live on top: the blocks hold
    each counted seq once, ascending, and a trim forgets exactly those below it."""
    import random

    rng = random.Random(14)
    history = kinds(1, *(rng.choice(["a", "b", "c"]) for _ in range(3 * BLOCK)))
    rng.shuffle(history)
    tally = Tally.start(live_from=2 * BLOCK + 10)
    tally = tally.add(kinds(2 * BLOCK + 10, *["a"] * (BLOCK + 3)))  # live first
    for start in range(0, len(history), 97):
        tally = tally.add_history(history[start : start + 97])
    seqs = [s for number in sorted(tally.blocks) for s in tally.blocks[number].seqs]
    assert seqs == list(range(1, 3 * BLOCK + 13))
    assert tally.events == 3 * BLOCK + 12
    assert tally.trim(BLOCK + 1).events == 2 * BLOCK + 12
    expected = {kind: 0 for kind in "abc"}
    for e in history:
        if e.seq < 2 * BLOCK + 10:
            expected[e.event.kind] += 1
    expected["a"] += BLOCK + 3
    assert dict(tally.by_kind()) == {k: v for k, v in expected.items() if v}
