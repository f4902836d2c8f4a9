"""``list_runs`` on Redis, costing what changes rather than what exists.

A viewer polls the listing every 1.5 s, and a dev Redis holds thousands of finished runs (the
arena's CLI never flushes its reaps). Reading every run on every poll made ten idle viewers
cost the arena's producer 26 ms of p99 and Redis 43 % of a core (README, "Scaling out"). So:

* **Finished runs are learned once.** A run's summary (sentinel, counter, length, both ends of
  its stream, the newest event's time) is read when the run is first seen and kept. It is
  read again only when something says it changed: a scan found one of its keys appear or go.
* **Which runs exist** comes from a SCAN of ``<prefix>:run:*`` in steps of ``SCAN_COUNT`` keys
  (each well under a millisecond of server time). A full pass costs every key in the
  database, so it runs only when ``DBSIZE`` (O(1)) moved since the last pass (runs appear,
  close and get reaped by adding and deleting keys; a growing stream adds none), when a polled
  run closed or vanished, and every ``RESCAN_EVERY_S`` whatever happens, which catches what
  ``DBSIZE`` cannot see (as many keys deleted as created between two polls).
* **Open runs are few and polled.** Every poll reads the ``:open`` and ``:seq`` values of the
  runs that are open or were active within ``stale_after`` (``MGET`` in batches, or one GET each
  on a cluster); only a run whose values changed is summarised again. Open runs that have been
  silent past ``stale_after`` (a producer that died without closing) are polled every
  ``STALE_RECHECK_S`` instead, spread over the polls.

No server-side call runs long: there is no Lua here, every command is O(1) or O(log n) on its
key except the bounded SCAN steps and MGETs, and summaries are read ``FETCH_BATCH`` runs per
round trip: one ``XINFO STREAM`` per run (its length and both ends at once) and MGETs of the
``:seq`` and ``:open`` values, sent through ``bulk`` (a first listing of 10,000 runs: 0.33 s,
was 0.87 s with five commands per run through redis-py's pipeline; a Lua summary of 50 runs
per call was no faster, 12 µs of server time per run, and blocked Redis 0.6 ms a call).
Runs still to be read survive a cancelled call (``_pending``). The ``:open`` sentinel, and
with it the label, is deleted at close: labels seen while open are kept. What one run's reply
says (and a fork's parent link, learned from it) is ``summary``'s.
"""

from __future__ import annotations

import bisect
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from arena_tui.broker._listing import run_status, sort_key, sort_runs
from arena_tui.broker.models import RunInfo, RunMeta, RunStatus
from arena_tui.broker.redis.connection import Connections
from arena_tui.broker.redis.keys import KeyLayout
from arena_tui.broker.redis.summary import (
    NEVER,
    Summary,
    last_activity,
    needs_ttl,
    next_poll,
    read_summary,
    settled,
    stream_info,
)

SCAN_COUNT = 1000
"""Keys per SCAN step: ~0.2 ms of server time each (Redis 7.0; its MATCH copies every key)."""
FETCH_BATCH = 1000
"""Runs per round trip when summaries are read. Redis reads a client's commands 16 KB at a
time and serves other clients in between, so a long batch never holds the server for long."""
RESCAN_EVERY_S = 30.0
"""A full SCAN at least this often, for changes ``DBSIZE`` cannot see."""


class RunLister:
    """Lists the runs under one prefix, keeping what it learned between calls."""

    def __init__(self, conns: Connections, layout: KeyLayout) -> None:
        self._conns = conns
        self._layout = layout
        self._known: dict[str, Summary] = {}
        self._unsettled: set[str] = set()
        """Runs whose status may still change with time or a poll; the rest are finished."""
        self._settled: list[RunInfo] | None = None
        """The finished runs in ``sort_key`` order, kept between calls (None: rebuild)."""
        self._settled_keys: list[tuple[int, float, str]] = []
        self._pending: dict[str, bool] = {}
        """Runs to read (with whether their ``:open`` key was seen), kept across calls: a
        listing cancelled half-way (the app's next poll replaces it) loses nothing."""
        self._dbsize: int | None = None
        self._scanned_at = -NEVER
        self._rescan = True
        self.meta_seen: dict[str, RunMeta] = {}

    def forget(self, run_id: str) -> None:
        """This process changed the run (reaped or re-opened it): read it afresh next time."""
        self._put(run_id, None)
        self._pending.pop(run_id, None)
        self._rescan = True

    async def scan(self, pattern: bytes) -> list[bytes]:
        client = self._conns.client

        async def collect() -> list[bytes]:
            return [key async for key in client.scan_iter(match=pattern, count=SCAN_COUNT)]

        return await self._conns.call(collect())

    async def live_runs(self) -> list[str]:
        await self._conns.ready()
        layout = self._layout
        keys = await self.scan(layout.pattern(b":open"))
        return sorted({found[0] for key in keys if (found := layout.run_id_of(key))})

    async def list_runs(self, *, stale_after: float) -> list[RunInfo]:
        await self._conns.ready()
        clock = time.monotonic()
        dbsize = await self._conns.call(self._conns.client.dbsize())
        if self._rescan or dbsize != self._dbsize or clock - self._scanned_at > RESCAN_EVERY_S:
            self._pending.update(await self._rescan_keys())
            self._dbsize, self._scanned_at, self._rescan = dbsize, clock, False
        due = [
            run_id
            for run_id in self._unsettled  # a settled run is never polled
            if self._known[run_id].next_poll <= clock and run_id not in self._pending
        ]
        self._pending.update(await self._changed(due, clock, stale_after))
        await self._fetch(stale_after)
        return self._sorted(datetime.now(UTC), stale_after)

    def _put(self, run_id: str, summary: Summary | None) -> None:
        """Store (or with ``None`` drop) a run's summary, keeping the settled list in step."""
        if run_id not in self._unsettled and run_id in self._known:
            self._settled = None  # it was in the settled list
        self._unsettled.discard(run_id)
        if summary is None:
            self._known.pop(run_id, None)
            return
        self._known[run_id] = summary
        if settled(summary):
            self._settled = None
        else:
            self._unsettled.add(run_id)

    def _sorted(self, now: datetime, stale_after: float) -> list[RunInfo]:
        """Every run in ``sort_key`` order: the settled ones from the kept list, the others
        judged now and merged in. A poll with thousands of finished runs costs their copy."""
        if self._settled is None:
            settled = (s.info for r, s in self._known.items() if r not in self._unsettled)
            self._settled = sort_runs(
                i if i.status is RunStatus.FINISHED else replace(i, status=RunStatus.FINISHED)
                for i in settled
            )
            self._settled_keys = [sort_key(info) for info in self._settled]
        judged = sort_runs(self._status(run_id, now, stale_after) for run_id in self._unsettled)
        out = [info for info in judged if info.status is not RunStatus.FINISHED]
        done = 0
        for info in judged[len(out) :]:
            at = bisect.bisect_left(self._settled_keys, sort_key(info))
            out += self._settled[done:at]
            out.append(info)
            done = at
        out += self._settled[done:]
        return out

    async def _rescan_keys(self) -> dict[str, bool]:
        """Drop runs whose keys are gone; return the runs whose keys came or went since read
        (with whether their ``:open`` key exists)."""
        layout = self._layout
        present: dict[str, set[bytes]] = {}
        for key in await self.scan(layout.pattern()):
            found = layout.run_id_of(key)
            if found is not None:
                present.setdefault(found[0], set()).add(found[1])
        for run_id in self._known.keys() - present.keys():
            self._put(run_id, None)
        return {
            run_id: b":open" in suffixes
            for run_id, suffixes in present.items()
            if (known := self._known.get(run_id)) is None or known.suffixes != suffixes
        }

    async def _changed(
        self, run_ids: list[str], clock: float, stale_after: float
    ) -> dict[str, bool]:
        """Poll ``:open`` and ``:seq`` of ``run_ids``; return those whose values moved."""
        keys: list[bytes] = []
        for run_id in run_ids:
            run_keys = self._layout.keys(run_id)
            keys += (run_keys.open, run_keys.seq)
        values = await self._conns.get_many(keys)
        changed = {}
        for i, run_id in enumerate(run_ids):
            known = self._known[run_id]
            sentinel, seq_raw = values[2 * i], values[2 * i + 1]
            if sentinel != known.sentinel or seq_raw != known.seq_raw:
                changed[run_id] = sentinel is not None
                if sentinel is None and known.sentinel is not None:
                    self._rescan = True  # a run closed: others may have come and gone too
            else:
                due = next_poll(known, clock, stale_after)
                self._put(run_id, replace(known, next_poll=due))
        return changed

    async def _fetch(self, stale_after: float) -> None:
        """Read the summary of each pending run, ``FETCH_BATCH`` runs per round trip."""
        runs = dict(self._pending)
        run_ids = sorted(runs)
        for start in range(0, len(run_ids), FETCH_BATCH):
            batch = run_ids[start : start + FETCH_BATCH]
            replies = await self._read_batch(batch, runs)
            clock, now = time.monotonic(), datetime.now(UTC)
            for run_id, reply in zip(batch, replies, strict=True):
                summary = read_summary(
                    run_id,
                    reply,
                    known=self._known.get(run_id),
                    meta_seen=self.meta_seen,
                    clock=clock,
                    now=now,
                    stale_after=stale_after,
                )
                self._put(run_id, summary)
                self._pending.pop(run_id, None)

    async def _read_batch(self, batch: list[str], runs: dict[str, bool]) -> list[list[Any]]:
        """Each run's reply for ``read_summary`` in one round trip (``Connections.read_many``):
        the ``:seq`` values, and the ``:open`` sentinels of the runs whose key was seen, in
        MGETs; one ``XINFO STREAM`` per run (length, first and last entry in one command). A
        sentinel's PTTL (when the run opened) is read, in a second round trip, only where
        nothing else dates the run."""
        keys = [self._layout.keys(run_id) for run_id in batch]
        opened = [i for i, run_id in enumerate(batch) if runs[run_id]]
        conns = self._conns
        reads = conns.get_commands([k.seq for k in keys] + [keys[i].open for i in opened])
        out = await conns.read_many([*reads, *(("XINFO STREAM", k.events) for k in keys)])
        values = conns.values_of(out[: len(reads)])
        sentinels = dict(zip(opened, values[len(batch) :], strict=True))
        replies = [
            [sentinels.get(i), -2, values[i], *stream_info(info)]
            for i, info in enumerate(out[len(reads) :])
        ]
        undated = [i for i in opened if needs_ttl(replies[i])]
        if undated:
            ttls = await conns.read_many([("PTTL", keys[i].open) for i in undated])
            for i, pttl in zip(undated, ttls, strict=True):
                replies[i][1] = pttl
        return replies

    def _status(self, run_id: str, now: datetime, stale_after: float) -> RunInfo:
        """The run's info with its status as of ``now`` (kept, so an unchanged one is free)."""
        summary = self._known[run_id]
        info = summary.info
        status = run_status(
            is_open=summary.sentinel is not None,
            last_activity=last_activity(summary),
            now=now,
            stale_after=stale_after,
        )
        if status is not info.status:
            info = replace(info, status=status)
            self._known[run_id] = replace(summary, info=info)  # still unsettled: no _put
        return info
