"""Where bench runs are kept: one JSON file per run in ``bench/results/``, never overwritten.

The README's Performance table and the history chart are generated from these files
(``python -m bench.readme``), so a number in the README is always one a run wrote, and the
chart can show every recorded run. A run's file is named for when it ran and what it ran on
(``2026-12-01T1935Z-94183cc.json``; ``-dirty`` when the worktree had uncommitted changes), and
``latest.json`` is a copy of the newest. Runs that measure nothing worth keeping (``--quick``
checks the harness, ``--profile`` slows the app down) go to ``bench/results/scratch/``, which
is not kept in git and not read by the history.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.report import FigureResult

RESULTS = Path(__file__).resolve().parent / "results"
LATEST = "latest.json"
SCRATCH = "scratch"


def commit(root: Path) -> str:
    """The short commit of ``root``'s checkout, ``-dirty`` if tracked files changed."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    sha = git("rev-parse", "--short=7", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results")
    return f"{sha}-dirty" if dirty else sha


def document(
    *,
    machine: Mapping[str, Any],
    command: str,
    commit: str,
    date: datetime,
    results: Sequence[FigureResult],
) -> dict[str, Any]:
    return {
        "date": date.astimezone(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "command": command,
        "machine": dict(machine),
        "figures": [asdict(r) for r in results],
    }


def file_name(doc: Mapping[str, Any]) -> str:
    date = datetime.fromisoformat(str(doc["date"])).astimezone(UTC)
    return f"{date:%Y-%m-%dT%H%MZ}-{doc['commit']}.json"


def write(doc: Mapping[str, Any], directory: Path) -> Path:
    """Keep ``doc`` as a new file in ``directory`` and make ``latest.json`` a copy of it."""
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, indent=2) + "\n"
    path = directory / file_name(doc)
    n = 1
    while path.exists():  # two runs in one minute on one commit: keep both
        n += 1
        path = directory / file_name(doc).replace(".json", f"-{n}.json")
    path.write_text(text)
    (directory / LATEST).write_text(text)
    return path


def history(directory: Path) -> list[dict[str, Any]]:
    """Every recorded run in ``directory`` (not ``latest.json``, not scratch), oldest first."""
    docs = [
        json.loads(path.read_text())
        for path in directory.glob("*.json")
        if path.name != LATEST and path.is_file()
    ]
    return sorted(docs, key=lambda doc: str(doc.get("date", "")))
