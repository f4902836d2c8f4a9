"""The watch screen's broker I/O: the run list, the open run's live tail and its log's reads.

Each runs in one of the screen's exclusive workers (``runs``, ``tail``, ``fetch``) and each
guards the same way: after every await it compares the run it was started for with the
screen's ``run_id`` (which is "" once the screen is closing; the listing checks ``closing``)
and drops a stale result, the way Textual's dictionary
example drops a stale lookup. So a replaced tail, a read for the previous run or a closing
screen touches nothing. The tail iterates ``follow()`` itself and handles each item with one
``match``: events go to a frame buffer, the rest to the log pane's intents and the connection.
The first read of a run starts its tail (and the kinds panel's count below it).

Live events reach the log through ``LiveFrames`` (``ui.frames``): at most one update a frame.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from arena_tui.broker.backoff import Backoff
from arena_tui.broker.errors import BrokerAuthError, BrokerError, RunNotFoundError
from arena_tui.broker.follow import follow
from arena_tui.broker.follow_items import (
    AuthFailed,
    Batch,
    Finished,
    Following,
    Hole,
    Overflow,
    Reconnected,
    Reconnecting,
    Reset,
)
from arena_tui.broker.models import Envelope, Seq
from arena_tui.model.connection import Connection, Phase
from arena_tui.model.log import Fetch
from arena_tui.model.rate import RateMeter
from arena_tui.reading.fetch import fetch_page
from arena_tui.reading.seek import TurnNotFound
from arena_tui.ui.frames import LiveFrames

if TYPE_CHECKING:
    from arena_tui.ui.screens.watch import WatchScreen

RUNS_EVERY = 1.5
"""Seconds between two listings of the broker's runs."""
BACKOFF = Backoff(initial=0.5, maximum=10.0)
"""The tail's reconnect delays: 0.5 s, doubling, at most 10 s (with jitter)."""


class RunFeed:
    def __init__(self, screen: WatchScreen) -> None:
        self.screen = screen
        self.tailing: str | None = None
        """The run whose tail runs (None until its first read is in)."""
        self._runs_failures = 0
        self.rate = RateMeter()
        self.resume_from: Seq = 0
        """Where a restarted tail (``r``) goes on: after the last seq the tail delivered."""
        self.frames = LiveFrames(screen, lambda batch: screen.apply_live(batch, self.rate))

    def start(self, run_id: str, from_seq: Seq) -> None:
        """Follow ``run_id`` from ``from_seq``; replaces the tail of any run before."""
        self.resume_from = from_seq
        self.screen.run_worker(
            self._follow(run_id, from_seq), name="tail", group="tail", exclusive=True
        )

    def reset(self) -> None:
        """Another run is opened: no tail, no read in flight, nothing buffered, a new rate."""
        self.screen.workers.cancel_group(self.screen, "tail")
        self.screen.workers.cancel_group(self.screen, "fetch")
        self.tailing = None
        self.frames.clear()
        self.rate = RateMeter()

    def refresh_runs(self) -> None:
        """List the broker's runs now (the screen asks every ``RUNS_EVERY`` seconds)."""
        work = self._list_runs()
        self.screen.run_worker(work, name="refresh_runs", group="runs", exclusive=True)

    async def _list_runs(self) -> None:
        screen = self.screen
        try:
            infos = await screen.broker.list_runs(stale_after=screen.settings.stale_after)
        except BrokerError as exc:
            if not screen.closing:
                self._runs_failed(exc)
            return
        if not screen.closing:  # a listing that comes back after quit touches no widget
            self._runs_failures = 0
            screen.runs_listed(infos)

    def _runs_failed(self, error: BrokerError) -> None:
        screen = self.screen
        self._runs_failures += 1
        refused = isinstance(error, BrokerAuthError)
        screen.sidebar.runs = screen.sidebar.runs.failed(
            "password refused: fix it, then press r" if refused else "broker unreachable: retrying"
        )
        if self._runs_failures == 1:
            message = f"{error}; then press r to reconnect" if refused else str(error)
            screen.notify(message, title="cannot list runs", severity="error", timeout=10)
        if screen.run_id:
            return  # the tail reports the connection of the open run
        if isinstance(error, BrokerAuthError):
            screen.connection = screen.connection.auth_failed(str(error))
        else:
            retry_at = screen.clock.monotonic() + RUNS_EVERY
            failures = self._runs_failures
            screen.connection = screen.connection.reconnecting(failures, retry_at, str(error))

    def restart(self) -> None:
        """``r``: the tail again after the last seq it delivered; a run whose first read
        failed is opened again."""
        screen = self.screen
        if self.tailing != screen.run_id:
            screen.open_run(screen.run_id)
            return
        screen.connection = Connection()
        self.start(screen.run_id, self.resume_from)

    def fetch(self, run_id: str, fetch: Fetch) -> None:
        """Perform the read the log pane wants (a newer request replaces it)."""
        work = self._fetch(run_id, fetch)
        self.screen.run_worker(work, name="fetch", group="fetch", exclusive=True)

    async def _fetch(self, run_id: str, fetch: Fetch) -> None:
        screen = self.screen
        replaced: list[Connection] = []  # the state before the retries, the last they showed

        def retrying(attempt: int, delay: float, error: BrokerError) -> None:
            if screen.run_id == run_id:
                retry_at = screen.clock.monotonic() + delay
                before = screen.connection
                screen.connection = before.reconnecting(attempt, retry_at, str(error))
                replaced[:] = [replaced[0] if replaced else before, screen.connection]
                if attempt == 1:
                    screen.notify(str(error), title="broker unreachable", severity="error")

        try:
            result, target = await fetch_page(
                screen.broker, run_id, fetch, clock=screen.clock, on_retry=retrying
            )
        except (BrokerError, TurnNotFound) as exc:
            if screen.run_id == run_id:
                self._fetch_failed(fetch, exc)
            return
        if screen.run_id != run_id:
            return
        if replaced and screen.connection is replaced[1]:  # nothing else said anything since
            screen.connection = replaced[0]  # e.g. finished: no tail is left to say it again
        pane = screen.log_pane
        pane.fetched(fetch, result, target)
        if result.available_from:
            screen.kinds.trim(result.available_from)
        if self.tailing != run_id and pane.view.loaded:
            self.tailing = run_id
            self.start(run_id, pane.view.tail_from)
            screen.kinds.start(run_id, pane.view.tail_from)

    def check_gone(self, run_id: str) -> None:
        """The finished open run is not listed: say so if a read finds no key of it."""
        self.screen.run_worker(self._check_gone(run_id), group="gone", exclusive=True)

    async def _check_gone(self, run_id: str) -> None:
        with contextlib.suppress(BrokerError):  # unreachable: the next listing asks again
            try:
                await self.screen.broker.read_range(run_id, 0, count=1, direction="backward")
            except RunNotFoundError:
                if self.screen.run_id == run_id:
                    self.screen.connection = self.screen.connection.gone_from_broker()

    def _fetch_failed(self, fetch: Fetch, error: Exception) -> None:
        screen = self.screen
        message = str(error)
        if isinstance(error, BrokerAuthError):
            screen.log_pane.fetch_failed(fetch, f"{message}; then press r to reconnect")
            screen.connection = screen.connection.auth_failed(message)
        elif isinstance(error, RunNotFoundError):
            hint = " (finished and reaped, or a different prefix?)"
            screen.log_pane.fetch_failed(fetch, message + hint)
            screen.connection = screen.connection.failed(message)
            screen.kinds.unavailable()
        else:
            screen.log_pane.fetch_failed(fetch, message)

    async def _follow(self, run_id: str, from_seq: Seq) -> None:
        screen = self.screen
        pane = screen.log_pane
        clock = screen.clock
        items = follow(screen.broker, run_id, from_seq, backoff=BACKOFF, clock=clock)
        try:
            async with contextlib.aclosing(items):
                async for item in items:
                    if screen.run_id != run_id:
                        return  # replaced by another run's tail, or the screen is closing
                    match item:
                        case Following(_, is_open) if is_open:  # closed: until events or end
                            screen.connection = screen.connection.live(clock.monotonic())
                        case Batch(envelopes):
                            self.add(envelopes)
                        case Hole():
                            pass  # the log view derives hole rows from the seqs themselves
                        case Overflow(requested, available_from):
                            self.flush()
                            self.resume_from = max(self.resume_from, available_from)
                            pane.tail_trimmed(requested, available_from)
                            screen.kinds.trim(available_from)
                        case Reconnecting(attempt, delay, reason):
                            self.flush()
                            retry_at = clock.monotonic() + delay
                            screen.connection = screen.connection.reconnecting(
                                attempt, retry_at, reason
                            )
                            if attempt == 1:
                                title = "connection lost, reconnecting"
                                screen.notify(reason, title=title, severity="warning")
                        case Reconnected(after_s):
                            pane.tail_reconnected(after_s)
                            screen.notify(f"reconnected after {after_s:.0f} s")
                            screen.connection = screen.connection.live(clock.monotonic())
                        case Reset(last_seen, new_last):
                            self.flush()  # the new run's events come from seq 1
                            self.resume_from = 1
                            pane.tail_reset(last_seen, new_last)
                            screen.kinds.restart()
                        case AuthFailed(reason):
                            self.flush()
                            screen.connection = screen.connection.auth_failed(reason)
                            text = f"{reason}; then press r to reconnect"
                            title = "authentication failed"
                            screen.notify(text, title=title, severity="error", timeout=30)
                        case Finished(last_seq):
                            self.flush()
                            pane.tail_finished()
                            last = max(last_seq, pane.view.last_seq)
                            screen.connection = screen.connection.finished(last)
                            runs = screen.sidebar.runs
                            screen.sidebar.runs = runs.finished(run_id, last)
        except BrokerError as exc:  # the run is not in the broker, or an unexpected refusal
            if screen.run_id == run_id:
                self.flush()
                screen.connection = screen.connection.failed(str(exc))
                title = "cannot follow this run"
                screen.notify(str(exc), title=title, severity="error", timeout=15)

    def add(self, batch: Sequence[Envelope]) -> None:
        """Live events: counted now, applied to the log before the next paint (``frames``)."""
        screen = self.screen
        now = screen.clock.monotonic()
        self.resume_from = batch[-1].seq + 1 if batch else self.resume_from
        self.rate = self.rate.add(len(batch), now)
        connection = screen.connection
        last = connection.last_event_at
        if connection.phase is not Phase.LIVE or last is None or now - last >= 0.5:
            screen.connection = connection.on_events(now)
        self.frames.add(batch)

    def flush(self) -> None:
        """Apply the buffered live events now (before a trim, a reset, the end...)."""
        self.frames.flush()
