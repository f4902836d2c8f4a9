"""Figure 10, cold: a 1,000,000-event run only the arena's DuckDB log holds.

Setup: one log file with the arena's DDL holding a 1,000,000-event run (the synth loop's six
kinds per turn, arena-sized payloads) after a 1,000-event one, in insertion order, and a small
second file (1,000 events). It is written in bulk (``INSERT ... SELECT``): at one autocommit
insert per event, as the arena writes, a million events take hours; the file is the same.

* **app open**: the real app (``make_app`` on the in-process broker plus the logs, as the CLI
  builds it, headless at 160x48, ``bench.probe`` on its frames) is showing the small run; the
  file connections are closed (``sweep``), then the 1M run is opened as a sidebar selection
  does (``WatchScreen.open_run``) and timed to the first frame whose log pane update carried
  its newest event (``n``). 5 opens per app run (1 with ``--quick``), their median. Baseline,
  interleaved: bare duckdb, a read-only connect and ``SELECT * FROM events WHERE run_id = ?
  ORDER BY rowid DESC LIMIT 500`` (the app's first page is 500 events), fetched; the median of
  as many (``bare_rowid_ms``: the same connect and page by ``rowid >= ?``, the query the app
  issues for a run whose rows are one block). Targets: <= 300 ms, and <= 2x the baseline.
* **open**: the broker level: a fresh ``ColdAwareBroker`` (new store and index: glob, one scan
  of the file, a read-only connection) reads the run's newest page, ``read_range(run, 0,
  count=200, direction="backward")``. Baseline: the same bare query with ``LIMIT 200``.
* **seek**: on the opened broker, ``read_range(run, seq, count=500)`` at 100 random seqs (5
  with ``--quick``), the first included; the figure is the p99. The run's rows are one block of
  rowids (as a run alone in its file is), so every page is one ``rowid >= first + seq - 1``
  query (``cold.reader``); a run interleaved with others is indexed in the background after
  its open instead (not measured here). Baseline: the same rows bare, on an open connection:
  ``SELECT * FROM events WHERE run_id = ? ORDER BY rowid LIMIT 500 OFFSET seq - 1`` (what a
  reader without an index does); ``bare_rowid_p99_ms`` is the bare query the store issues
  itself. Target: p99 <= 100 ms.

All of ours decode every row into an envelope; the bare reads only fetch tuples.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from arena_tui.broker.cold import with_logs
from arena_tui.broker.cold.layout import DDL
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.config import Settings
from arena_tui.ui.app import make_app
from arena_tui.ui.screens.watch import WatchScreen
from arena_tui.ui.widgets.log.pane import LogPane
from bench.app_driver import SIZE, until
from bench.harness import Bench, interleave
from bench.probe import Frame, FrameProbe, within
from bench.report import FigureResult, Metrics, Row, Target, summarise
from bench.stats import percentile

RUN = "c01d" + "0" * 28
OTHER = "0be7" + "0" * 28
SMALL = "5a11" + "0" * 28
PAGE = 200
APP_PAGE = 500
SEEK = 500

APP_OPEN = Row(
    name="10 app: open a 1M-event cold run, first painted page",
    metric="open_ms",
    unit="ms",
    target=Target("value", "<=", 300),
    baseline_metric="open_ms",
    baseline_label="bare duckdb connect + ORDER BY rowid DESC LIMIT 500",
    method=__doc__ or "",
)
APP_RATIO = Row(
    name="10 app open vs bare duckdb (ratio)",
    metric="open_ms",
    unit="ms",
    target=Target("ratio", "<=", 2),
    baseline_metric="open_ms",
    baseline_label="bare duckdb connect + ORDER BY rowid DESC LIMIT 500",
    method=__doc__ or "",
)

OPEN = Row(
    name="10 open a 1M-event cold run, first page",
    metric="open_ms",
    unit="ms",
    target=Target("value", "<=", 300),
    baseline_metric="open_ms",
    baseline_label="bare duckdb connect + ORDER BY rowid DESC LIMIT 200",
    method=__doc__ or "",
)
SEEK_ROW = Row(
    name="10 seek p99 (1M cold run)",
    metric="p99_ms",
    unit="ms",
    target=Target("value", "<=", 100),
    baseline_metric="p99_ms",
    baseline_label="bare duckdb ORDER BY rowid LIMIT 500 OFFSET seq-1",
    method=__doc__ or "",
)

_FILL = """
INSERT INTO events
SELECT ?, 'ag' || ?, (i // 6 + 1)::INTEGER,
       ['turn_start','llm_prompt','llm_response','action','action_result','metric'][i % 6 + 1],
       '{"kind":"llm_prompt","state_summary":"Turn ' || (i // 6 + 1) ||
       ' · Feudal Age · pop 23/30 · food 412 wood 388 gold 120 stone 200 · 2 queued"}',
       TIMESTAMP '2026-06-07 12:00:00' + to_microseconds(i * 250000), 1
FROM range(?) t(i)
"""


def make_log(root: Path, n: int) -> Path:
    path = root / "2026-06-07" / "rank-120000.duckdb"
    path.parent.mkdir(parents=True)
    conn = duckdb.connect(str(path))
    conn.execute(DDL)
    conn.execute(_FILL, [OTHER, "0", 1_000])
    conn.execute(_FILL, [RUN, "1", n])
    conn.close()
    small = duckdb.connect(str(path.with_name("race-110000.duckdb")))
    small.execute(DDL)
    small.execute(_FILL, [SMALL, "2", 1_000])
    small.close()
    return path


async def run(bench: Bench) -> list[FigureResult]:
    n = bench.size(1_000_000, 20_000)
    seeks = 5 if bench.quick else 100
    root = Path(tempfile.mkdtemp(prefix="bench-cold-"))
    path = await asyncio.to_thread(make_log, root, n)
    rng = random.Random(10)

    async def open_ours() -> Metrics:
        start = time.perf_counter()
        broker = with_logs(InProcessBroker(), root)
        try:
            result = await broker.read_range(RUN, 0, count=PAGE, direction="backward")
            elapsed = time.perf_counter() - start
        finally:
            await broker.aclose()
        if [e.seq for e in result.envelopes] != list(range(n - PAGE + 1, n + 1)):
            raise RuntimeError("the cold open read the wrong page")
        return {"open_ms": elapsed * 1000}

    def open_bare_sync() -> Metrics:
        start = time.perf_counter()
        conn = duckdb.connect(str(path), read_only=True)
        rows = conn.execute(
            "SELECT * FROM events WHERE run_id = ? ORDER BY rowid DESC LIMIT ?", [RUN, PAGE]
        ).fetchall()
        elapsed = time.perf_counter() - start
        conn.close()
        assert len(rows) == PAGE
        return {"open_ms": elapsed * 1000}

    async def open_bare() -> Metrics:
        return await asyncio.to_thread(open_bare_sync)

    async def seek_ours() -> Metrics:
        broker = with_logs(InProcessBroker(), root)
        latencies = []
        try:
            await broker.read_range(RUN, 0, count=1, direction="backward")  # opened
            for _ in range(seeks):
                target = rng.randint(1, n)
                start = time.perf_counter()
                result = await broker.read_range(RUN, target, count=SEEK)
                latencies.append(time.perf_counter() - start)
                if result.envelopes[0].seq != target:
                    raise RuntimeError(f"seek to {target} started at {result.envelopes[0].seq}")
        finally:
            await broker.aclose()
        return {
            "p99_ms": percentile(latencies, 99) * 1000,
            "p50_ms": percentile(latencies, 50) * 1000,
        }

    def seek_bare_sync() -> Metrics:
        conn = duckdb.connect(str(path), read_only=True)
        first = conn.execute("SELECT min(rowid) FROM events WHERE run_id = ?", [RUN]).fetchone()
        assert first is not None
        latencies, by_rowid = [], []
        try:
            for _ in range(seeks):
                target = rng.randint(1, n)
                start = time.perf_counter()
                rows = conn.execute(
                    "SELECT * FROM events WHERE run_id = ? ORDER BY rowid LIMIT ? OFFSET ?",
                    [RUN, SEEK, target - 1],
                ).fetchall()
                latencies.append(time.perf_counter() - start)
                start = time.perf_counter()
                conn.execute(
                    "SELECT * FROM events WHERE run_id = ? AND rowid >= ? ORDER BY rowid LIMIT ?",
                    [RUN, first[0] + target - 1, SEEK],
                ).fetchall()
                by_rowid.append(time.perf_counter() - start)
                assert len(rows) == min(SEEK, n - target + 1)
        finally:
            conn.close()
        return {
            "p99_ms": percentile(latencies, 99) * 1000,
            "bare_rowid_p99_ms": percentile(by_rowid, 99) * 1000,
        }

    async def seek_bare() -> Metrics:
        return await asyncio.to_thread(seek_bare_sync)

    opens = 1 if bench.quick else 5

    async def app_open() -> Metrics:
        settings = Settings.from_mapping({"ARENA_TUI_DEMO": "0", "ARENA_LOGS_ROOT": str(root)})
        broker = with_logs(InProcessBroker(), root)
        app = make_app(settings, broker, run_id=SMALL)
        times = []
        async with app.run_test(size=SIZE) as _pilot:
            probe = FrameProbe(app)
            probe.attach_display()
            await until(lambda: bool(app.screen.query(LogPane)), what="the log pane")
            screen = app.screen
            assert isinstance(screen, WatchScreen)
            probe.attach_log(screen.log_pane)
            for _ in range(opens):
                if screen.log_pane.view.run_id != SMALL:
                    screen.open_run(SMALL)
                await until(
                    lambda: screen.log_pane.view.loaded and screen.log_pane.view.run_id == SMALL,
                    what="the small run",
                )
                await asyncio.to_thread(broker.store.connections.sweep, everything=True)

                def painted(frame: Frame) -> bool:
                    view = frame.view
                    return view is not None and view.run_id == RUN and n in frame.event_seqs()

                waiting = probe.expect(painted)
                start = time.monotonic()
                screen.open_run(RUN)
                frame = await within(waiting, 30)
                times.append(frame.t - start)
        return {"open_ms": statistics.median(times) * 1000}

    def app_bare_sync() -> Metrics:
        times, by_rowid = [], []
        for _ in range(opens):
            start = time.monotonic()
            conn = duckdb.connect(str(path), read_only=True)
            rows = conn.execute(
                "SELECT * FROM events WHERE run_id = ? ORDER BY rowid DESC LIMIT ?", [RUN, APP_PAGE]
            ).fetchall()
            times.append(time.monotonic() - start)
            conn.close()
            assert len(rows) == APP_PAGE
            start = time.monotonic()
            conn = duckdb.connect(str(path), read_only=True)
            conn.execute(
                "SELECT * FROM events WHERE run_id = ? AND rowid >= ? ORDER BY rowid LIMIT ?",
                [RUN, 1_000 + n - APP_PAGE, APP_PAGE],
            ).fetchall()
            by_rowid.append(time.monotonic() - start)
            conn.close()
        return {
            "open_ms": statistics.median(times) * 1000,
            "bare_rowid_ms": statistics.median(by_rowid) * 1000,
        }

    async def app_bare() -> Metrics:
        return await asyncio.to_thread(app_bare_sync)

    try:
        app_opened, app_opened_bare = await interleave(app_open, app_bare, bench.repeats)
        opened, opened_bare = await interleave(open_ours, open_bare, bench.repeats)
        seeked, seeked_bare = await interleave(seek_ours, seek_bare, bench.repeats)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return [
        summarise(APP_OPEN, app_opened, app_opened_bare),
        summarise(APP_RATIO, app_opened, app_opened_bare),
        summarise(OPEN, opened, opened_bare),
        summarise(SEEK_ROW, seeked, seeked_bare),
    ]
