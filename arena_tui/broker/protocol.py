"""The ``EventBroker`` protocol: the arena's consumer contract plus what a viewer needs.

Guarantees every backend keeps (the contract suite in ``tests/broker`` checks each):

* **Order.** Within a run, seqs start at 1 and strictly increase. Every reader sees the same
  events in the same order. Holes are possible (a producer that crashed between INCR and XADD
  in the arena's two-round-trip publish); readers tolerate them and never invent events.
* **stream(run_id, from_seq)** yields every retained event with ``seq >= from_seq`` (0 and 1
  both mean "from the beginning"), then tails live ones, and returns when the run is closed and
  everything published before the close has been yielded. When the next seq it wants has been
  trimmed it raises ``BrokerOverflowError(run_id, requested_seq, available_from)``; the caller
  recovers by calling ``stream`` again from ``available_from``. Cancelling the iterating task
  (or ``aclose()`` on the iterator) is always safe and leaves the broker usable. It raises
  ``RunNotFoundError`` when no key of the run exists when it starts; a run reaped while it is
  tailed ends the stream, and so does ``aclose()`` of the broker.
* **read_range** never raises for trimming: it returns what it got plus ``available_from``
  (trimming is data, see ``ReadResult``). It raises ``RunNotFoundError`` only when no key of
  the run exists at all.
* **Errors.** Only ``BrokerError`` subclasses escape (see ``errors``); transport errors are
  translated at one place per backend.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Literal, Protocol, runtime_checkable

from arena_tui.broker.models import Envelope, Event, ReadResult, RunInfo, RunMeta, Seq

Direction = Literal["forward", "backward"]

DEFAULT_STALE_AFTER = 30.0
"""Seconds of silence after which an open run is called stale (and a closed one finished)."""


@runtime_checkable
class EventBroker(Protocol):
    """What every backend implements. All methods are coroutines unless noted."""

    @property
    def description(self) -> str:
        """Where this broker lives, safe to show: ``in-process`` or a masked Redis URL."""
        ...

    # -- the arena's producer side ---------------------------------------------------------

    async def open_run(self, run_id: str, meta: RunMeta | None = None) -> None:
        """Mark the run open (the ``:open`` sentinel, 6 h TTL). Idempotent; not exclusive."""
        ...

    async def publish(self, run_id: str, event: Event) -> Seq:
        """Append one event atomically and return the seq it was given."""
        ...

    async def publish_many(self, run_id: str, events: Sequence[Event]) -> list[Seq]:
        """Append events in order in one round trip; seqs are consecutive for this call."""
        ...

    async def close_run(self, run_id: str) -> None:
        """Mark the run closed; active ``stream`` readers end after draining."""
        ...

    async def reap(self, run_id: str) -> None:
        """Delete every trace of the run (all three keys)."""
        ...

    async def flush(self) -> None:
        """Wait until every queued write has reached the broker."""
        ...

    # -- liveness ---------------------------------------------------------------------------

    async def is_open(self, run_id: str) -> bool:
        """Whether the run is open according to the broker (``:open`` exists)."""
        ...

    async def is_open_remote(self, run_id: str) -> bool:
        """Like ``is_open`` but always asks the server, never a local cache."""
        ...

    async def live_runs(self) -> list[str]:
        """Ids of the runs whose ``:open`` sentinel exists, sorted."""
        ...

    # -- the viewer's side ------------------------------------------------------------------

    async def list_runs(self, *, stale_after: float = DEFAULT_STALE_AFTER) -> list[RunInfo]:
        """Every run the broker still holds, open and finished, in one pipelined pass.

        Sorted open first (newest activity first), then stale, then finished.
        """
        ...

    async def read_range(
        self,
        run_id: str,
        from_seq: Seq,
        *,
        count: int = 200,
        direction: Direction = "forward",
    ) -> ReadResult:
        """Up to ``count`` events starting at ``from_seq`` (inclusive), ascending in the result.

        ``forward`` reads seqs ``>= max(from_seq, available_from)``; ``backward`` reads the
        ``count`` events with seq ``<= from_seq`` (``from_seq`` 0 or less means the newest).
        """
        ...

    def stream(self, run_id: str, from_seq: Seq = 0) -> AsyncIterator[Envelope]:
        """Replay then tail the run (see the module docstring). Not a coroutine."""
        ...

    def stream_batches(
        self, run_id: str, from_seq: Seq = 0, *, max_batch: int = 1000
    ) -> AsyncIterator[Sequence[Envelope]]:
        """Like ``stream`` but yields lists of envelopes as they arrive (for viewers)."""
        ...

    async def aclose(self) -> None:
        """Release connections and end every active stream. Idempotent."""
        ...
