"""``DeferredBroker``: a broker built on its first use, so the app paints before redis-py loads.

Importing redis-py takes ~55 ms on the bench machine (its asyncio client, parsers and command
mixins), a third of the app's startup beyond a bare Textual app's (bench figure 9). The app
asks its broker nothing before its first frame (the first listing is scheduled after it), so
``make_broker(..., deferred=True)`` hands it this stand-in: what is checked at construction
(the URL, the settings) is checked there, at once, and the real broker (and redis-py) is made
by the first call that needs it. ``description`` needs no broker; ``flush`` and ``aclose`` of a
broker never made do nothing. Every other call is the real broker's (``PassThrough``).
"""

from __future__ import annotations

from collections.abc import Callable

from arena_tui.broker.errors import BrokerClosedError
from arena_tui.broker.passthrough import PassThrough
from arena_tui.broker.protocol import EventBroker


class DeferredBroker(PassThrough):
    """``EventBroker`` made by ``build`` when a call first needs it."""

    def __init__(self, build: Callable[[], EventBroker], description: str) -> None:
        self._build: Callable[[], EventBroker] | None = build
        self._broker: EventBroker | None = None
        self._description = description

    @property
    def built(self) -> bool:
        return self._broker is not None

    def _target(self) -> EventBroker:
        """The real broker, made now if it was not yet."""
        if self._broker is None:
            if self._build is None:  # closed before its first use
                raise BrokerClosedError(f"the broker for {self._description} was closed")
            self._broker, self._build = self._build(), None
        return self._broker

    @property
    def description(self) -> str:
        return self._broker.description if self._broker is not None else self._description

    async def flush(self) -> None:
        if self._broker is not None:  # nothing was ever queued on a broker never made
            await self._broker.flush()

    async def aclose(self) -> None:
        self._build = None
        if self._broker is not None:
            await self._broker.aclose()
