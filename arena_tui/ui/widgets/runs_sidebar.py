"""The runs sidebar: every run the broker holds, open first, with the user's place kept by id.

The screen polls the broker and sets ``runs`` (a ``RunList`` model value); the sidebar only
draws it and reports what the user did: ``RunSelected`` when a run is chosen (Enter or click).
Open runs carry a sparkline of their events/s over the last polls (``activity``).
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.message import Message
from textual.reactive import var
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from arena_tui.broker.models import RunInfo, RunStatus
from arena_tui.model.activity import SAMPLES, Activity
from arena_tui.model.clock import Clock, SystemClock
from arena_tui.model.runs import ICONS, RunList, age, badge
from arena_tui.model.summary import short_id

STATUS_STYLE = {RunStatus.OPEN: "green", RunStatus.STALE: "yellow", RunStatus.FINISHED: "dim"}


class RunsSidebar(OptionList):
    runs: var[RunList] = var(RunList, always_update=True)
    activity: var[Activity] = var(Activity)

    class RunSelected(Message):
        def __init__(self, run_id: str) -> None:
            super().__init__()
            self.run_id = run_id

    def __init__(self, *, clock: Clock | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock or SystemClock()

    def watch_runs(self, runs: RunList) -> None:
        self.border_title = runs.title
        now = self.clock.now()
        self.set_options(
            Option(
                _prompt(info, now, opened=info.run_id == runs.opened, spark=self._spark(info)),
                id=info.run_id,
            )
            for info in runs.runs
        )
        index = runs.index(runs.highlighted)
        if index is not None:
            with self.prevent(OptionList.OptionHighlighted):
                self.highlighted = index
        if not runs.runs:
            self.set_options(
                [Option(Text("waiting for runs…" if not runs.loaded else "no runs"), disabled=True)]
            )

    def _spark(self, info: RunInfo) -> str:
        if info.status is RunStatus.FINISHED:
            return " " * SAMPLES
        return self.activity.spark(info.run_id)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id is not None:
            self.runs = self.runs.highlight(event.option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.RunSelected(event.option.id))


def _prompt(info: RunInfo, now: datetime, *, opened: bool, spark: str = "") -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{ICONS[info.status]} ", STATUS_STYLE[info.status])
    text.append(f"{badge(info):<5} ", "bold" if opened else "")
    text.append(f"{short_id(info.run_id):<9} ", "bold" if opened else "")
    text.append(f"{age(info, now):>8} ", "dim")
    text.append(f"{info.last_seq:>7,}")
    if spark:
        text.append(f" {spark}", STATUS_STYLE[info.status])
    return text
