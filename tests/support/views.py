"""Builders for model tests: read results, and a ``LogView`` loaded with a given window.

The envelopes are ``events.numbered``: four per turn, the first a turn_start.
"""

from __future__ import annotations

from collections.abc import Iterable

from arena_tui.broker.models import ReadResult
from arena_tui.model.log import LogView
from arena_tui.model.rows import EventRow, GapRow, MarkRow, Row, UnnumberedRow
from tests.support.events import RUN
from tests.support.events import numbered as env
from tests.support.events import numbered_all as envs


def result(
    seqs: Iterable[int],
    *,
    first: int = 1,
    last: int | None = None,
    requested: int = 0,
    run_id: str = RUN,
) -> ReadResult:
    items = tuple(envs(seqs))
    newest = last if last is not None else (items[-1].seq if items else 0)
    return ReadResult(run_id, requested, items, first, newest)


def fulfil(
    view: LogView, seqs: Iterable[int], *, first: int = 1, last: int | None = None
) -> LogView:
    """Answer the view's pending read with ``seqs`` (already cut to what that read would get)."""
    assert view.want is not None, "the view wanted nothing"
    fetch = view.want
    return view.on_fetched(fetch, result(seqs, first=first, last=last, requested=fetch.from_seq))


def serve(view: LogView, seqs: range, *, last: int | None = None) -> LogView:
    """Answer the pending read from a broker holding ``seqs`` (consecutive), like read_range."""
    assert view.want is not None, "the view wanted nothing"
    fetch = view.want
    first, newest = seqs.start, seqs.stop - 1
    if fetch.turn is not None:
        target = next(s for s in seqs if env(s).event.t >= fetch.turn)
        fetch_from = target
    else:
        target = None
        fetch_from = fetch.from_seq
    if fetch.direction == "forward":
        start = max(fetch_from, first)
        got = range(start, min(start + fetch.count, newest + 1))
        requested = max(fetch_from, 1)
    else:
        stop = newest if fetch_from <= 0 else min(fetch_from, newest)
        got = range(max(first, stop - fetch.count + 1), stop + 1)
        requested = stop if fetch_from > 0 else newest
    read = ReadResult(RUN, requested, tuple(envs(got)), first, last or newest)
    return view.on_fetched(fetch, read, target)


def following(seqs: range, *, height: int = 10, max_rows: int = 3000, page: int = 500) -> LogView:
    view = LogView.open(RUN, height=height, max_rows=max_rows, page=page)
    return serve(view, seqs)


def opened_at(
    seq: int, seqs: range, *, height: int = 10, max_rows: int = 3000, page: int = 500
) -> LogView:
    view = LogView.open(RUN, seq=seq, height=height, max_rows=max_rows, page=page)
    return serve(view, seqs)


def shape(rows: Iterable[Row]) -> list[str]:
    """Rows as short strings: ``5`` for seq 5, ``T1-4`` trimmed gap, ``H6-7`` hole, ``M8`` mark,
    ``D3`` the log's row 3 shown unnumbered, ``B1-4`` a trimmed start gap that is its banner."""
    out = []
    for row in rows:
        if isinstance(row, EventRow):
            out.append(str(row.seq))
        elif isinstance(row, UnnumberedRow):
            out.append(f"D{row.index}")
        elif isinstance(row, GapRow) and row.disk is not None:
            out.append(f"B{row.first}-{row.last}")
        elif isinstance(row, GapRow):
            out.append(f"{row.kind.value[0].upper()}{row.first}-{row.last}")
        elif isinstance(row, MarkRow):
            out.append(f"M{row.after}")
    return out
