"""``DeferredBroker``: a broker built on its first use, so the app paints before redis-py loads.

Importing redis-py takes ~55 ms on the bench machine (its asyncio client, parsers and command
mixins), a third of the app's startup beyond a bare Textual app's (bench figure 9). The app
asks its broker nothing before its first frame (the first listing is scheduled after it), so
``make_broker(..., deferred=True)`` hands it this stand-in: what is checked at construction
(the URL, the settings) is checked here, at once, and the real broker (and redis-py) is made
by the first call that needs it. ``description`` needs no broker; ``aclose`` of a broker never
built closes nothing. Every other method is the real broker's, called as is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence

from arena_tui.broker.errors import BrokerClosedError
from arena_tui.broker.models import Envelope, Event, ReadResult, RunInfo, RunMeta, Seq
from arena_tui.broker.protocol import DEFAULT_STALE_AFTER, Direction, EventBroker


class DeferredBroker:
    """``EventBroker`` made by ``build`` when a method first needs it."""

    def __init__(self, build: Callable[[], EventBroker], description: str) -> None:
        self._build: Callable[[], EventBroker] | None = build
        self._broker: EventBroker | None = None
        self._description = description

    @property
    def built(self) -> bool:
        return self._broker is not None

    @property
    def broker(self) -> EventBroker:
        """The real broker, made now if it was not yet."""
        if self._broker is None:
            if self._build is None:  # closed before its first use
                raise BrokerClosedError(f"the broker for {self._description} was closed")
            self._broker, self._build = self._build(), None
        return self._broker

    @property
    def description(self) -> str:
        return self._broker.description if self._broker is not None else self._description

    async def open_run(self, run_id: str, meta: RunMeta | None = None) -> None:
        await self.broker.open_run(run_id, meta)

    async def publish(self, run_id: str, event: Event) -> Seq:
        return await self.broker.publish(run_id, event)

    async def publish_many(self, run_id: str, events: Sequence[Event]) -> list[Seq]:
        return await self.broker.publish_many(run_id, events)

    async def close_run(self, run_id: str) -> None:
        await self.broker.close_run(run_id)

    async def reap(self, run_id: str) -> None:
        await self.broker.reap(run_id)

    async def flush(self) -> None:
        if self._broker is not None:  # nothing was ever queued on a broker never made
            await self._broker.flush()

    async def is_open(self, run_id: str) -> bool:
        return await self.broker.is_open(run_id)

    async def is_open_remote(self, run_id: str) -> bool:
        return await self.broker.is_open_remote(run_id)

    async def live_runs(self) -> list[str]:
        return await self.broker.live_runs()

    async def list_runs(self, *, stale_after: float = DEFAULT_STALE_AFTER) -> list[RunInfo]:
        return await self.broker.list_runs(stale_after=stale_after)

    async def read_range(
        self,
        run_id: str,
        from_seq: Seq,
        *,
        count: int = 200,
        direction: Direction = "forward",
    ) -> ReadResult:
        return await self.broker.read_range(run_id, from_seq, count=count, direction=direction)

    def stream(self, run_id: str, from_seq: Seq = 0) -> AsyncIterator[Envelope]:
        return self.broker.stream(run_id, from_seq)

    def stream_batches(
        self, run_id: str, from_seq: Seq = 0, *, max_batch: int = 1000
    ) -> AsyncIterator[Sequence[Envelope]]:
        return self.broker.stream_batches(run_id, from_seq, max_batch=max_batch)

    async def aclose(self) -> None:
        self._build = None
        if self._broker is not None:
            await self._broker.aclose()
