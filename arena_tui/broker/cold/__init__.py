"""The arena's cold store: its DuckDB event logs, read-only (``shared/cold-store.md``).

``with_logs(broker, root)`` wraps any broker so that its listing and reads include the runs
the logs under ``root`` hold (``merged``). Nothing in this package imports duckdb at import
time; the first file access does, in a worker thread (``_db``).
"""

from __future__ import annotations

from pathlib import Path

from arena_tui.broker.cold._db import FileState
from arena_tui.broker.cold.index import ColdFile, ColdRun
from arena_tui.broker.cold.layout import DEFAULT_LOGS_ROOT, logs_root
from arena_tui.broker.cold.merged import ColdAwareBroker
from arena_tui.broker.cold.stitch import Alignment
from arena_tui.broker.cold.store import ColdStore
from arena_tui.broker.protocol import EventBroker


def with_logs(broker: EventBroker, root: Path) -> ColdAwareBroker:
    """``broker`` plus the runs of the arena's logs under ``root``."""
    return ColdAwareBroker(broker, ColdStore(root))


__all__ = [
    "DEFAULT_LOGS_ROOT",
    "Alignment",
    "ColdAwareBroker",
    "ColdFile",
    "ColdRun",
    "ColdStore",
    "FileState",
    "logs_root",
    "with_logs",
]
