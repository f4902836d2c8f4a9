"""``find_block``: the first retained Redis events looked up in a real log by content, through
the candidate rows one query finds (same agent, turn and kind as the block's first event) or,
when too many rows share those, a scan of the whole run; both must give the same row."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from arena_tui.broker import codec
from arena_tui.broker.cold import stitch, with_logs
from arena_tui.broker.cold.index import ColdIndex
from arena_tui.broker.cold.reader import ColdReader
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.broker.models import Envelope, Event
from tests.cold.cold_helpers import Row, log_path, turn_rows, write_log

R = "ab" * 16


def as_redis(rows: list[Row], first_seq: int) -> list[Envelope]:
    """``rows`` as Redis would hand them back, from seq ``first_seq``."""
    events = [Event(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in rows]
    return [
        codec.decode_entry(codec.entry_id(seq), codec.encode_event(e))
        for seq, e in enumerate(events, start=first_seq)
    ]


def reader_for(tmp_path: Path, rows: list[Row]) -> ColdReader:
    write_log(log_path(tmp_path, "race"), rows)
    (file,) = ColdIndex(tmp_path).refresh()
    (run,) = file.runs
    return with_logs(InProcessBroker(), tmp_path).store.reader(file, run)


@pytest.mark.parametrize("candidates", [stitch.CANDIDATES, 0], ids=["candidates", "scan"])
def test_a_shifted_block_is_found_at_its_row_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, candidates: int
) -> None:
    monkeypatch.setattr(stitch, "CANDIDATES", candidates)  # 0: any candidate is too many
    scanned: list[int] = []
    rows_of = ColdReader.rows

    def counted(self: ColdReader, from_seq: int, count: int) -> list[tuple[Any, ...]]:
        if count > 8:
            scanned.append(from_seq)
        return rows_of(self, from_seq, count)

    monkeypatch.setattr(ColdReader, "rows", counted)
    rows = turn_rows(R, "ag", range(1, 41))  # 240 rows; turn t's metric is row 6t
    reader = reader_for(tmp_path, rows)
    block = as_redis(rows[99:107], 103)  # rows 100.. at seqs 103..: three holes before them
    assert stitch.find_block(reader, block, 103) == 100
    other = as_redis(turn_rows(R, "someone-else", range(1, 3)), 103)[:8]
    assert stitch.find_block(reader, other, 103) is None
    changed = [*block[:3], *as_redis(rows[200:201], 106), *block[4:]]  # same first, other 4th
    assert stitch.find_block(reader, changed, 103) is None
    assert bool(scanned) == (candidates == 0)  # pages read only by the scan
    reader.connections.close()
