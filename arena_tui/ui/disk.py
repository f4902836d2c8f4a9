"""The open run's trimmed prefix and its DuckDB log: say where the events are, fill them in later.

Redis trimmed seqs ``1..F-1`` of the open run, and its log cannot be read yet because the
arena's writer holds the file for the whole operation (``cold-store.md`` §2.6). The log's gap
row then says where those events are and that they become readable when the operation ends.
Every run listing (the screen's poll, which also re-globs the logs) asks the cold-aware broker
again (``ColdAwareBroker.alignment``, cached until a file or its lock changes); once the writer
lets go and the log lines up exactly, the gap row gives way to the events read from disk in
place (``LogView.on_prefix_readable``), with no reopen and the cursor kept on its event. When
the log is readable but does not line up (``shifted``: holes or extra rows; ``unaligned``: no
block found), its rows are shown above the gap unnumbered and the gap row becomes a banner with
both counts (``LogView.on_disk_prefix``); they are read in pages as the cursor goes there.

Only a broker that reads logs has ``alignment``; with any other this part does nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from arena_tui.broker.cold.stitch import Alignment
from arena_tui.broker.errors import BrokerError
from arena_tui.broker.models import RunInfo, Seq
from arena_tui.model.rows import DiskPrefix as LogRowsAbove
from arena_tui.model.rows import GapKind, GapRow

if TYPE_CHECKING:
    from arena_tui.ui.screens.watch import WatchScreen


Aligner = Callable[[str, Seq], Awaitable[Alignment | None]]


class DiskPrefix:
    def __init__(self, screen: WatchScreen) -> None:
        self.screen = screen
        self.locked: str | None = None
        """The run whose start gap says its events are in a locked log (None: none)."""

    def reset(self) -> None:
        """Another run is opened: no note, no check in flight."""
        self.screen.workers.cancel_group(self.screen, "disk")
        self._note("")
        self.locked = None

    def listed(self, info: RunInfo) -> None:
        """The listing's word on the open run: look at its log when its start gap shows."""
        alignment = getattr(self.screen.broker, "alignment", None)
        view = self.screen.log_pane.view
        gap = view.rows[0] if view.at_start and view.rows else None
        if alignment is None or info.available_from <= 1 or not _start_gap(gap):
            return
        work = self._check(alignment, info.run_id, info.available_from)
        self.screen.run_worker(work, name="disk", group="disk", exclusive=True)

    async def _check(self, alignment: Aligner, run_id: str, available_from: Seq) -> None:
        try:
            found = await alignment(run_id, available_from)
        except (BrokerError, OSError):
            return
        screen = self.screen
        if screen.run_id != run_id:
            return
        if found is not None and found.state == "locked":
            if self.locked != run_id:
                screen.notify(found.banner(), title="trimmed events on disk")
            self.locked = run_id
            self._note(f"in {found.db_path.name}, readable when the operation ends")
            return
        self._note("")
        was_locked, self.locked = self.locked == run_id, None
        if found is None:
            return
        pane = screen.log_pane
        name = found.db_path.name
        if found.shown_rows:  # shifted or unaligned: shown above the gap, unnumbered
            aligned = found.state == "shifted"
            prefix = LogRowsAbove(name, available_from, found.shown_rows, aligned)
            pane.view = pane.view.on_disk_prefix(prefix)
            if was_locked:
                screen.notify(f"{prefix.rows:,} events of {name} shown above, unnumbered")
        elif found.state == "exact":
            pane.view = pane.view.on_prefix_readable()
            if was_locked:
                screen.notify(
                    f"seq 1–{available_from - 1:,} read from {name}: "
                    "the operation ended and its log is readable"
                )

    def _note(self, text: str) -> None:
        pane = self.screen.log_pane
        if pane.options.start_note != text:
            pane.set_options(replace(pane.options, start_note=text))


def _start_gap(row: object) -> bool:
    return isinstance(row, GapRow) and row.kind is GapKind.TRIMMED and row.first == 1
