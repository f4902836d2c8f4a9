"""Reading cold runs by pages: seqs in rowid order, every path of the reader, broken rows."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest

from arena_tui.broker.cold import ColdAwareBroker, with_logs
from arena_tui.broker.cold.index import ColdIndex
from arena_tui.broker.cold.reader import ColdReader, Connections
from arena_tui.broker.errors import RunNotFoundError
from arena_tui.broker.follow import follow
from arena_tui.broker.follow_items import Batch, Finished
from arena_tui.broker.inprocess import InProcessBroker
from tests.cold.cold_helpers import T0, compact, log_path, turn_rows, write_log

A = "a" * 32
B = "b" * 32


def _interleaved(tmp_path: Path) -> Path:
    """Two runs whose rows alternate in the file, as a rank operation's do."""
    a, b = turn_rows(A, "ag1", range(1, 51)), turn_rows(B, "ag2", range(1, 51))
    rows = [row for pair in zip(a, b, strict=True) for row in pair]
    return write_log(log_path(tmp_path, "rank"), rows)


@pytest.mark.parametrize("step", [1, 7, 1024])
def test_every_page_anywhere_is_the_runs_rows_in_insertion_order(tmp_path: Path, step: int) -> None:
    _interleaved(tmp_path)
    (file,) = ColdIndex(tmp_path).refresh()
    run = next(r for r in file.runs if r.run_id == B)
    expected = [(r[1], r[2], r[3]) for r in turn_rows(B, "ag2", range(1, 51))]
    for first_rowid in (None, run.first_rowid):
        reader = ColdReader(
            Connections(),
            file.path,
            B,
            run.count,
            step=step,
            first_rowid=first_rowid,
            last_rowid=run.last_rowid,
        )
        assert not reader.contiguous  # its rows alternate with A's
        for start in (1, 2, 7, 8, 150, 299, 300):
            for count in (1, 5, 64, 500):
                got = reader.read(start, count)
                want = expected[start - 1 : start - 1 + count]
                assert [e.seq for e in got] == list(range(start, start + len(want)))
                assert [(e.event.agent_id, e.event.t, e.event.kind) for e in got] == want
                assert {e.source for e in got} <= {"cold"}
        reader.connections.close()


async def test_the_broker_face_of_a_cold_run(tmp_path: Path) -> None:
    _interleaved(tmp_path)
    broker = with_logs(InProcessBroker(), tmp_path)
    try:
        first = await broker.read_range(A, 0, count=10)
        assert [e.seq for e in first.envelopes] == list(range(1, 11))
        assert (first.available_from, first.last_seq, first.is_open) == (1, 300, False)
        newest = await broker.read_range(A, 0, count=4, direction="backward")
        assert [e.seq for e in newest.envelopes] == [297, 298, 299, 300]
        middle = await broker.read_range(A, 150, count=3, direction="backward")
        assert [e.seq for e in middle.envelopes] == [148, 149, 150]
        past = await broker.read_range(A, 301, count=3)
        assert past.envelopes == ()
        with pytest.raises(RunNotFoundError):
            await broker.read_range("nope", 1)
        items = [item async for item in follow(broker, A, finish_grace_s=0.01)]
        seqs = [e.seq for item in items if isinstance(item, Batch) for e in item.envelopes]
        assert seqs == list(range(1, 301))
        assert items[-1] == Finished(300)
        streamed = [e.seq async for e in broker.stream(B, 295)]
        assert streamed == list(range(295, 301))
    finally:
        await broker.aclose()


async def test_a_broken_row_reads_as_broken_never_raises(tmp_path: Path) -> None:
    rows = [
        (A, "ag", 1, "metric", "{not json", T0, 1),
        (A, "ag", 1, "metric", compact({"kind": "telepathy", "x": 1}), T0, 1),
        (A, "ag", 2, "telepathy", compact({"kind": "telepathy", "strength": 3}), T0, 7),
    ]
    write_log(log_path(tmp_path, "race"), rows)
    broker = with_logs(InProcessBroker(), tmp_path)
    try:
        got = (await broker.read_range(A, 1, count=10)).envelopes
    finally:
        await broker.aclose()
    assert [e.seq for e in got] == [1, 2, 3]
    assert got[0].problems
    assert got[0].raw is not None
    assert "differs from payload kind" in got[1].problems[0]
    assert not got[2].problems
    assert (got[2].event.kind, got[2].event.v) == ("telepathy", 7)


async def test_idle_connections_are_closed(tmp_path: Path) -> None:
    _interleaved(tmp_path)
    broker = with_logs(InProcessBroker(), tmp_path)
    broker.store.connections.idle_s = 0.0
    try:
        await broker.read_range(A, 1, count=1)
        assert broker.store.connections._open
        await _indexed(broker, A)  # the background index build is done with the file
        await broker.list_runs()  # a refresh sweeps idle connections
        assert not any(c for c, _, _ in broker.store.connections._open.values())
    finally:
        with contextlib.suppress(Exception):
            await broker.aclose()


def test_a_run_in_one_block_of_rowids_reads_any_page_by_rowid_arithmetic(tmp_path: Path) -> None:
    rows = [*turn_rows(A, "ag1", range(1, 21)), *turn_rows(B, "ag2", range(1, 51))]
    write_log(log_path(tmp_path, "race"), [*rows, *turn_rows(A, "ag1", range(21, 23))])
    (file,) = ColdIndex(tmp_path).refresh()
    runs = {r.run_id: r for r in file.runs}
    expected = [(r[1], r[2], r[3]) for r in turn_rows(B, "ag2", range(1, 51))]
    b = runs[B]
    reader = ColdReader(
        Connections(), file.path, B, b.count, first_rowid=b.first_rowid, last_rowid=b.last_rowid
    )
    assert reader.contiguous
    assert reader.indexed
    for start in (1, 2, 150, 299, 300):
        got = reader.read(start, 64)
        assert [(e.event.agent_id, e.event.t, e.event.kind) for e in got] == expected[
            start - 1 : start - 1 + 64
        ]
        assert [e.seq for e in got] == list(range(start, start + len(got)))
    assert reader._checkpoints is None  # never needed the scan
    a = runs[A]  # split in two blocks by B's rows: not one block, so no arithmetic
    split = ColdReader(
        Connections(), file.path, A, a.count, first_rowid=a.first_rowid, last_rowid=a.last_rowid
    )
    assert not split.contiguous
    assert [e.event.t for e in split.read(120, 2)] == [20, 21]  # across the split
    reader.connections.close()
    split.connections.close()


async def test_an_interleaved_run_gets_its_sparse_index_in_the_background(tmp_path: Path) -> None:
    _interleaved(tmp_path)
    broker = with_logs(InProcessBroker(), tmp_path)
    try:
        await broker.read_range(B, 0, count=10, direction="backward")  # the app's open
        await _indexed(broker, B)  # built without waiting for a seek
        page = await broker.read_range(B, 150, count=3)
        assert [e.seq for e in page.envelopes] == [150, 151, 152]
    finally:
        await broker.aclose()


async def _indexed(broker: ColdAwareBroker, run_id: str) -> None:
    found = broker.store.find(run_id)
    assert found is not None
    reader = broker.store.reader(*found)
    for _ in range(500):
        if reader.indexed:  # set once the build's query let go of the file
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the run's sparse index was not built in the background")
