"""``list_runs`` on Redis: one SCAN, then one pipeline of ``RUN_SUMMARIES`` calls.

The ``:open`` sentinel, and with it the label, is deleted at close; labels this broker has seen
(at ``open_run`` or in an earlier listing) are remembered for finished runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from arena_tui.broker import codec
from arena_tui.broker._listing import run_status, sort_runs
from arena_tui.broker.models import RunInfo, RunMeta
from arena_tui.broker.redis.connection import Connections
from arena_tui.broker.redis.keys import OPEN_TTL_S, KeyLayout
from arena_tui.broker.redis.scripts import RUN_SUMMARIES, RUN_SUMMARY_WIDTH

SCAN_COUNT = 1000
LIST_CHUNK = 500
"""Runs per ``RUN_SUMMARIES`` call: bounds how long one call blocks the server (a few ms)."""


class RunLister:
    """Lists the runs under one prefix; remembers the labels it has seen."""

    def __init__(self, conns: Connections, layout: KeyLayout) -> None:
        self._conns = conns
        self._layout = layout
        self._run_summaries = conns.client.register_script(RUN_SUMMARIES)
        self.meta_seen: dict[str, RunMeta] = {}

    async def scan(self, pattern: bytes) -> list[bytes]:
        client = self._conns.client

        async def collect() -> list[bytes]:
            return [key async for key in client.scan_iter(match=pattern, count=SCAN_COUNT)]

        return await self._conns.call(collect())

    async def live_runs(self) -> list[str]:
        layout = self._layout
        keys = await self.scan(layout.pattern(b":open"))
        return sorted({found[0] for key in keys if (found := layout.run_id_of(key))})

    async def list_runs(self, *, stale_after: float) -> list[RunInfo]:
        layout = self._layout
        keys = await self.scan(layout.pattern())
        ids = sorted({found[0] for key in keys if (found := layout.run_id_of(key))})
        if not ids:
            return []
        pipe = self._conns.client.pipeline(transaction=False)
        for start in range(0, len(ids), LIST_CHUNK):
            chunk: list[bytes] = []
            for run_id in ids[start : start + LIST_CHUNK]:
                run_keys = layout.keys(run_id)
                chunk += (run_keys.open, run_keys.seq, run_keys.events)
            await self._run_summaries(keys=chunk, client=pipe)  # queued, sent by execute()
        replies: list[list[Any]] = await self._conns.call(pipe.execute())
        now = datetime.now(UTC)
        infos = []
        run_ids = iter(ids)
        for reply in replies:
            for i in range(0, len(reply), RUN_SUMMARY_WIDTH):
                summary = reply[i : i + RUN_SUMMARY_WIDTH]
                infos.append(self._run_info(next(run_ids), summary, now, stale_after))
        return sort_runs(infos)

    def _run_info(
        self, run_id: str, summary: Sequence[Any], now: datetime, stale_after: float
    ) -> RunInfo:
        """One run's ``RunInfo`` from its ``RUN_SUMMARIES`` values."""
        sentinel, pttl, seq_raw, length, first_id, last_id, last_ts = summary
        is_open = sentinel is not None
        meta = codec.decode_meta(sentinel) if is_open else RunMeta()
        if is_open and (meta.label or meta.started_at):
            self.meta_seen[run_id] = meta
        elif not is_open:
            meta = self.meta_seen.get(run_id, meta)
        available_from = codec.parse_entry_id(first_id)[0] if first_id is not None else 0
        last_entry_seq = codec.parse_entry_id(last_id)[0] if last_id is not None else 0
        last_seq = max(int_or_zero(seq_raw), last_entry_seq)
        last_event_at = codec.decode_ts(last_ts)
        opened_at = None
        if is_open and pttl > 0:
            opened_at = now - timedelta(milliseconds=OPEN_TTL_S * 1000 - pttl)
        status = run_status(
            is_open=is_open,
            last_activity=last_event_at or meta.started_at or opened_at,
            now=now,
            stale_after=stale_after,
        )
        return RunInfo(
            run_id=run_id,
            meta=meta,
            status=status,
            n_events=int(length),
            last_seq=last_seq,
            available_from=available_from,
            last_event_at=last_event_at,
        )


def int_or_zero(raw: bytes | None) -> int:
    try:
        return int(raw) if raw is not None else 0
    except ValueError:
        return 0
