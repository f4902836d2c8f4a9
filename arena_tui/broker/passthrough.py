"""``PassThrough``: an ``EventBroker`` that hands every call to another broker.

The brokers that wrap one (``cold.ColdAwareBroker`` adds the arena's logs to it,
``deferred.DeferredBroker`` makes it on first use) subclass this, name the broker calls go to
(``_target``) and override only what they add to.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from arena_tui.broker.models import Envelope, Event, ReadResult, RunInfo, RunMeta, Seq
from arena_tui.broker.protocol import DEFAULT_STALE_AFTER, Direction, EventBroker


class PassThrough:
    def _target(self) -> EventBroker:
        """The broker every call not overridden goes to."""
        raise NotImplementedError

    @property
    def description(self) -> str:
        return self._target().description

    async def open_run(self, run_id: str, meta: RunMeta | None = None) -> None:
        await self._target().open_run(run_id, meta)

    async def publish(self, run_id: str, event: Event) -> Seq:
        return await self._target().publish(run_id, event)

    async def publish_many(self, run_id: str, events: Sequence[Event]) -> list[Seq]:
        return await self._target().publish_many(run_id, events)

    async def close_run(self, run_id: str) -> None:
        await self._target().close_run(run_id)

    async def reap(self, run_id: str) -> None:
        await self._target().reap(run_id)

    async def flush(self) -> None:
        await self._target().flush()

    async def is_open(self, run_id: str) -> bool:
        return await self._target().is_open(run_id)

    async def is_open_remote(self, run_id: str) -> bool:
        return await self._target().is_open_remote(run_id)

    async def live_runs(self) -> list[str]:
        return await self._target().live_runs()

    async def list_runs(self, *, stale_after: float = DEFAULT_STALE_AFTER) -> list[RunInfo]:
        return await self._target().list_runs(stale_after=stale_after)

    async def read_range(
        self,
        run_id: str,
        from_seq: Seq,
        *,
        count: int = 200,
        direction: Direction = "forward",
    ) -> ReadResult:
        return await self._target().read_range(run_id, from_seq, count=count, direction=direction)

    def stream(self, run_id: str, from_seq: Seq = 0) -> AsyncIterator[Envelope]:
        return self._target().stream(run_id, from_seq)

    def stream_batches(
        self, run_id: str, from_seq: Seq = 0, *, max_batch: int = 1000
    ) -> AsyncIterator[Sequence[Envelope]]:
        return self._target().stream_batches(run_id, from_seq, max_batch=max_batch)

    async def aclose(self) -> None:
        await self._target().aclose()
