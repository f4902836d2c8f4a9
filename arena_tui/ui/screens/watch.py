"""The watch screen: runs on the left, the open run's log on the right, state along the edges.

The screen composes the widgets and is the only place that coordinates them. The features are
parts it holds, not base classes: ``RunFeed`` (``ui.feed``: the run list's poll, the log's
reads, the live tail, each an exclusive named worker), ``RunSearch``, ``Replay``, ``RunCharts``,
``DiskPrefix`` (``ui.disk``), the ``KindsPanel`` widget, ``ui.sharing`` and ``ui.forks``; each
key of ``ui.keys`` is an ``action_*`` here handing over to one. A worker drops its result
unless ``run_id`` ("" once closing) is still the run it was started for. Seams: a new panel
is fed from ``refresh_runs``, ``apply_live`` or ``on_log_pane_view_changed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen

from arena_tui.broker.clock import Clock
from arena_tui.broker.models import Envelope, RunInfo, RunStatus, Seq
from arena_tui.broker.protocol import EventBroker
from arena_tui.config import Settings
from arena_tui.model.activity import Activity
from arena_tui.model.connection import Connection, Phase
from arena_tui.model.match import EventFilter
from arena_tui.model.rate import RateMeter
from arena_tui.model.runs import run_label
from arena_tui.ui import forks, sharing
from arena_tui.ui.charting import RunCharts
from arena_tui.ui.disk import DiskPrefix
from arena_tui.ui.feed import RUNS_EVERY, RunFeed
from arena_tui.ui.keys import bindings
from arena_tui.ui.screens.help import HelpScreen
from arena_tui.ui.search import RunSearch
from arena_tui.ui.widgets.footer import Footer
from arena_tui.ui.widgets.header import ArenaHeader
from arena_tui.ui.widgets.kinds_panel import KindsPanel
from arena_tui.ui.widgets.log.pane import LogPane
from arena_tui.ui.widgets.log.panel import LogPanel
from arena_tui.ui.widgets.runs_sidebar import RunsSidebar
from arena_tui.ui.widgets.status_bar import StatusBar
from arena_tui.ui.widgets.world_panel import WorldPanel

NARROW = 120
"""Below this many columns the sidebar narrows (``-narrow``); ``b`` hides it at any width."""


class WatchScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings("screen")

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
        self.broker = broker
        self.settings = settings
        self.clock = clock
        self.demo = demo
        self._initial = (run_id, seq)
        self._activity = Activity()
        self.panel = LogPanel(clock=clock, changed=self.show_status, id="main")
        self.log_pane = self.panel.pane
        self.sidebar = RunsSidebar(clock=clock, id="runs")
        self.status_bar = StatusBar(clock=clock, id="status")
        self.kinds = KindsPanel(broker, self.log_pane.idle, id="kinds")
        self.run_search = RunSearch(self, self.log_pane, broker, self.show_status)
        self.feed = RunFeed(self)
        self.disk = DiskPrefix(self)
        self.charts = RunCharts(self)

    def compose(self) -> ComposeResult:
        yield ArenaHeader(self.broker.description, demo=self.demo, clock=self.clock, id="header")
        with Horizontal(id="body"):
            with Vertical(id="side"):
                yield self.sidebar
                yield WorldPanel(self.broker, id="world")  # titles itself: world / at cursor
                self.kinds.border_title = "kinds · retained run"
                yield self.kinds
            yield self.panel
        with Vertical(id="bottom"):
            yield self.status_bar
            yield Footer(compact=True)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    def on_mount(self) -> None:
        run_id, seq = self._initial
        self.set_interval(RUNS_EVERY, self.refresh_runs)
        self.call_after_refresh(self.refresh_runs)
        if run_id is not None:
            self.open_run(run_id, seq)
        self.log_pane.focus()

    def on_unmount(self) -> None:
        self.feed.frames.clear()  # a backlog's collector pace ends with the screen

    @property
    def closing(self) -> bool:
        """Textual marks a screen ``_pruning`` (then ``_closing``) as it goes: workers keep off."""
        return self._pruning or self._closing or self._closed

    @property
    def run_id(self) -> str:
        """The open run ("" while none is, or once the screen is closing)."""
        return "" if self.closing else self.log_pane.view.run_id

    def watch_connection(self, connection: Connection) -> None:
        self.query_one(ArenaHeader).connection = connection
        self.status_bar.connection = connection

    def open_run(self, run_id: str, seq: Seq | None = None) -> None:
        """Show ``run_id`` (following it, or paused at ``seq``); replaces the tail and reads."""
        self.feed.reset()
        self.disk.reset()
        self.connection = Connection()
        self.status_bar.rate = self.feed.rate
        self.log_pane.open(run_id, seq)
        self.run_search.reset()
        self.panel.replay.stop()
        self.kinds.reset()
        self.sidebar.runs = runs = self.sidebar.runs.open(run_id)
        info = runs.get(run_id)
        self.query_one(ArenaHeader).run_title = run_label(info) if info else run_id[:12]

    def on_runs_sidebar_run_selected(self, message: RunsSidebar.RunSelected) -> None:
        if message.run_id != self.run_id:
            self.open_run(message.run_id)
        self.log_pane.focus()

    def refresh_runs(self) -> None:
        self.feed.refresh_runs()

    def runs_listed(self, infos: Sequence[RunInfo]) -> None:
        """The broker's runs now: the sidebar, the open run's ends and state, or a first run."""
        self._activity = self._activity.polled(infos, self.clock.monotonic())
        self.sidebar.activity = self._activity
        live = self.run_id if self.connection.phase is Phase.LIVE else None
        self.sidebar.runs = runs = self.sidebar.runs.refreshed(infos, live=live)
        if not self.run_id:
            if runs.runs:
                self.open_run(runs.runs[0].run_id)
            else:
                self.connection = self.connection.live(self.clock.monotonic())
            return
        info = runs.get(self.run_id)
        if info is None:
            if self.connection.phase is Phase.FINISHED and not self.connection.gone:
                self.feed.check_gone(self.run_id)  # not listed: deleted since it finished?
            return
        if info.available_from:
            self.kinds.trim(info.available_from)
            self.run_search.trimmed(info.available_from)
        self.query_one(ArenaHeader).run_title = run_label(info)
        self.log_pane.run_listed(info.available_from, info.last_seq)
        self.disk.listed(info)
        if self.connection.phase is Phase.FINISHED and info.status is not RunStatus.FINISHED:
            self.feed.restart()  # events after its tail finished: follow on
        stale = info.status is RunStatus.STALE
        self.connection = self.connection.stale(info.last_event_at if stale else None)

    def _on_timer_update(self) -> None:  # Textual's paint tick (private API; Textual is pinned)
        self.feed.frames.before_paint()  # live events go into the frame about to be painted
        super()._on_timer_update()

    def on_log_pane_fetch_wanted(self, message: LogPane.FetchWanted) -> None:
        self.feed.fetch(message.run_id, message.fetch)

    def apply_live(self, batch: list[Envelope], rate: RateMeter) -> None:
        """A frame's live events (``LiveFrames.flush``): the log, the counts, the search."""
        self.log_pane.live_events(batch)
        self.run_search.on_live(batch)
        self.kinds.add(batch)
        self.charts.add_live(batch)
        self.status_bar.rate = rate
        self.status_bar.view = self.log_pane.view  # now, not a message later: never trails

    def on_log_pane_view_changed(self, message: LogPane.ViewChanged) -> None:
        view = message.view
        self.status_bar.view = view
        self.run_search.take_pending()
        self.show_status()
        self.query_one(WorldPanel).show(view)
        self.panel.show_detail(view, self._run_started(view.run_id))

    def on_log_pane_detail_toggled(self) -> None:
        self.panel.toggle_detail(self._run_started(self.run_id))

    def on_log_pane_user_moved(self) -> None:
        self.panel.replay.user_moved()

    def on_kinds_panel_counted(self) -> None:
        self.show_status()

    def _run_started(self, run_id: str) -> datetime | None:
        info = self.sidebar.runs.get(run_id)
        return info.meta.started_at if info else None

    def show_status(self) -> None:
        """What the features add to the status bar: filter, search, replay."""
        search, replay = self.run_search.status(), self.panel.replay.label
        self.status_bar.show_features(self.log_pane.filter, self.kinds.tally, search, replay)

    # -- actions (one per row of ui.keys) ---------------------------------------------------

    def action_goto(self) -> None:
        self.panel.goto.start()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_charts(self) -> None:
        self.charts.open()

    def action_reconnect(self) -> None:
        """``r``: list and tail again now (after the last seq delivered), or reopen the run."""
        self.refresh_runs()
        if self.broker.description == "in-process":
            self.notify("the in-process broker is always connected: runs listed again")
        else:
            self.notify(f"reconnecting to {self.broker.description}…")
        if self.run_id:
            self.feed.restart()

    def action_filter(self) -> None:
        self.panel.prompt_filter(self.kinds.tally)

    def action_clear_filter(self) -> None:
        self.log_pane.set_filter(EventFilter())

    def action_toggle_wrap(self) -> None:
        self.panel.toggle_wrap()

    def action_toggle_time(self) -> None:
        self.panel.toggle_time()

    def action_search(self) -> None:
        self.run_search.prompt()

    def action_search_step(self, direction: int) -> None:
        self.run_search.step(direction)

    def action_clear_search(self) -> None:
        self.run_search.clear()

    def action_play(self) -> None:
        self.panel.replay.play()

    def action_play_pause(self) -> None:
        self.panel.replay.play_pause()

    def action_copy_event(self) -> None:
        sharing.copy_event(self, self.log_pane)

    def action_copy_pointer(self) -> None:
        sharing.copy_pointer(self, self.log_pane, self.broker)

    def action_export_run(self) -> None:
        sharing.export_run(self, self.log_pane, self.broker, self.clock.now())

    def action_export_visible(self) -> None:
        sharing.export_visible(self, self.log_pane, self.broker)

    def action_focus_runs(self) -> None:
        self.sidebar.focus()

    def action_focus_log(self) -> None:
        self.log_pane.focus()

    def action_toggle_sidebar(self) -> None:
        self.toggle_class("-no-sidebar")
        if self.has_class("-no-sidebar") and self.sidebar.has_focus:
            self.log_pane.focus()

    def action_toggle_footer(self) -> None:
        self.toggle_class("-no-footer")

    def action_open_parent(self) -> None:
        forks.open_parent(self)

    action_refresh_runs = refresh_runs
