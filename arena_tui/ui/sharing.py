"""Sharing what is on screen (``c``, ``y``, ``e``, ``S``): as JSON, a command, a file, a picture.

Every shape is the CLI's own, so what the app hands out can be fed back to a script: ``c``
copies the selected row as its ``tail --jsonl`` record (a gap row as its ``overflow`` or
``gap`` record), ``y`` the ``arena-tui --run … --seq …`` command that reopens this place, and
``e`` writes the retained run (or, from the palette, the rows on screen) as ``tail --jsonl``
lines (``reading.export``) in an exclusive ``export`` worker. ``S`` saves whatever screen is
showing (the log, the charts, help) as Textual's SVG screenshot, ``arena-RUN-TIME.svg`` in the
working directory, for slides and bug reports; in a browser (``arena-tui serve``) the file is
handed to the browser as a download instead, since the server's directory is not the user's.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.app import App
from textual.screen import Screen

from arena_tui.broker.cold.stitch import DiskRow
from arena_tui.broker.errors import BrokerError
from arena_tui.broker.follow_items import Hole, Overflow
from arena_tui.broker.models import Seq
from arena_tui.broker.protocol import EventBroker
from arena_tui.model.records import dumps_record, event_record, notice_record
from arena_tui.model.records import record as item_record
from arena_tui.model.rows import EventRow, GapKind, GapRow, UnnumberedRow
from arena_tui.model.words import plural
from arena_tui.reading.export import export_jsonl
from arena_tui.ui.widgets.log.pane import LogPane


def copy_event(screen: Screen[None], pane: LogPane) -> None:
    index = pane.display_cursor()
    if index is None:
        return
    row = pane.view.rows[index]
    if isinstance(row, EventRow):
        screen.app.copy_to_clipboard(dumps_record(event_record(row.envelope)))
        screen.notify(f"copied seq {row.seq:,} as JSON")
    elif isinstance(row, UnnumberedRow):  # as tail --jsonl prints it: no seq, its log row
        unnumbered = item_record(pane.view.run_id, DiskRow(row.index, row.envelope))
        screen.app.copy_to_clipboard(dumps_record(unnumbered))
        screen.notify(f"copied row {row.index:,} of the log as JSON (it has no seq)")
    elif isinstance(row, GapRow):
        trimmed = row.kind is GapKind.TRIMMED
        notice = Overflow(row.first, row.last + 1) if trimmed else Hole(row.first, row.last)
        record = notice_record(pane.view.run_id, notice)
        screen.app.copy_to_clipboard(dumps_record(record))
        screen.notify(f"copied the {record['type']} record of {row.describe()}")


def copy_pointer(screen: Screen[None], pane: LogPane, broker: EventBroker) -> None:
    view = pane.view
    seq = view.cursor_seq
    if not view.run_id:
        return
    command = f"arena-tui --run {view.run_id}" + (f" --seq {seq}" if seq else "")
    screen.app.copy_to_clipboard(command)
    local = broker.description == "in-process"
    where = " (in-process runs live only in this process)" if local else ""
    screen.notify(f"copied: {command}{where}")


def export_run(screen: Screen[None], pane: LogPane, broker: EventBroker, now: datetime) -> None:
    run_id = pane.view.run_id
    if run_id:
        path = Path.cwd() / f"arena-{run_id[:8]}-{now.strftime('%Y%m%d-%H%M%S')}.jsonl"
        _export(screen, broker, run_id, path, 0, None)


def screenshot(app: App[None], run_id: str, now: datetime) -> None:
    name = f"arena-{run_id[:8] or 'no-run'}-{now.strftime('%Y%m%d-%H%M%S')}.svg"
    if app.is_web:
        app.deliver_screenshot(name)
        app.notify(f"screenshot {name} sent to the browser")
        return
    try:
        path = app.save_screenshot(name, str(Path.cwd()))
    except OSError as exc:
        app.notify(f"{exc.strerror or exc}: {name}", title="screenshot failed", severity="error")
        return
    app.notify(f"saved the screen to {path}", timeout=12)


def export_visible(screen: Screen[None], pane: LogPane, broker: EventBroker) -> None:
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
    _export(screen, broker, view.run_id, path, a, b)


def _export(
    screen: Screen[None],
    broker: EventBroker,
    run_id: str,
    path: Path,
    from_seq: Seq,
    to_seq: Seq | None,
) -> None:
    async def export() -> None:
        try:
            lines = await export_jsonl(broker, run_id, path, from_seq=from_seq, to_seq=to_seq)
        except (BrokerError, OSError) as exc:
            screen.notify(str(exc), title="export failed", severity="error")
            return
        screen.notify(f"exported {plural(lines, 'line')} to {path}", timeout=12)

    screen.run_worker(export(), group="export", exclusive=True)
