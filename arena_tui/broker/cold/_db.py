"""duckdb, imported lazily, and what its errors mean for a reader of the arena's logs.

``import duckdb`` costs a large native library, so nothing imports it at startup: the first
call of ``duckdb_module`` does, always from a worker thread (the cold store runs every file
access through ``asyncio.to_thread``). Every connection is ``read_only=True``: a plain connect
would create a missing file, take the write lock and could upgrade an old file.

``classify`` turns an open or query failure into one of the states a listing shows as one line
(``cold-store.md`` §7.3): another process holds the file (``IOException`` naming a lock; in the
same process duckdb says ``ConnectionException``), the file has no ``events`` table
(``CatalogException``), it was written by a newer duckdb, or it is no duckdb file at all.
"""

from __future__ import annotations

import enum
from pathlib import Path
from types import ModuleType
from typing import Any

from arena_tui.broker.errors import BrokerConfigError


class FileState(enum.StrEnum):
    READY = "ready"
    """Readable; its runs are listed (``EMPTY`` when it holds none)."""
    EMPTY = "empty"
    LOCKED = "locked"
    """A writer holds it: the operation is still running."""
    FOREIGN = "foreign"
    """A duckdb file without the arena's ``events`` table, or not a duckdb file."""
    NEWER = "newer"
    """Written by a newer duckdb than the one installed."""
    UNREADABLE = "unreadable"
    """Any other failure (permissions, a torn file): the message says which."""


def duckdb_module() -> ModuleType:
    """``import duckdb``, or a one-line ``BrokerConfigError`` if it is not installed."""
    try:
        import duckdb
    except ImportError:
        raise BrokerConfigError(
            "reading the arena's logs needs the duckdb package: pip install 'duckdb>=1.5,<3'"
        ) from None
    return duckdb


def connect(path: Path) -> Any:
    """A read-only connection to ``path`` (raises duckdb's own errors; see ``classify``)."""
    return duckdb_module().connect(str(path), read_only=True)


def classify(exc: BaseException) -> tuple[FileState, str]:
    """The state an exception from opening or querying a log means, and its one-line text."""
    duckdb = duckdb_module()
    text = " ".join(str(exc).split())
    lowered = text.lower()
    if isinstance(exc, duckdb.CatalogException):
        return FileState.FOREIGN, "not an arena log (no events table)"
    if isinstance(exc, duckdb.ConnectionException) and "different configuration" in lowered:
        return FileState.LOCKED, "being written (by this process)"
    if "lock" in lowered and isinstance(exc, duckdb.IOException):
        return FileState.LOCKED, "being written (another process holds it)"
    if "version" in lowered and ("newer" in lowered or "storage" in lowered):
        return FileState.NEWER, f"needs a newer duckdb than {duckdb.__version__}"
    if "not a valid duckdb" in lowered or "magic" in lowered or "database file" in lowered:
        return FileState.FOREIGN, "not an arena log (not a duckdb file)"
    return FileState.UNREADABLE, f"unreadable: {text[:160]}"


def is_duckdb_error(exc: BaseException) -> bool:
    """Whether ``exc`` is one of duckdb's (so a listing turns it into a state, not a crash)."""
    return isinstance(exc, duckdb_module().Error)
