"""The kinds panel under the sidebar: how many events of each kind the retained run holds.

It owns its counts (``model.tally.Tally``) and the worker that fills them: when the live tail
starts at a seq, the history below it is counted in the background, at low priority (short
reads, a pause before each, none while the log waits for a read of its own: ``idle``), and the
tail's events are added as they come. It posts ``Counted`` when the counts changed, so the
screen can refresh what depends on them (the filter's hidden count in the status bar).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from textual import work
from textual.message import Message
from textual.widgets import Static

from arena_tui.broker.errors import BrokerError
from arena_tui.broker.models import Envelope, Seq
from arena_tui.broker.protocol import EventBroker
from arena_tui.model.tally import Tally, kinds_line
from arena_tui.reading.scans import count_history

PAUSE = 0.01
"""The count's scan waits this long before each of its reads (and while the log reads)."""


class KindsPanel(Static):
    class Counted(Message):
        """The counts changed (often, while the history is read: only the newest matters)."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, KindsPanel.Counted)

    def __init__(self, broker: EventBroker, idle: asyncio.Event, *, id: str | None = None) -> None:
        """``idle`` is set while the log waits for no read of its own (``LogPane.idle``)."""
        super().__init__("", id=id, markup=False)
        self.broker = broker
        self.idle = idle
        self.tally = Tally()
        self._shape: tuple[int, ...] = ()
        """The word widths of the panel's text (a change of them needs a layout)."""

    def reset(self) -> None:
        """Another run is shown: nothing is counted yet."""
        self.workers.cancel_group(self, "tally")
        self.tally = Tally()
        self._show()

    def start(self, run_id: str, live_from: Seq) -> None:
        """The live tail starts at ``live_from``: count the history below it in the background."""
        self.tally = Tally.start(live_from)
        self._count(run_id, live_from)

    def add(self, batch: Sequence[Envelope]) -> None:
        self.tally = self.tally.add(batch)
        self._show()

    def trim(self, available_from: Seq) -> None:
        """The broker holds nothing below ``available_from`` (a poll, a read or the tail)."""
        tally = self.tally.trim(available_from)
        if tally is not self.tally:
            self.tally = tally
            self._show()

    def restart(self) -> None:
        """The run started over (a reset): the old counts are another run's; the tail brings
        the new run's events from seq 1 and they are counted as they come."""
        self.workers.cancel_group(self, "tally")
        self.tally = Tally.start(1).done()
        self._show()

    def unavailable(self) -> None:
        """The run is not in the broker: nothing to count (not "counting…" for ever)."""
        self.workers.cancel_group(self, "tally")
        self.tally = Tally().done()
        self._show()

    @work(exclusive=True, group="tally")
    async def _count(self, run_id: str, below: Seq) -> None:
        def on_chunk(envelopes: Sequence[Envelope]) -> None:
            self.tally = self.tally.add_history(envelopes)
            self._show()

        async def turn() -> None:
            """The scan's turn comes after a pause, and only while no read of the log (a
            seek, a page) is in flight: those are what the user is waiting for."""
            await asyncio.sleep(PAUSE)
            await self.idle.wait()

        try:
            await count_history(self.broker, run_id, below, on_chunk, turn=turn)
        except BrokerError:
            return  # counts are a convenience; the tail reports the broker's trouble
        self.tally = self.tally.done()
        self._show()

    def _show(self) -> None:
        text = kinds_line(self.tally)
        # The panel's height is its wrapped text's, and wrapping depends only on the widths of
        # the words: only a change of those needs a layout (which repaints the whole screen).
        shape = tuple(len(word) for word in text.split(" "))
        self.update(text, layout=shape != self._shape)
        self._shape = shape
        self.post_message(self.Counted())
