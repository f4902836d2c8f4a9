"""An event read from the arena's DuckDB log is marked in the log: a ``d`` after its seq."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.style import Style

from arena_tui.broker.models import Envelope, Event
from arena_tui.model.rows import EventRow
from arena_tui.ui.widgets.log.lines import SEQ_W, render_row, row_styles


def _text(envelope: Envelope) -> str:
    styles = row_styles(Style(), lambda _name: Style())
    strip = render_row(
        EventRow(envelope), width=80, tz=UTC, styles=styles, cursor=False, summary=lambda e: "x"
    )
    return "".join(segment.text for segment in strip)


def test_cold_events_carry_a_disk_mark_and_keep_the_columns() -> None:
    event = Event("r", "ag", 1, "metric", {"kind": "metric"}, datetime(2026, 6, 7, tzinfo=UTC))
    broker = _text(Envelope(1234, event))
    cold = _text(Envelope(1234, event, source="cold"))
    assert broker[: SEQ_W + 1] == "    1,234 "
    assert cold[: SEQ_W + 1] == "   1,234d "
    assert broker[SEQ_W + 1 :] == cold[SEQ_W + 1 :]  # every other column where it was
    assert len(broker) == len(cold) == 80
