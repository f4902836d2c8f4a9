"""Where the arena keeps its DuckDB logs, and what their names and table say.

The arena writes one file per operation at ``<root>/<YYYY-MM-DD>/<label>-<HHMMSS>.duckdb``
(date and time in UTC, when the operation started); the web server writes one fork per file,
``fork-<HHMMSS><6-digit µs>.duckdb``. Readers glob exactly ``<root>/*/*.duckdb``, like the
arena's server (a ``.duckdb.wal`` beside a file does not match). The root is
``ARENA_LOGS_ROOT``, unset or empty meaning ``logs/arena`` relative to the working directory
(the arena's CLI always writes there, under the directory it ran in).

``DDL`` and ``INSERT`` are the arena's own statements (``cold-store.md`` §2.2): one table,
seven columns, no key, no index. Nothing here imports duckdb.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_LOGS_ROOT = "logs/arena"
GLOB = "*/*.duckdb"
DDL = (
    "CREATE TABLE IF NOT EXISTS events ("
    "run_id VARCHAR, agent_id VARCHAR, t INTEGER, kind VARCHAR, "
    "payload_json VARCHAR, ts TIMESTAMP, schema_version INTEGER)"
)
INSERT = (
    "INSERT INTO events (run_id, agent_id, t, kind, payload_json, ts, schema_version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_STEM = re.compile(r"(?P<label>[^-]*)-(?P<hms>\d{6})(?P<us>\d{6})?")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def logs_root(env: Mapping[str, str], override: str | Path | None = None) -> Path:
    """``override`` (``--logs-root``), else ``ARENA_LOGS_ROOT``, else ``logs/arena``."""
    if override is not None and str(override).strip():
        return Path(override).expanduser()
    raw = env.get("ARENA_LOGS_ROOT", "").strip()
    return Path(raw).expanduser() if raw else Path(DEFAULT_LOGS_ROOT)


def discover(root: Path) -> list[Path]:
    """Every ``<root>/*/*.duckdb`` file, newest modification time first (the arena's order)."""
    found = []
    for path in root.glob(GLOB):
        try:
            stat = path.stat()
        except OSError:
            continue  # deleted between the glob and the stat
        if path.is_file():
            found.append((stat.st_mtime_ns, path))
    return [path for _, path in sorted(found, key=lambda item: (-item[0], str(item[1])))]


@dataclass(frozen=True, slots=True)
class FileName:
    """What a log's path says: the operation's label and when it started (UTC), if it says."""

    label: str
    started_at: datetime | None


def parse_name(path: Path) -> FileName:
    """The label is the stem up to the first ``-`` (the whole stem without one), like the
    arena's ``_label_from_filename``; the start time comes from the day folder and
    ``HHMMSS`` (plus ``µs`` for forks) when both parse."""
    stem = path.name.removesuffix(".duckdb")
    label = stem.split("-", 1)[0]
    match = _STEM.fullmatch(stem)
    day = path.parent.name
    if match is None or not _DAY.fullmatch(day):
        return FileName(label, None)
    hms, us = match["hms"], match["us"] or "0"
    try:
        started = datetime.strptime(f"{day} {hms}", "%Y-%m-%d %H%M%S").replace(
            microsecond=int(us), tzinfo=UTC
        )
    except ValueError:
        return FileName(label, None)
    return FileName(label, started)


def operation_path(root: Path, label: str, started_at: datetime) -> Path:
    """The arena CLI's ``_new_db_path``: ``<root>/<UTC day>/<label>-<HHMMSS>.duckdb``."""
    utc = started_at.astimezone(UTC)
    return root / utc.strftime("%Y-%m-%d") / f"{label}-{utc.strftime('%H%M%S')}.duckdb"


def fork_path(root: Path, started_at: datetime) -> Path:
    """The web server's ``_new_child_db_path``: ``fork-<HHMMSS><µs>.duckdb``."""
    utc = started_at.astimezone(UTC)
    name = f"fork-{utc.strftime('%H%M%S')}{utc.microsecond:06d}.duckdb"
    return root / utc.strftime("%Y-%m-%d") / name
