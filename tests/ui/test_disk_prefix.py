"""A trimmed run whose log is locked: the gap row says where its events are; when the writer
lets go, the gap row gives way to the events from disk in place (a real lock, a real Redis)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from arena_tui.broker.cold import with_logs
from arena_tui.broker.redis import RedisStreamsBroker
from arena_tui.model.rows import EventRow, GapRow, UnnumberedRow
from tests.cold.cold_helpers import T0, Holder, RawRedisRun, log_path, turn_rows, write_log
from tests.support.pilot import app_for, line_text, pane, toasts, until
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.redis

R = "d15c" + "0" * 28
AGENT = "9c1e0000aaaa4bbb8ccc0123456789ab"


async def test_a_locked_log_is_named_on_the_gap_row_then_fills_it_when_released(
    redis_server: RedisServer, key_prefix: str, tmp_path: Path
) -> None:
    rows = turn_rows(R, AGENT, range(1, 41))  # 240 events
    raw = RawRedisRun(redis_server.client(), key_prefix, R, maxlen=60)
    raw.publish(rows)
    raw.open("race", T0 + timedelta(milliseconds=300))  # the operation is still running
    first = raw.first_retained()
    assert first > 1
    held = write_log(log_path(tmp_path, "race"), rows)
    holder = Holder(held)  # another process holds the file read-write, as the arena's writer
    broker = with_logs(RedisStreamsBroker(redis_server.url, key_prefix=key_prefix), tmp_path)
    app = app_for(broker, run_id=R, seq=1)
    try:
        async with app.run_test(size=(160, 32)) as pilot:
            gap = f"⚠ seq 1–{first - 1:,} trimmed: in {held.name}, readable when the operation ends"
            await until(pilot, lambda: gap in line_text(app, 0), within=15)
            said = f"seq 1–{first - 1:,} are held in {held.name} (being written)"
            assert any(said in t for t in toasts(app))
            view = pane(app).view
            assert isinstance(view.rows[0], GapRow)
            cursor = view.cursor_seq
            assert cursor == first
            holder.release()  # the operation ends: the file is readable now

            def filled() -> bool:
                head = pane(app).view.rows[0]
                return isinstance(head, EventRow) and head.seq == 1

            await until(pilot, filled, within=20)
            view = pane(app).view
            assert not any(isinstance(row, GapRow) for row in view.rows)
            head = view.rows[0]
            assert isinstance(head, EventRow)
            assert head.envelope.source == "cold"
            assert [r.seq for r in view.rows[: first + 1]] == list(range(1, first + 2))
            assert view.cursor_seq == cursor  # in place: the cursor stays on its event
            assert view.lost == ()
            assert any(f"seq 1–{first - 1:,} read from {held.name}" in t for t in toasts(app))
    finally:
        holder.release()


@pytest.mark.parametrize(
    ("holes", "other_agent", "aligned"),
    [
        pytest.param((10, 20, 30), False, True, id="shifted-by-holes"),
        pytest.param((), True, False, id="unaligned"),
    ],
)
async def test_a_log_that_does_not_line_up_is_shown_above_the_gap_unnumbered(
    redis_server: RedisServer,
    key_prefix: str,
    tmp_path: Path,
    holes: tuple[int, ...],
    other_agent: bool,
    aligned: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = turn_rows(R, AGENT, range(1, 41))  # 240 events
    raw = RawRedisRun(redis_server.client(), key_prefix, R, maxlen=60)
    raw.publish(rows, holes_after=holes)  # each hole: an INCR without its XADD
    first = raw.first_retained()
    assert first > 1
    logged = turn_rows(R, "someone-else", range(1, 41)) if other_agent else rows
    path = write_log(log_path(tmp_path, "race"), logged)
    shown = first - 1 - len(holes) if aligned else len(logged)  # rows before the block / all
    broker = with_logs(RedisStreamsBroker(redis_server.url, key_prefix=key_prefix), tmp_path)
    app = app_for(broker, run_id=R, seq=1)
    async with app.run_test(size=(160, 32)) as pilot:
        said = "not aligned with Redis's seqs" if aligned else "none lines up with Redis's seqs"
        await until(pilot, lambda: said in line_text(app, 0), within=15)
        banner = line_text(app, 0)
        assert f"{shown:,} events from {path.name}" in banner
        assert f"Redis trimmed {first - 1:,}" in banner
        view = pane(app).view
        assert view.cursor_seq == first
        await pilot.press("up", "up")  # onto the banner, then above it: the log's rows
        await until(pilot, lambda: isinstance(pane(app).view.rows[0], UnnumberedRow))
        view = pane(app).view
        log_rows = view.rows[:shown]
        assert [r.index for r in log_rows if isinstance(r, UnnumberedRow)] == list(
            range(1, shown + 1)
        )
        banner_row = view.rows[shown]
        assert isinstance(banner_row, GapRow)
        assert banner_row.disk is not None
        assert view.rows[shown + 1].seq == first
        assert view.cursor == shown - 1  # on the log's last row, right above the banner
        assert view.lost_count == first - 1  # Redis's seqs 1..F-1 stay trimmed
        numbered = [r.seq for r in view.rows if isinstance(r, EventRow)]
        assert min(numbered) == first  # no seq invented below Redis's first
        lines = [line_text(app, y) for y in range(pane(app).size.height)]
        at = next(i for i, line in enumerate(lines) if said in line)  # the banner's line
        assert at > 0
        assert all(line.startswith(f"{'disk':>9} ") for line in lines[:at])  # no seq column
        assert lines[at + 1].startswith(f"{first:>9,} ")
        copied: list[str] = []
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        await pilot.press("c")  # copied as tail --jsonl prints it: no seq, its row in the log
        record = json.loads(copied[-1])
        assert (record["seq"], record["disk_row"], record["source"]) == (None, shown, "cold")
