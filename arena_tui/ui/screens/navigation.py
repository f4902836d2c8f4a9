"""Find, filter, replay and share: the watch screen's navigation keys (issue 4), kept apart.

``NavigationScreen`` is the base of ``WatchScreen``: it owns the keys ``/ n N f w t p space c
e y`` and the state behind them (the search, the filter, the playback clock, the kind tally and
the runs' activity), and runs their broker work in named, exclusive workers:

* ``search``: the chunked scan for hits across the retained run (``reading.scans.scan_hits``); a new
  search or another run cancels it.
* ``tally``: the count of the retained history per kind and agent, once per opened run, at
  low priority (short reads, a pause before each, none while a read of the log is in flight).
* ``timeseek``: the binary search behind ``g 19:42:05`` / ``g -5m``.
* ``export``: the JSONL export.

The watch screen tells it what happens through a few hooks (``nav_run_opened``,
``nav_tail_started``, ``nav_live``, ``nav_runs_polled``, ``nav_view_changed``); the rules
themselves live in the pure models (``model.search``, ``model.match``, ``model.playback``,
``model.tally``, ``model.log.layout``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from arena_tui.broker.clock import Clock
from arena_tui.broker.errors import BrokerError
from arena_tui.broker.follow import Hole, Overflow
from arena_tui.broker.models import Envelope, RunInfo, Seq
from arena_tui.broker.protocol import EventBroker
from arena_tui.model.activity import Activity
from arena_tui.model.log import LogView
from arena_tui.model.match import (
    FILTER_HELP,
    EventFilter,
    SearchPattern,
    parse_filter,
    parse_search,
)
from arena_tui.model.playback import MAX_STEPS, Playback
from arena_tui.model.records import dumps_record, event_record, notice_record
from arena_tui.model.rows import EventRow, GapKind, GapRow
from arena_tui.model.search import Search, Step
from arena_tui.model.seek import SeqTarget, StartTarget
from arena_tui.model.tally import Tally, kinds_line
from arena_tui.model.timeseek import TimeTarget, describe, resolve
from arena_tui.model.words import plural
from arena_tui.reading.export import export_jsonl
from arena_tui.reading.scans import count_history, scan_hits
from arena_tui.reading.seek import find_time
from arena_tui.ui.screens.prompt import Cleared, PromptScreen
from arena_tui.ui.widgets.log_lines import RowOptions
from arena_tui.ui.widgets.log_pane import LogPane
from arena_tui.ui.widgets.runs_sidebar import RunsSidebar
from arena_tui.ui.widgets.status_bar import StatusBar

TICK = 1 / 30
"""Playback frame: how often the replay clock is asked what is due."""
TALLY_PAUSE = 0.01
"""The kind count's scan waits this long before each of its reads (and while the log reads)."""
SEARCH_HELP = "text (case-insensitive) · re:REGEX · over summary and payload · empty clears"


class NavigationScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", tooltip="Search text or re:regex (n / N step)"),
        Binding("n", "search_step(1)", "Next hit", show=False),
        Binding("N", "search_step(-1)", "Previous hit", show=False),
        Binding("f", "filter", "Filter", tooltip="Show only some kinds / agents"),
        Binding("w", "toggle_wrap", "Wrap", show=False),
        Binding("t", "toggle_time", "Time column", show=False),
        Binding("p", "play", "Replay", tooltip="Replay from the cursor: 1x, 10x, max"),
        Binding("space", "play_pause", "Pause", show=False),
        Binding("c", "copy_event", "Copy", show=False),
        Binding("e", "export_run", "Export", show=False),
        Binding("y", "copy_pointer", "Copy pointer", show=False),
        Binding("escape", "clear_search", "Clear search", show=False),
    ]

    # Provided by the watch screen.
    broker: EventBroker
    clock: Clock

    @property
    def log_pane(self) -> LogPane:
        return self.query_one(LogPane)

    @property
    def sidebar(self) -> RunsSidebar:
        return self.query_one(RunsSidebar)

    def nav_init(self) -> None:
        self._search: Search | None = None
        self._playback = Playback()
        self._play_timer: Timer | None = None
        self._replaying = False
        """A replay was started on this run (the status bar shows ▶ / ⏸ until it ends)."""
        self._tally = Tally()
        self._activity = Activity()
        self._log_idle = asyncio.Event()
        """Set while the log view waits for no read (``view.want`` is None)."""
        self._log_idle.set()
        self._kinds_shape: tuple[int, ...] = ()
        """The word widths of the kinds panel's text (a change of them needs a layout)."""

    # -- hooks the watch screen calls -------------------------------------------------------

    def nav_run_opened(self, run_id: str) -> None:
        """Another run is shown: searches, counts and playback start afresh; the filter stays."""
        self.workers.cancel_group(self, "search")
        self.workers.cancel_group(self, "tally")
        self._search = None
        self.log_pane.set_pattern(None)
        self._stop_playback()
        self._tally = Tally()
        self._show_tally()

    def nav_tail_started(self, run_id: str, from_seq: Seq) -> None:
        """The live tail starts at ``from_seq``: count the history below it in the background."""
        self._tally = Tally.start(from_seq)
        self.count_tally(run_id, from_seq)

    def nav_live(self, batch: Sequence[Envelope]) -> None:
        self._tally = self._tally.add(batch)
        if self._search is not None:
            self._search = self._search.on_live(batch)
        self._show_tally()

    def nav_runs_polled(self, infos: Sequence[RunInfo]) -> None:
        self._activity = self._activity.polled(infos, self.clock.monotonic())
        self.sidebar.activity = self._activity
        for info in infos:
            if info.run_id == self.log_pane.view.run_id and info.available_from:
                self._tally = self._tally.trim(info.available_from)
                if self._search is not None:
                    self._search = self._search.trimmed(info.available_from)

    def nav_view_changed(self, view: LogView) -> None:
        if view.want is None:
            self._log_idle.set()
        else:
            self._log_idle.clear()
        search = self._search
        if search is not None and search.pending and view.want is None:
            self._take_pending()
        self._show_status()

    # -- search -----------------------------------------------------------------------------

    def action_search(self) -> None:
        def searched(result: object) -> None:
            if isinstance(result, Cleared):
                self.action_clear_search()
            elif isinstance(result, SearchPattern):
                self._start_search(result)
            self.log_pane.focus()

        value = self._search.text if self._search else ""
        self.app.push_screen(
            PromptScreen(
                "search /",
                parse_search,
                value=value,
                placeholder="houses · re:cost_usd.*0\\.00[2-9]",
                help_text=SEARCH_HELP,
            ),
            searched,
        )

    def _start_search(self, pattern: SearchPattern) -> None:
        view = self.log_pane.view
        self.workers.cancel_group(self, "search")
        first = view.available_from or 1
        total = max(0, view.last_seq - first + 1)
        self._search = Search(pattern, total=total, pending=1)
        self.log_pane.set_pattern(pattern)
        origin = view.cursor_seq or first
        self.scan_search(view.run_id, self._search, origin, max(view.last_seq, origin))
        self._show_status()

    @work(exclusive=True, group="search")
    async def scan_search(self, run_id: str, search: Search, origin: Seq, end: Seq) -> None:
        def on_chunk(first: Seq, last: Seq, hits: list[Seq], scanned: int) -> None:
            if self._search is None or self._search.pattern is not search.pattern:
                return
            self._search = self._search.found(first, last, hits, scanned)
            self._take_pending()
            self._show_status()

        try:
            await scan_hits(
                self.broker, run_id, search.pattern, origin=origin, end=end, on_chunk=on_chunk
            )
        except BrokerError as exc:
            self.notify(str(exc), title="search stopped", severity="error")
            return
        if self._search is not None and self._search.pattern is search.pattern:
            self._search = self._search.finished()
            self._take_pending()
            if not self._search.hits:
                self.notify(f"no event matches {search.text!r}", severity="warning")
            self._show_status()

    def action_search_step(self, direction: int) -> None:
        search = self._search
        if search is None:
            self.notify("no search yet: press / to search", severity="warning")
            return
        self._search = _with_pending(search, direction)
        self._take_pending()
        self._show_status()

    def _take_pending(self) -> None:
        search = self._search
        view = self.log_pane.view
        if search is None or not search.pending or view.want is not None:
            return
        cursor = view.cursor_seq or 0
        found = search.step(cursor, search.pending)
        if found is None:
            if search.done:
                self._search = _with_pending(search, 0)
            return
        self._search = _with_pending(search, 0)
        self._go_to_hit(found, search.pending)

    def _go_to_hit(self, step: Step, direction: int) -> None:
        if step.wrapped:
            where = "top" if direction > 0 else "bottom"
            self.notify(
                f"search hit the {'bottom' if direction > 0 else 'top'}, went on from the {where}"
            )
        self.log_pane.seek(SeqTarget(step.seq))

    def action_clear_search(self) -> None:
        if self._search is None:
            return
        self.workers.cancel_group(self, "search")
        self._search = None
        self.log_pane.set_pattern(None)
        self._show_status()

    # -- filter -----------------------------------------------------------------------------

    def action_filter(self) -> None:
        pane = self.log_pane

        def filtered(result: object) -> None:
            if isinstance(result, Cleared):
                self._set_filter(EventFilter())
            elif isinstance(result, EventFilter):
                self._set_filter(result)
            pane.focus()

        kinds = " · ".join(f"{k} {n:,}" for k, n in self._tally.by_kind()) or "counting…"
        agents = " · ".join(f"{a[:4]} {n:,}" for a, n in self._tally.agents()[:6])
        help_text = f"{FILTER_HELP}\nkinds: {kinds}" + (f"\nagents: {agents}" if agents else "")
        self.app.push_screen(
            PromptScreen(
                "filter f",
                parse_filter,
                value=pane.filter.text(),
                placeholder="kind:llm_response agent:9c1e",
                help_text=help_text,
            ),
            filtered,
        )

    def _set_filter(self, flt: EventFilter) -> None:
        self.log_pane.set_filter(flt)
        self._show_status()

    # -- wrap and time column -----------------------------------------------------------------

    def action_toggle_wrap(self) -> None:
        options = self.log_pane.options
        self.log_pane.set_options(
            RowOptions(options.show_time, not options.wrap, options.highlight)
        )

    def action_toggle_time(self) -> None:
        options = self.log_pane.options
        self.log_pane.set_options(
            RowOptions(not options.show_time, options.wrap, options.highlight)
        )
        self.query_one("#log-columns", Static).update(self.log_pane.options.header)

    # -- time seek ------------------------------------------------------------------------------

    @work(exclusive=True, group="timeseek")
    async def seek_time(self, target: TimeTarget) -> None:
        pane = self.log_pane
        view = pane.view
        current = view.current
        base = current.envelope.event.ts if isinstance(current, EventRow) else None
        tz = self.clock.tz
        at = resolve(target, tz=tz, now=self.clock.now(), base=base)
        try:
            found = await find_time(self.broker, view.run_id, at)
        except BrokerError as exc:
            self.notify(str(exc), title="cannot go to that time", severity="error")
            return
        if pane.view.run_id != view.run_id:
            return
        if found is None:
            self.notify("this run has no events yet", severity="warning")
            return
        text = f"{describe(at, tz)}: seq {found.seq:,}"
        self.notify(f"{text} ({found.note})" if found.note else text)
        pane.seek(SeqTarget(found.seq))

    # -- playback ---------------------------------------------------------------------------

    def action_play(self) -> None:
        pane = self.log_pane
        view = pane.view
        if not view.rows:
            return
        now = self.clock.monotonic()
        if (
            not self._playback.playing
            and view.at_head
            and pane.display_cursor() == _last_shown(pane)
        ):
            if not view.finished:
                self.notify(
                    "already at the newest event: go back (g, Home, up) to replay from there"
                )
                return
            pane.go(StartTarget())  # a finished run at its end replays from the start
        self._playback = self._playback.cycle(now)
        self._replaying = True
        self._ensure_timer()
        self._show_status()

    def action_play_pause(self) -> None:
        if not self._replaying:
            self.action_play()
            return
        self._playback = self._playback.toggle(self.clock.monotonic())
        self._ensure_timer()
        self._show_status()

    def on_log_pane_user_moved(self) -> None:
        if self._playback.playing:
            self._playback = self._playback.pause()
            self._show_status()

    def _ensure_timer(self) -> None:
        if self._playback.playing and self._play_timer is None:
            self._play_timer = self.set_interval(TICK, self._play_tick)
        elif not self._playback.playing and self._play_timer is not None:
            self._play_timer.stop()
            self._play_timer = None

    def _stop_playback(self) -> None:
        self._playback = self._playback.pause()
        self._replaying = False
        self._ensure_timer()

    def _play_tick(self) -> None:
        pane = self.log_pane
        view = pane.view
        if not self._playback.playing or view.want is not None or not view.rows:
            return
        stamps = _upcoming_stamps(pane, MAX_STEPS + 1)
        if len(stamps) <= 1:
            if view.at_head:
                self._stop_playback()
                self.notify(
                    "replay reached the newest event" + (" (run finished)" if view.finished else "")
                )
                self._show_status()
            else:
                pane.step(1)  # past the window: the next page is read, then playback goes on
            return
        steps, self._playback = self._playback.due(self.clock.monotonic(), stamps)
        if steps:
            pane.step(steps)

    # -- copy and export --------------------------------------------------------------------

    def action_copy_event(self) -> None:
        pane = self.log_pane
        index = pane.display_cursor()
        if index is None:
            return
        row = pane.view.rows[index]
        run_id = pane.view.run_id
        if isinstance(row, EventRow):
            self.app.copy_to_clipboard(dumps_record(event_record(row.envelope)))
            self.notify(f"copied seq {row.seq:,} as JSON")
        elif isinstance(row, GapRow):
            notice = (
                Overflow(row.first, row.last + 1)
                if row.kind is GapKind.TRIMMED
                else Hole(row.first, row.last)
            )
            notice_json = notice_record(run_id, notice)
            self.app.copy_to_clipboard(dumps_record(notice_json))
            self.notify(f"copied the {notice_json['type']} record of {row.describe()}")

    def action_copy_pointer(self) -> None:
        view = self.log_pane.view
        seq = view.cursor_seq
        if not view.run_id:
            return
        command = f"arena-tui --run {view.run_id}" + (f" --seq {seq}" if seq else "")
        self.app.copy_to_clipboard(command)
        where = (
            ""
            if self.broker.description != "in-process"
            else " (in-process runs live only in this process)"
        )
        self.notify(f"copied: {command}{where}")

    def action_export_run(self) -> None:
        view = self.log_pane.view
        if view.run_id:
            path = Path.cwd() / f"arena-{view.run_id[:8]}-{_stamp(self.clock.now())}.jsonl"
            self.export(view.run_id, path, 0, None)

    def action_export_visible(self) -> None:
        pane = self.log_pane
        view = pane.view
        lines = pane.line_layout
        top = pane.scroll_offset.y
        height = max(1, pane.scrollable_content_region.height)
        first = lines.at_line(top)
        last = lines.at_line(min(top + height, lines.total) - 1)
        if first is None or last is None:
            return
        a = view.rows[lines.shown[first[0]]].seq
        b = view.rows[lines.shown[last[0]]].last
        path = Path.cwd() / f"arena-{view.run_id[:8]}-seq{a}-{b}.jsonl"
        self.export(view.run_id, path, a, b)

    @work(exclusive=True, group="export")
    async def export(self, run_id: str, path: Path, from_seq: Seq, to_seq: Seq | None) -> None:
        try:
            lines = await export_jsonl(self.broker, run_id, path, from_seq=from_seq, to_seq=to_seq)
        except (BrokerError, OSError) as exc:
            self.notify(str(exc), title="export failed", severity="error")
            return
        self.notify(f"exported {plural(lines, 'line')} to {path}", timeout=12)

    # -- status -----------------------------------------------------------------------------

    @work(exclusive=True, group="tally")
    async def count_tally(self, run_id: str, below: Seq) -> None:
        def on_chunk(envelopes: Sequence[Envelope]) -> None:
            self._tally = self._tally.add_history(envelopes)
            self._show_tally()

        async def turn() -> None:
            """The scan's turn comes after a pause, and only while no read of the log (a
            seek, a page) is in flight: those are what the user is waiting for."""
            await asyncio.sleep(TALLY_PAUSE)
            await self._log_idle.wait()

        try:
            await count_history(self.broker, run_id, below, on_chunk, turn=turn)
        except BrokerError:
            return  # counts are a convenience; the tail reports the broker's trouble
        self._tally = self._tally.done()
        self._show_tally()

    def _show_tally(self) -> None:
        kinds = self.query_one("#kinds", Static)
        text = kinds_line(self._tally)
        # The panel's height is its wrapped text's, and wrapping depends only on the widths of
        # the words: only a change of those needs a layout (which repaints the whole screen).
        shape = tuple(len(word) for word in text.split(" "))
        kinds.update(text, layout=shape != self._kinds_shape)
        self._kinds_shape = shape
        self._show_status()

    def _show_status(self) -> None:
        pane = self.log_pane
        extras: list[str] = []
        if self._replaying:
            extras.append(self._playback.label)
        flt = pane.filter
        if flt.active:
            hidden = self._tally.hidden(flt)
            extras.append(f"filter: {flt.describe()} · {hidden:,} hidden")
        if self._search is not None:
            extras.append(self._search.status(pane.view.cursor_seq))
        status = self.query_one(StatusBar)
        if tuple(extras) != status.extras:
            status.extras = tuple(extras)

    def nav_commands(self) -> Iterator[SystemCommand]:
        yield SystemCommand(
            "Search…", "Text or re:regex over summary and payload (/)", self.action_search
        )
        yield SystemCommand(
            "Next hit",
            "Next search hit, across the whole run (n)",
            lambda: self.action_search_step(1),
        )
        yield SystemCommand(
            "Previous hit", "Previous search hit (N)", lambda: self.action_search_step(-1)
        )
        yield SystemCommand(
            "Clear search",
            "Stop searching and clear the highlights (Esc)",
            self.action_clear_search,
        )
        yield SystemCommand("Filter…", "Show only some kinds / agents (f)", self.action_filter)
        yield SystemCommand(
            "Clear filter", "Show every event again", lambda: self._set_filter(EventFilter())
        )
        yield SystemCommand("Toggle wrap", "Wrap long summaries (w)", self.action_toggle_wrap)
        yield SystemCommand(
            "Toggle time column", "Show / hide the time column (t)", self.action_toggle_time
        )
        yield SystemCommand(
            "Replay", "Play from the cursor; again: 1x → 10x → max (p)", self.action_play
        )
        yield SystemCommand(
            "Pause / resume replay", "Pause or resume the replay (space)", self.action_play_pause
        )
        yield SystemCommand(
            "Copy event as JSON",
            "The selected event as a tail --jsonl record (c)",
            self.action_copy_event,
        )
        yield SystemCommand(
            "Copy pointer",
            "The arena-tui --run … --seq … command for this place (y)",
            self.action_copy_pointer,
        )
        yield SystemCommand(
            "Export run to JSONL",
            "The whole retained run as tail --jsonl lines (e)",
            self.action_export_run,
        )
        yield SystemCommand(
            "Export visible rows to JSONL",
            "The rows on screen as tail --jsonl lines",
            self.action_export_visible,
        )


def _with_pending(search: Search, direction: int) -> Search:
    return replace(search, pending=direction)


def _last_shown(pane: LogPane) -> int | None:
    shown = pane.line_layout.shown
    return shown[-1] if shown else None


def _upcoming_stamps(pane: LogPane, limit: int) -> list[datetime | None]:
    """The displayed cursor's time, then the times of the shown rows after it (in the window)."""
    view = pane.view
    layout = pane.line_layout
    pos = layout.shown_at(view.cursor)
    if pos is None:
        return []
    stamps: list[datetime | None] = []
    for index in layout.shown[pos : pos + limit]:
        row = view.rows[index]
        stamps.append(row.envelope.event.ts if isinstance(row, EventRow) else None)
    return stamps


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%d-%H%M%S")
