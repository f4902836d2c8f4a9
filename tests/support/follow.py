"""Around ``follow()``: a producer that survives restarts, and a recorder of what a follower got.

``Producer`` publishes ``counted(run_id, i)`` for i = 0, 1, ... and retries while Redis is down;
``Recorder`` consumes ``follow()`` in a task and lets a test wait on what it has seen.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TypeVar

from arena_tui.broker import BrokerUnavailableError, EventBroker
from arena_tui.broker.backoff import Backoff
from arena_tui.broker.follow import follow
from arena_tui.broker.follow_items import Batch, FollowItem
from tests.support.events import counted

T = TypeVar("T")
WAIT = 10.0
FAST = Backoff(initial=0.05, maximum=0.4)
"""Reconnect quickly in tests: 50 ms, doubling, at most 400 ms."""


class Producer:
    """Publishes ``counted(run_id, i)`` for i = 0, 1, ... until stopped, retrying while Redis is
    down (a publish is never retried blindly by the broker: see ``broker.redis.connection``)."""

    def __init__(self, broker: EventBroker, run_id: str, *, interval: float = 0.005) -> None:
        self.broker = broker
        self.run_id = run_id
        self.interval = interval
        self.seqs: list[int] = []
        self.failures = 0
        self._stop = asyncio.Event()
        self._published = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def publish_one(self) -> int:
        while True:
            try:
                seq = await self.broker.publish(self.run_id, counted(self.run_id, len(self.seqs)))
            except BrokerUnavailableError:
                self.failures += 1
                await asyncio.sleep(0.02)
                continue
            self.seqs.append(seq)
            self._published.set()
            return seq

    async def _run(self) -> None:
        while not self._stop.is_set():
            await self.publish_one()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"producer {self.run_id}")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task

    async def wait_for(self, n: int) -> None:
        async with asyncio.timeout(WAIT):
            while len(self.seqs) < n:
                self._published.clear()
                await self._published.wait()


class Recorder:
    """Consumes ``follow()`` in a task and keeps every item, for tests to wait on."""

    def __init__(
        self, broker: EventBroker, run_id: str, from_seq: int = 0, *, backoff: Backoff = FAST
    ) -> None:
        self.items: list[FollowItem] = []
        self._changed = asyncio.Event()
        self._iter = follow(broker, run_id, from_seq, backoff=backoff, finish_grace_s=0.1)
        self.task = asyncio.create_task(self._consume(), name=f"follow {run_id}")

    async def _consume(self) -> None:
        try:
            async for item in self._iter:
                self.items.append(item)
                self._changed.set()
        finally:
            self._changed.set()

    @property
    def seqs(self) -> list[int]:
        return [e.seq for item in self.items if isinstance(item, Batch) for e in item.envelopes]

    async def wait_until(self, predicate: Callable[[Recorder], bool], within: float = WAIT) -> None:
        async with asyncio.timeout(within):
            while not predicate(self):
                if self.task.done():
                    self.task.result()  # re-raise what ended it
                    if not predicate(self):
                        raise AssertionError(f"follow ended early: {self.items[-3:]}")
                self._changed.clear()
                await self._changed.wait()

    def of(self, kind: type[T]) -> list[T]:
        return [item for item in self.items if isinstance(item, kind)]

    async def stop(self, within: float = 3.0) -> None:
        """Cancel the follower; fail (rather than hang) if it is still running ``within`` s."""
        self.task.cancel()
        done, _ = await asyncio.wait([self.task], timeout=within)
        assert done, f"follow() still running {within} s after cancel"
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
