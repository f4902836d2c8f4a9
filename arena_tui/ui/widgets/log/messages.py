"""What the log pane tells its screen: small messages, the frequent one replaceable.

They are handled as ``on_log_pane_*`` (their namespace) and reachable as ``LogPane.ViewChanged``
and so on, as if nested in the pane (toolong keeps its messages in one module the same way).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from arena_tui.model.log import Fetch, LogView

if TYPE_CHECKING:
    from arena_tui.ui.widgets.log.pane import LogPane


class ViewChanged(Message, namespace="log_pane"):
    """The view changed (many times a second on a busy run; only the newest matters)."""

    def __init__(self, pane: LogPane, view: LogView) -> None:
        super().__init__()
        self.pane = pane
        self.view = view

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ViewChanged)


class FetchWanted(Message, namespace="log_pane"):
    """The view needs a range read (``fetch``) for ``run_id``."""

    def __init__(self, run_id: str, fetch: Fetch) -> None:
        super().__init__()
        self.run_id = run_id
        self.fetch = fetch


class DetailToggled(Message, namespace="log_pane"):
    """Enter was pressed on the log: open or close the detail pane."""


class UserMoved(Message, namespace="log_pane"):
    """The user moved the cursor (a key, the wheel, a click, a seek): a replay pauses."""
