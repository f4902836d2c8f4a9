"""Search (``/``, ``n``, ``N``, Esc): find text or a regex across the whole retained run.

The rules are the pure ``model.search.Search`` (hits known so far, which one is next, wrapping)
and ``model.match.SearchPattern``; this module drives them: the prompt, the chunked scan of the
run in an exclusive ``search`` worker (``reading.scans.scan_hits``: from the cursor to the end,
then from the start up to the cursor), stepping the log to a hit once the log waits for no read,
and the highlighter the log pane paints hits with. A new search or another run cancels the scan.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from textual.cache import LRUCache
from textual.screen import Screen

from arena_tui.broker.errors import BrokerError
from arena_tui.broker.models import Envelope, Seq
from arena_tui.broker.protocol import EventBroker
from arena_tui.model.match import SearchPattern, parse_search
from arena_tui.model.search import Search
from arena_tui.model.seek import SeqTarget
from arena_tui.reading.scans import scan_hits
from arena_tui.ui.screens.prompt import Cleared, PromptScreen
from arena_tui.ui.widgets.log.pane import LogPane

HELP = "text (case-insensitive) · re:REGEX · over summary and payload · empty clears"


class Highlighter:
    """The spans of ``pattern`` in an event's summary, cached per event (``RowOptions``)."""

    def __init__(self, pattern: SearchPattern) -> None:
        self.pattern = pattern
        self._spans: LRUCache[tuple[str, int, str], list[tuple[int, int]] | None] = LRUCache(4096)

    def __call__(self, envelope: Envelope, text: str) -> list[tuple[int, int]] | None:
        key = (envelope.event.run_id, envelope.seq, envelope.source)  # log rows: own numbers
        if key in self._spans:
            return self._spans[key]
        spans: list[tuple[int, int]] | None = self.pattern.spans(text)
        if not spans and not self.pattern.matches(envelope):
            spans = None
        self._spans[key] = spans
        return spans


class RunSearch:
    def __init__(
        self, screen: Screen[None], pane: LogPane, broker: EventBroker, changed: Callable[[], None]
    ) -> None:
        self.screen = screen
        self.pane = pane
        self.broker = broker
        self.changed = changed
        """Called when what the status bar shows of the search changed."""
        self.search: Search | None = None

    def status(self) -> str | None:
        return self.search.status(self.pane.view.cursor_seq) if self.search else None

    def prompt(self) -> None:
        def searched(result: object) -> None:
            if isinstance(result, Cleared):
                self.clear()
            elif isinstance(result, SearchPattern):
                self.start(result)
            self.pane.focus()

        value = self.search.text if self.search else ""
        placeholder = "houses · re:cost_usd.*0\\.00[2-9]"
        prompt = PromptScreen(
            "search /", parse_search, value=value, placeholder=placeholder, help_text=HELP
        )
        self.screen.app.push_screen(prompt, searched)

    def start(self, pattern: SearchPattern) -> None:
        view = self.pane.view
        self.screen.workers.cancel_group(self.screen, "search")
        first = view.available_from or 1
        total = max(0, view.last_seq - first + 1)
        self.search = search = Search(pattern, total=total, pending=1)
        self._highlight(pattern)
        origin = view.cursor_seq or first
        end = max(view.last_seq, origin)
        self.screen.run_worker(
            self._scan(view.run_id, search, origin, end), group="search", exclusive=True
        )
        self.changed()

    async def _scan(self, run_id: str, search: Search, origin: Seq, end: Seq) -> None:
        def on_chunk(first: Seq, last: Seq, hits: list[Seq], scanned: int) -> None:
            if self.search is None or self.search.pattern is not search.pattern:
                return
            self.search = self.search.found(first, last, hits, scanned)
            self.take_pending()
            self.changed()

        try:
            await scan_hits(
                self.broker, run_id, search.pattern, origin=origin, end=end, on_chunk=on_chunk
            )
        except BrokerError as exc:
            self.screen.notify(str(exc), title="search stopped", severity="error")
            return
        if self.search is not None and self.search.pattern is search.pattern:
            self.search = self.search.finished()
            self.take_pending()
            if not self.search.hits:
                self.screen.notify(f"no event matches {search.text!r}", severity="warning")
            self.changed()

    def step(self, direction: int) -> None:
        """``n`` (1) / ``N`` (-1): the next / previous hit, once it is known."""
        if self.search is None:
            self.screen.notify("no search yet: press / to search", severity="warning")
            return
        self.search = replace(self.search, pending=direction)
        self.take_pending()
        self.changed()

    def take_pending(self) -> None:
        """Go to the hit a step asked for, when it is known and the log waits for no read."""
        search = self.search
        view = self.pane.view
        if search is None or not search.pending or view.want is not None:
            return
        found = search.step(view.cursor_seq or 0, search.pending)
        if found is None:
            if search.done:
                self.search = replace(search, pending=0)
            return
        self.search = replace(search, pending=0)
        if found.wrapped:
            ends = ("bottom", "top") if search.pending > 0 else ("top", "bottom")
            self.screen.notify(f"search hit the {ends[0]}, went on from the {ends[1]}")
        self.pane.seek(SeqTarget(found.seq))

    def reset(self) -> None:
        """Another run is shown: the search and its highlights go."""
        self.screen.workers.cancel_group(self.screen, "search")
        self.search = None
        self._highlight(None)

    def clear(self) -> None:
        """Esc, an empty prompt: no search, no highlights."""
        if self.search is None:
            return
        self.screen.workers.cancel_group(self.screen, "search")
        self.search = None
        self._highlight(None)
        self.changed()

    def on_live(self, batch: Sequence[Envelope]) -> None:
        if self.search is not None:
            self.search = self.search.on_live(batch)

    def trimmed(self, available_from: Seq) -> None:
        if self.search is not None:
            self.search = self.search.trimmed(available_from)

    def _highlight(self, pattern: SearchPattern | None) -> None:
        options = self.pane.options
        highlight = Highlighter(pattern) if pattern else None
        self.pane.set_options(replace(options, highlight=highlight))
