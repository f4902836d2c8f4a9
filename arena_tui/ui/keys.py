"""Every key of the app in one table: the bindings, the help screen and the palette read it.

A ``Key`` names an action on a scope (the widget or screen whose ``action_*`` runs it), the
keys that trigger it, how the help screen shows it and how the command palette lists it. So a
new action is one row here plus its ``action_*`` method, and the help and the palette cannot
drift from what the keys do (harlequin's ``actions.py`` registry works the same way).

Scopes: ``app`` (quit), ``screen`` (the watch screen: works wherever the focus is), ``log``
(the log pane: its keys work while it has focus, its palette commands always), ``panel`` (the
log panel: its keys work while the log or the detail pane has focus), ``detail`` (the detail
pane, while it has focus) and ``runs`` (the runs sidebar; its palette commands act on the
highlighted row). A row without keys is a palette-only action; a row without an action is a
help-only line (Textual's own keys, the mouse). Rows that share a help line (``n / N``) carry
it once, on the first of them.
"""

# ruff: noqa: E501  (the table reads best one row per line)

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Literal

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.widget import Widget

Scope = Literal["app", "screen", "log", "panel", "detail", "runs", "help"]


@dataclass(frozen=True, slots=True)
class Key:
    scope: Scope
    keys: str
    """Textual key names, comma-separated ("": reached from the palette only)."""
    action: str
    """The action string run on the scope ("": a line of help only)."""
    description: str = ""
    """The binding's short description (Textual's keys panel)."""
    title: str = ""
    """The palette's title ("": not in the palette)."""
    summary: str = ""
    """The palette's line under the title."""
    help: tuple[str, str] | None = None
    """The help screen's line: the keys as a user reads them, and what they do."""
    show: bool = False
    tooltip: str = ""


# fmt: off
KEYS: tuple[Key, ...] = (
    Key("log", "up,k", "move(-1)", "Up", help=("up / down, j / k", "move one event; any move away from the newest pauses following")),
    Key("log", "down,j", "move(1)", "Down"),
    Key("log", "pageup", "page(-1)", "Page up", help=("PgUp / PgDn, mouse wheel", "move a page / three rows")),
    Key("log", "pagedown", "page(1)", "Page down"),
    Key("log", "end,G,s", "follow", "Follow", show=True, tooltip="Jump to the newest event and follow it", title="Follow newest", summary="Jump to the newest event and follow (End, G, s)", help=("End, G, s", "resume following (jump to the newest event)")),
    Key("log", "home", "home", "First", show=True, tooltip="Go to the first available event", title="First available event", summary="Go to the oldest retained event (Home)", help=("Home", "first available event (trimmed history shows as a gap row)")),
    Key(
        "screen", "g", "goto", "Go to", show=True, tooltip="Go to a seq, a turn, start or end",
        title="Go to…", summary="Go to a seq, +N/-N, start, end or tN (g)",
        help=("g", "go to: 1234 (seq), +100 / -100, start, end, t41 (turn 41), 19:42:05 (today, in the time column's zone), 2026-06-07T19:42:05Z, -5m / +30s / -1h (from the selected event)"),
    ),
    Key("log", "left_square_bracket", "turn(-1)", "Prev turn", title="Previous turn", summary="Start of this turn of the cursor's agent, or of its previous one ([)", help=("[ / ]", "previous / next turn of the cursor's agent (any agent's on a gap or world row)")),
    Key("log", "right_square_bracket", "turn(1)", "Next turn", title="Next turn", summary="Start of the next turn of the cursor's agent (])"),
    Key("log", "enter", "toggle_detail", "Detail", show=True, tooltip="Open or close the event's detail", title="Toggle detail", summary="Open or close the selected event's detail (Enter)", help=("Enter", "open / close the detail pane for the selected event")),
    Key("panel", "ctrl+e", "scroll_detail(1)", "Detail down", help=("^e ^y / ^d ^u", "scroll the open detail pane a line / half a page (ctrl+e ctrl+y / ctrl+d ctrl+u, as in less), from the log too")),
    Key("panel", "ctrl+y", "scroll_detail(-1)", "Detail up"),
    Key("panel", "ctrl+d", "half_page_detail(1)", "Detail half page down"),
    Key("panel", "ctrl+u", "half_page_detail(-1)", "Detail half page up"),
    Key("panel", "", "focus_detail", title="Focus detail", summary="Open the detail pane and give it the keys: j / k scroll it, Esc goes back (tab)"),
    Key("detail", "down,j", "scroll_lines(1)", "Scroll down", help=("j / k (detail focused)", "scroll the detail a line; PgUp / PgDn a page, Home / End its top / bottom; Esc back to the log")),
    Key("detail", "up,k", "scroll_lines(-1)", "Scroll up"),
    Key("detail", "pageup", "page(-1)", "Page up"),
    Key("detail", "pagedown", "page(1)", "Page down"),
    Key("detail", "home", "edge(-1)", "Top"),
    Key("detail", "end", "edge(1)", "Bottom"),
    Key("detail", "escape", "back", "Back to log"),
    Key(
        "screen", "slash", "search", "Search", show=True, tooltip="Search text or re:regex (n / N step)",
        title="Search…", summary="Text or re:regex over summary and payload (/)",
        help=("/", "search: text (case-insensitive) or re:REGEX, over summary and payload JSON"),
    ),
    Key("screen", "n", "search_step(1)", "Next hit", title="Next hit", summary="Next search hit, across the whole run (n)", help=("n / N", "next / previous hit across the whole retained run (wraps); Esc clears")),
    Key("screen", "N", "search_step(-1)", "Previous hit", title="Previous hit", summary="Previous search hit (N)"),
    Key("screen", "escape", "clear_search", "Clear search", title="Clear search", summary="Stop searching and clear the highlights (Esc)"),
    Key(
        "screen", "f", "filter", "Filter", show=True, tooltip="Show only some kinds / agents",
        title="Filter…", summary="Show only some kinds / agents (f)",
        help=("f", "filter: kind:llm_response kind:action agent:9c1e (empty clears; gaps always show)"),
    ),
    Key("screen", "", "clear_filter", title="Clear filter", summary="Show every event again"),
    Key("screen", "w", "toggle_wrap", "Wrap", title="Toggle wrap", summary="Wrap long summaries (w)", help=("w / t", "wrap long summaries / show or hide the time column")),
    Key("screen", "t", "toggle_time", "Time column", title="Toggle time column", summary="Show / hide the time column (t)"),
    Key(
        "screen", "p", "play", "Replay", show=True, tooltip="Replay from the cursor: 1x, 10x, max",
        title="Replay", summary="Play from the cursor; again: 1x → 10x → max (p)",
        help=("p", "replay from the cursor at the run's pacing; again: 1x → 10x → max"),
    ),
    Key("screen", "space", "play_pause", "Pause", title="Pause / resume replay", summary="Pause or resume the replay (space)", help=("space", "pause / resume the replay (any move also pauses it)")),
    Key("screen", "c", "copy_event", "Copy", title="Copy event as JSON", summary="The selected event as a tail --jsonl record (c)", help=("c / y", "copy the event as its tail --jsonl record / the arena-tui --run … --seq … command")),
    Key("screen", "y", "copy_pointer", "Copy pointer", title="Copy pointer", summary="The arena-tui --run … --seq … command for this place (y)"),
    Key("screen", "e", "export_run", "Export", title="Export run to JSONL", summary="The whole retained run as tail --jsonl lines (e)", help=("e", "export the retained run to ./arena-RUN-TIME.jsonl (tail --jsonl lines)")),
    Key("screen", "", "export_visible", title="Export visible rows to JSONL", summary="The rows on screen as tail --jsonl lines"),
    Key("help", "", "", help=("tab / shift+tab", "move focus between runs, log and detail")),
    Key("screen", "", "focus_runs", title="Focus runs", summary="Move focus to the runs sidebar (tab)"),
    Key("screen", "", "focus_log", title="Focus log", summary="Move focus to the log (tab)"),
    Key("runs", "up,k", "move(-1)", "Previous run"),
    Key("runs", "down,j", "move(1)", "Next run"),
    Key("runs", "pageup", "page(-1)", "Page up"),
    Key("runs", "pagedown", "page(1)", "Page down"),
    Key("runs", "home", "move_to(0)", "First run"),
    Key("runs", "end", "move_to(-1)", "Last run"),
    Key("runs", "enter", "select", "Open run", help=("Enter (in runs)", "open the highlighted run (finished runs replay the same way); on a group row, fold / unfold it")),
    Key("runs", "left", "fold('fold')", "Fold", help=("left / right, z (in runs)", "fold / unfold the operation under the cursor (one rank or race is many runs); z toggles")),
    Key("runs", "right", "fold('unfold')", "Unfold"),
    Key("runs", "z", "fold('toggle')", "Fold / unfold", title="Fold / unfold operation", summary="Fold or unfold the highlighted run's operation in the sidebar (z in runs)"),
    Key("screen", "u", "open_parent", "Fork's parent", title="Open the fork's parent", summary="Open the parent of the fork (the highlighted run, or the fork event under the cursor) at the turn it forked from (u)", help=("u", "on a fork (its run, or its fork event): open the parent run at the turn the fork branched from")),
    Key("screen", "", "refresh_runs", title="Refresh runs", summary="List the broker's runs now"),
    Key(
        "screen", "r", "reconnect", "Reconnect", show=True, tooltip="Try the broker again now",
        title="Reconnect", summary="Try the broker again now, e.g. after fixing a password (r)",
        help=("r", "reconnect: try the broker again now (e.g. after fixing a refused password)"),
    ),
    Key(
        "screen", "i", "charts", "Charts", show=True, tooltip="World, cost and events/s of this run",
        title="Charts", summary="World over turns, cost per turn, events/s across the run (i)",
        help=("i", "charts of the run: world over turns, cost, events/s (1 2 3 tabs; on events/s left / right and Enter or a click jump the log there)"),
    ),
    Key("app", "S", "save_screen", "Screenshot", title="Screenshot (SVG)", summary="Save this screen as ./arena-RUN-TIME.svg (S)", help=("S", "screenshot: save the screen as ./arena-RUN-TIME.svg (in a browser: download it)")),
    Key("screen", "b", "toggle_sidebar", "Sidebar", show=True, tooltip="Hide or show the runs sidebar", title="Toggle sidebar", summary="Hide or show the runs sidebar (b)", help=("b", "hide / show the runs sidebar (it narrows by itself below 120 columns)")),
    Key("screen", "K", "toggle_footer", "Key hints", title="Toggle key hints", summary="Hide or show the footer of key hints (K)", help=("K", "hide / show the footer of key hints")),
    Key("help", "", "", help=("ctrl+p", "command palette: every action, searchable")),
    Key("screen", "question_mark", "help", "Help", show=True, title="Help", summary="Show every key (?)", help=("?", "this help")),
    Key("app", "q", "quit", "Quit", show=True, help=("q", "quit")),
)
# fmt: on


def bindings(scope: Scope) -> list[BindingType]:
    """The ``BINDINGS`` of ``scope``: every row of it that has keys."""
    return [
        Binding(key.keys, key.action, key.description, show=key.show, tooltip=key.tooltip)
        for key in KEYS
        if key.scope == scope and key.keys
    ]


def help_rows() -> list[tuple[str, str]]:
    """The help screen's lines, in the table's order."""
    return [key.help for key in KEYS if key.help is not None]


def commands(targets: Mapping[Scope, App[None] | Widget]) -> Iterator[SystemCommand]:
    """The palette's commands: every titled row, run as an action of its scope's node."""
    for key in KEYS:
        if key.title:
            run = partial(targets[key.scope].run_action, key.action)
            yield SystemCommand(key.title, key.summary, run)
