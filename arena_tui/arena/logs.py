"""Write an operation's DuckDB log the way the arena does, so cold runs exist without it.

The arena's CLI opens ``<root>/<UTC day>/<label>-<HHMMSS>.duckdb`` read-write when an
operation starts (before its first event), creates the ``events`` table, and its persister
inserts every event of every run of the operation, one parameterised ``INSERT`` in its own
autocommit transaction, in the order the broker gave them seqs; the file stays open, and so
locked against every other process, until the whole operation ends (``cold-store.md`` §2).
``OperationLog`` does the same from a thread of its own (duckdb blocks, and an autocommit
insert costs milliseconds), fed in publish order by the producer. ``ts`` is bound as the
aware UTC datetime the event carries, as the arena binds it: duckdb stores the writer's local
wall-clock time (pinned by a test).

History (events published at once with backdated times: the demo's finished runs, a long run's
backlog) is written ``bulk``: one ``INSERT ... SELECT unnest(...)`` per batch, the columns
bound as lists (``ts`` cast to ``TIMESTAMP[]`` with the same session time zone). The rows,
their order and the file are the same, only much faster to make: an autocommit insert costs
~3 ms on a busy 2-core box, a bound-parameter row ~1 ms even in one transaction, so a
2,000-event backlog would hold the file for seconds; ``unnest`` takes a fraction of one.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from arena_tui.broker.codec import encode_payload
from arena_tui.broker.cold.layout import DDL, INSERT, fork_path, operation_path
from arena_tui.broker.models import Event

_DONE = object()
_BULK = (
    "INSERT INTO events SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), "
    "unnest(?::TIMESTAMP[]), unnest(?)"
)


def row(event: Event) -> tuple[Any, ...]:
    """The arena's seven columns for one event (``payload_json`` is the wire's ``p``)."""
    payload_json = encode_payload(event.kind, event.payload).decode()
    return (event.run_id, event.agent_id, event.t, event.kind, payload_json, event.ts, event.v)


class OperationLog:
    """One operation's log file, held read-write from ``open`` to ``close``."""

    def __init__(self, root: Path, label: str, started_at: datetime) -> None:
        self.path = (
            fork_path(root, started_at)
            if label == "fork"
            else operation_path(root, label, started_at)
        )
        self.label = label
        self.started_at = started_at
        self.written = 0
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._opened = threading.Event()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> OperationLog:
        """Start the writer thread, which creates the folder and the file, takes the write
        lock and creates the table, then inserts what is queued (``open`` waits for that)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._thread = threading.Thread(
            target=self._write, name=f"log {self.path.name}", daemon=True
        )
        self._thread.start()
        return self

    async def open(self) -> OperationLog:
        """``start``, and wait until the file exists and is held."""
        self.start()
        await asyncio.to_thread(self._opened.wait)
        if self._error is not None:
            raise self._error
        return self

    @property
    def holding(self) -> bool:
        """Whether the file is open (and so locked against every other process)."""
        return self._thread is not None

    def emit(self, events: Sequence[Event], *, bulk: bool = False) -> None:
        """Queue ``events`` for insertion, in this order (never blocks); ``bulk`` for history."""
        if events:
            self._queue.put((bulk, list(events)))

    async def close(self) -> None:
        """Insert everything queued, then close the file (releasing the lock)."""
        if self._thread is None:
            return
        self._queue.put(_DONE)
        await asyncio.to_thread(self._thread.join)
        self._thread = None
        if self._error is not None:
            raise self._error

    async def __aenter__(self) -> OperationLog:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _write(self) -> None:
        import duckdb

        try:
            conn = duckdb.connect(str(self.path))
        except BaseException as exc:
            self._error = exc
            self._opened.set()
            return
        try:
            conn.execute(DDL)
            self._opened.set()
            while (item := self._queue.get()) is not _DONE:
                assert isinstance(item, tuple)
                bulk, events = item
                if bulk:
                    columns = [list(column) for column in zip(*map(row, events), strict=True)]
                    conn.execute(_BULK, columns)
                else:
                    for event in events:
                        conn.execute(INSERT, row(event))
                self.written += len(events)
        except BaseException as exc:
            self._error = exc
        finally:
            self._opened.set()
            conn.close()
