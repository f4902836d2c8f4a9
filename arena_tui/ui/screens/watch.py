"""The watch screen: runs on the left, the open run's log on the right, state along the edges.

The screen is the only place that coordinates siblings and the only place that talks to the
broker, always from named exclusive workers:

* ``runs`` polls ``list_runs`` every ``RUNS_EVERY`` seconds for the sidebar;
* ``tail`` follows the open run (``broker_io.follow_run``); opening another run replaces it;
* ``fetch`` performs the range read the log view asks for; a newer request replaces it.

Live events do not go to the log one batch at a time: the tail appends them to a buffer that is
applied to the view at most once per frame (``FRAME``), so a burst of thousands costs one model
transition and one repaint. The first batch after a quiet frame is applied at once (a row never
waits for a timer it does not need); batches within a frame of the last update wait only for
the rest of that frame. While the tail reads a backlog (a flush applied ``BEHIND`` events or
more: it is catching up, not following a live rate) the log is repainted every
``CATCH_UP_FRAME`` instead: nobody reads thousands of rows a frame, and each repaint takes the
time of ten thousand events from reading the backlog.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import ClassVar

from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import Static

from arena_tui.broker.clock import Clock
from arena_tui.broker.errors import (
    BrokerAuthError,
    BrokerError,
    RunNotFoundError,
)
from arena_tui.broker.models import Envelope, RunStatus, Seq
from arena_tui.broker.protocol import EventBroker
from arena_tui.config import Settings
from arena_tui.model.connection import Connection, Phase
from arena_tui.model.log import Fetch, LogView
from arena_tui.model.rate import RateMeter
from arena_tui.model.runs import run_label
from arena_tui.model.seek import Deferred, StartTarget, Target
from arena_tui.model.timeseek import TimeTarget
from arena_tui.reading.fetch import fetch_page
from arena_tui.reading.seek import TurnNotFound
from arena_tui.ui.broker_io import GuardedSink, follow_run
from arena_tui.ui.screens.goto import GoToScreen
from arena_tui.ui.screens.help import HelpScreen
from arena_tui.ui.screens.navigation import NavigationScreen
from arena_tui.ui.widgets.detail_pane import DetailPane
from arena_tui.ui.widgets.header import ArenaHeader
from arena_tui.ui.widgets.log_lines import HEADER
from arena_tui.ui.widgets.log_pane import LogPane
from arena_tui.ui.widgets.runs_sidebar import RunsSidebar
from arena_tui.ui.widgets.status_bar import StatusBar
from arena_tui.ui.widgets.world_panel import WorldPanel

RUNS_EVERY = 1.5
FRAME = 1 / 60
"""Textual paints at most 60 frames a second (``TEXTUAL_FPS``): one view update per frame."""
CATCH_UP_FRAME = 1 / 10
"""The view update interval while catching up on a backlog."""
BEHIND = 1_000
"""Events applied by one flush that mean the tail is reading a backlog (60,000 events/s)."""


class WatchScreen(NavigationScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "goto", "Go to", tooltip="Go to a seq, a turn, start or end"),
        Binding("question_mark", "help", "Help"),
        Binding("r", "reconnect", "Reconnect", tooltip="Try the broker again now"),
    ]

    connection: var[Connection] = var(Connection)

    def __init__(
        self,
        broker: EventBroker,
        settings: Settings,
        *,
        clock: Clock,
        run_id: str | None = None,
        seq: Seq | None = None,
        demo: bool = False,
    ) -> None:
        super().__init__()
        self.nav_init()
        self.broker = broker
        self.settings = settings
        self.clock = clock
        self.demo = demo
        self._initial = (run_id, seq)
        self._pending: list[Envelope] = []
        self._flush_timer: Timer | None = None
        self._flushed_at = -FRAME
        """``time.monotonic()`` of the last flush (Textual's timers run on that clock)."""
        self._frame = FRAME
        """The wait between flushes: ``FRAME``, or ``CATCH_UP_FRAME`` after a backlog's flush."""
        self._tailing: str | None = None
        self._resume_from: Seq = 0
        """Where a restarted tail (``r``) goes on: after the last seq the tail delivered."""
        self._rate = RateMeter()
        self._runs_failures = 0

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        clock = self.clock
        yield ArenaHeader(self.broker.description, demo=self.demo, clock=clock, id="header")
        with Horizontal(id="body"):
            with Vertical(id="side"):
                yield RunsSidebar(clock=clock, id="runs")
                world = WorldPanel(id="world")
                world.border_title = "world"
                yield world
                kinds = Static("", id="kinds", markup=False)
                kinds.border_title = "kinds · retained run"
                yield kinds
            with Vertical(id="main"):
                yield Static(HEADER, id="log-columns", markup=False)
                yield LogPane(clock=clock, id="log")
                yield DetailPane(clock=clock, id="detail")
        yield StatusBar(clock=clock, id="status")

    @property
    def log_pane(self) -> LogPane:
        return self.query_one(LogPane)

    @property
    def sidebar(self) -> RunsSidebar:
        return self.query_one(RunsSidebar)

    def on_mount(self) -> None:
        run_id, seq = self._initial
        self.set_interval(RUNS_EVERY, self.refresh_runs)
        self.refresh_runs()
        if run_id is not None:
            self.open_run(run_id, seq)
        self.log_pane.focus()

    def watch_connection(self, connection: Connection) -> None:
        self.query_one(ArenaHeader).connection = connection
        self.query_one(StatusBar).connection = connection

    # -- opening a run ----------------------------------------------------------------------

    @property
    def run_id(self) -> str:
        return self.log_pane.view.run_id

    def open_run(self, run_id: str, seq: Seq | None = None) -> None:
        """Show ``run_id`` (following it, or paused at ``seq``); replaces the tail and reads."""
        self.workers.cancel_group(self, "tail")
        self.workers.cancel_group(self, "fetch")
        self._tailing = None
        self._pending.clear()
        self._rate = RateMeter()
        self.connection = Connection()
        self.query_one(StatusBar).rate = self._rate
        log = self.log_pane
        height = max(1, log.scrollable_content_region.height)
        log.start(LogView.open(run_id, seq=seq, height=height))
        self.nav_run_opened(run_id)
        runs = self.sidebar.runs.open(run_id)
        self.sidebar.runs = runs
        info = runs.get(run_id)
        self.query_one(ArenaHeader).run_title = run_label(info) if info else run_id[:12]

    def on_runs_sidebar_run_selected(self, message: RunsSidebar.RunSelected) -> None:
        if message.run_id != self.run_id:
            self.open_run(message.run_id)
        self.log_pane.focus()

    # -- the sidebar's poll -----------------------------------------------------------------

    @work(exclusive=True, group="runs")
    async def refresh_runs(self) -> None:
        try:
            infos = await self.broker.list_runs(stale_after=self.settings.stale_after)
        except BrokerError as exc:
            self._runs_failed(exc)
            return
        self._runs_failures = 0
        self.nav_runs_polled(infos)
        runs = self.sidebar.runs.refreshed(infos)
        self.sidebar.runs = runs
        if not self.run_id:
            if runs.runs:
                self.open_run(runs.runs[0].run_id)
            else:
                self.connection = self.connection.live(self.clock.monotonic())
            return
        info = runs.get(self.run_id)
        if info is None:
            return
        self.query_one(ArenaHeader).run_title = run_label(info)
        log = self.log_pane
        log.update(log.view.on_run_info(info.available_from, info.last_seq))
        stale = info.status is RunStatus.STALE
        self.connection = self.connection.stale(info.last_event_at if stale else None)

    def _runs_failed(self, error: BrokerError) -> None:
        self._runs_failures += 1
        if self._runs_failures == 1:
            self.notify(str(error), title="cannot list runs", severity="error", timeout=10)
        if self.run_id:
            return  # the tail reports the connection of the open run
        now = self.clock.monotonic()
        if isinstance(error, BrokerAuthError):
            self.connection = self.connection.auth_failed(str(error))
        else:
            self.connection = self.connection.reconnecting(
                self._runs_failures, now + RUNS_EVERY, str(error)
            )

    # -- range reads ------------------------------------------------------------------------

    def on_log_pane_fetch_wanted(self, message: LogPane.FetchWanted) -> None:
        self.fetch(message.run_id, message.fetch)

    @work(exclusive=True, group="fetch")
    async def fetch(self, run_id: str, fetch: Fetch) -> None:
        def retrying(attempt: int, delay: float, error: BrokerError) -> None:
            retry_at = self.clock.monotonic() + delay
            self.connection = self.connection.reconnecting(attempt, retry_at, str(error))
            if attempt == 1:
                self.notify(str(error), title="broker unreachable", severity="error")

        try:
            result, target = await fetch_page(
                self.broker, run_id, fetch, clock=self.clock, on_retry=retrying
            )
        except BrokerAuthError as exc:
            self._fetch_failed(fetch, f"{exc}; then press r to reconnect")
            self.connection = self.connection.auth_failed(str(exc))
            return
        except RunNotFoundError as exc:
            self._fetch_failed(fetch, f"{exc} (finished and reaped, or a different prefix?)")
            self.connection = self.connection.failed(str(exc))
            return
        except (BrokerError, TurnNotFound) as exc:
            self._fetch_failed(fetch, str(exc))
            return
        log = self.log_pane
        if log.view.run_id != run_id:
            return
        log.update(log.view.on_fetched(fetch, result, target))
        if self._tailing != run_id and log.view.loaded:
            self._tailing = run_id
            self.tail(run_id, log.view.tail_from)
            self.nav_tail_started(run_id, log.view.tail_from)

    def _fetch_failed(self, fetch: Fetch, message: str) -> None:
        log = self.log_pane
        log.update(log.view.on_fetch_failed(fetch, message))

    # -- the live tail ----------------------------------------------------------------------

    @work(exclusive=True, group="tail")
    async def tail(self, run_id: str, from_seq: Seq) -> None:
        self._resume_from = from_seq
        await follow_run(
            self.broker,
            run_id,
            from_seq,
            GuardedSink(self, lambda: self.run_id == run_id),
            clock=self.clock,
        )

    def tail_events(self, batch: Sequence[Envelope]) -> None:
        now = self.clock.monotonic()
        self._resume_from = batch[-1].seq + 1 if batch else self._resume_from
        self._pending.extend(batch)
        self._rate = self._rate.add(len(batch), now)
        connection = self.connection
        last = connection.last_event_at
        if connection.phase is not Phase.LIVE or last is None or now - last >= 0.5:
            self.connection = connection.on_events(now)
        if self._flush_timer is None:
            wait = self._flushed_at + self._frame - time.monotonic()
            if wait <= 0:
                self.flush()
            else:
                self._flush_timer = self.set_timer(wait, self._frame_due)

    def _frame_due(self) -> None:
        self._flush_timer = None
        self.flush()

    def flush(self) -> None:
        """Apply buffered live events to the view: one transition and one repaint per frame."""
        if self._flush_timer is not None:  # flushed early (a trim, a reconnect): no timer needed
            self._flush_timer.stop()
            self._flush_timer = None
        if not self._pending:
            return
        self._flushed_at = time.monotonic()
        batch, self._pending = self._pending, []
        self._frame = CATCH_UP_FRAME if len(batch) >= BEHIND else FRAME
        log = self.log_pane
        log.update(log.view.on_events(batch))
        self.nav_live(batch)
        status = self.query_one(StatusBar)
        status.rate = self._rate
        status.view = log.view  # now, not a message later: the bar never trails the log

    def tail_trimmed(self, requested: Seq, available_from: Seq) -> None:
        self.flush()
        self._resume_from = max(self._resume_from, available_from)
        log = self.log_pane
        log.update(log.view.on_trimmed(requested, available_from))

    def tail_reconnecting(self, attempt: int, delay: float, reason: str) -> None:
        self.flush()
        retry_at = self.clock.monotonic() + delay
        self.connection = self.connection.reconnecting(attempt, retry_at, reason)
        if attempt == 1:
            self.notify(reason, title="connection lost, reconnecting", severity="warning")

    def tail_reconnected(self, seconds: float) -> None:
        log = self.log_pane
        log.update(log.view.on_reconnected(seconds))
        self.notify(f"reconnected after {seconds:.0f} s", severity="information")

    def tail_reset(self, last_seen_seq: Seq, new_last_seq: Seq) -> None:
        """The run started over: the view says so (a mark row and a toast) and shows the new
        run's events, which the tail delivers from seq 1."""
        self.flush()
        self._resume_from = 1
        log = self.log_pane
        log.update(log.view.on_reset(last_seen_seq, new_last_seq))

    def tail_auth_failed(self, reason: str) -> None:
        self.flush()
        self.connection = self.connection.auth_failed(reason)
        self.notify(
            f"{reason}; then press r to reconnect",
            title="authentication failed",
            severity="error",
            timeout=30,
        )

    def tail_live(self) -> None:
        self.connection = self.connection.live(self.clock.monotonic())

    def tail_finished(self, last_seq: Seq) -> None:
        self.flush()
        log = self.log_pane
        log.update(log.view.on_finished())
        self.connection = self.connection.finished(max(last_seq, log.view.last_seq))

    def tail_failed(self, error: BrokerError) -> None:
        self.flush()
        self.connection = self.connection.failed(str(error))
        self.notify(str(error), title="cannot follow this run", severity="error", timeout=15)

    # -- the log's news ---------------------------------------------------------------------

    def on_log_pane_view_changed(self, message: LogPane.ViewChanged) -> None:
        view = message.view
        self.query_one(StatusBar).view = view
        self.nav_view_changed(view)
        self.query_one(WorldPanel).world = view.world
        detail = self.query_one(DetailPane)
        if detail.has_class("-open"):
            self._show_detail(view)

    def on_log_pane_detail_toggled(self) -> None:
        detail = self.query_one(DetailPane)
        detail.toggle_class("-open")
        if detail.has_class("-open"):
            self._show_detail(self.log_pane.view)

    def _show_detail(self, view: LogView) -> None:
        info = self.sidebar.runs.get(view.run_id)
        started = info.meta.started_at if info else None
        self.query_one(DetailPane).show(view.current, view.previous_event(view.cursor), started)

    # -- actions ----------------------------------------------------------------------------

    def action_goto(self) -> None:
        def go(target: Target | None) -> None:
            if isinstance(target, Deferred):
                assert isinstance(target, TimeTarget)
                self.seek_time(target)
            elif target is not None:
                self.log_pane.seek(target)
            self.log_pane.focus()

        self.app.push_screen(GoToScreen(), go)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_reconnect(self) -> None:
        """``r``: try the broker again now, e.g. once a refused password is fixed. The tail
        restarts after the last seq it delivered; a run whose first read failed is reopened."""
        self.refresh_runs()
        run_id = self.run_id
        if not run_id:
            return
        if self._tailing != run_id:
            self.open_run(run_id)
            return
        self.workers.cancel_group(self, "tail")
        self.connection = Connection()
        self.tail(run_id, self._resume_from)

    def action_follow(self) -> None:
        self.log_pane.action_follow()

    def action_home(self) -> None:
        self.log_pane.seek(StartTarget())

    def action_turn(self, step: int) -> None:
        self.log_pane.action_turn(step)

    def action_toggle_detail(self) -> None:
        self.on_log_pane_detail_toggled()

    def commands(self) -> Iterator[SystemCommand]:
        """Every action of this screen, for the command palette (ctrl+p)."""
        yield SystemCommand(
            "Follow newest", "Jump to the newest event and follow (End, G, s)", self.action_follow
        )
        yield SystemCommand("Go to…", "Go to a seq, +N/-N, start, end or tN (g)", self.action_goto)
        yield SystemCommand(
            "First available event", "Go to the oldest retained event (Home)", self.action_home
        )
        yield SystemCommand(
            "Previous turn",
            "First event of this or the previous turn ([)",
            lambda: self.action_turn(-1),
        )
        yield SystemCommand(
            "Next turn", "First event of the next turn (])", lambda: self.action_turn(1)
        )
        yield SystemCommand(
            "Toggle detail",
            "Open or close the selected event's detail (Enter)",
            self.action_toggle_detail,
        )
        yield SystemCommand(
            "Focus runs", "Move focus to the runs sidebar (tab)", self.sidebar.focus
        )
        yield SystemCommand("Focus log", "Move focus to the log (tab)", self.log_pane.focus)
        yield SystemCommand("Refresh runs", "List the broker's runs now", self.refresh_runs)
        yield SystemCommand(
            "Reconnect",
            "Try the broker again now, e.g. after fixing a password (r)",
            self.action_reconnect,
        )
        yield from self.nav_commands()
        yield SystemCommand("Help", "Show every key (?)", self.action_help)
