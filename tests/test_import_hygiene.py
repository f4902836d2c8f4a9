"""The layering, checked: what each floor of ``arena_tui`` may never import.

Each case imports every module of a floor in a fresh interpreter (so nothing another test
imported counts) and fails naming the forbidden modules that came with it. A floor is a module
or a package; a package means every ``.py`` file under it. The floors, bottom up:

    broker, model  ->  reading  ->  headless (the CLI)  |  ui (the app)  |  web (serve)

``broker`` and ``model`` are pure (no Textual, no Rich); the reading floor uses only them; the
two faces never import each other, and the headless one has no Textual; nor has the web
server (``arena-tui serve``): the app runs in a process per browser tab.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import arena_tui

PACKAGE = Path(arena_tui.__file__).parent
UI_LIBRARIES = ("textual", "rich")


@dataclass(frozen=True)
class Floor:
    modules: tuple[str, ...]
    """Modules or packages (every ``.py`` under a package) imported first, in this order."""
    forbidden: tuple[str, ...]
    """Module roots that must not be in ``sys.modules`` afterwards (``a.b`` covers ``a.b.*``)."""
    why: str
    then: str = ""
    """Code run after the imports (to reach a lazy import), with the modules imported."""


def expand(name: str) -> list[str]:
    """``name``, and when it is a package directory every module in files under it."""
    directory = PACKAGE.parent.joinpath(*name.split("."))
    if not directory.is_dir():
        return [name]
    modules = []
    for path in sorted(directory.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return modules


FLOORS: dict[str, Floor] = {
    "broker is pure": Floor(
        ("arena_tui.broker",),
        UI_LIBRARIES,
        "the broker layer is the arena's client: producers and headless tools use it",
    ),
    "model is pure": Floor(
        ("arena_tui.model",),
        UI_LIBRARIES,
        "the model is plain data and functions, tested in microseconds without an app",
    ),
    "in-process broker needs no redis": Floor(
        ("arena_tui.broker.factory",),
        ("redis", *UI_LIBRARIES),
        "the demo and the in-process backend must run without redis-py loaded",
        then="arena_tui.broker.factory.make_broker(env={})",
    ),
    "headless has no Textual": Floor(
        ("arena_tui.cli", "arena_tui.headless", "arena_tui.arena"),
        UI_LIBRARIES,
        "the CLI starts fast and runs where no terminal UI can (pipes, CI)",
    ),
    "headless never imports the app": Floor(
        ("arena_tui.headless",),
        ("arena_tui.ui",),
        "the two faces share the floors below them, not each other",
    ),
    "the web server has no Textual": Floor(
        ("arena_tui.cli", "arena_tui.web.serve"),
        ("textual",),
        "the server imports textual-serve and aiohttp; Textual itself runs only in the tabs",
    ),
    "the app never imports headless": Floor(
        ("arena_tui.ui",),
        ("arena_tui.headless",),
        "the two faces share the floors below them, not each other",
    ),
}
FLOORS["reading uses only broker and model"] = Floor(
    ("arena_tui.reading",),
    (
        *UI_LIBRARIES,
        *(f"arena_tui.{name}" for name in ("ui", "headless", "arena", "cli", "config")),
    ),
    "the reading floor (tail, fetch, scans, export) serves both faces from below them",
)

KNOWN_BREACHES: dict[str, str] = {}
"""Cases that fail today, by id, with why: a strict xfail, so the fix must remove the entry."""

PROBE = """
import importlib, json, sys
modules = json.loads(sys.argv[1])
for name in modules:
    importlib.import_module(name)
namespace = {name.split(".")[0]: sys.modules[name.split(".")[0]] for name in modules}
exec(sys.argv[2], namespace)
print(json.dumps(sorted(sys.modules)))
"""


def loaded_by(floor: Floor) -> list[str]:
    modules = [m for name in floor.modules for m in expand(name)]
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(modules), floor.then],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    loaded: list[str] = json.loads(out.stdout)
    return loaded


def cases() -> list[Any]:
    params = []
    for name, floor in FLOORS.items():
        marks = []
        if name in KNOWN_BREACHES:
            marks.append(pytest.mark.xfail(reason=KNOWN_BREACHES[name], strict=True))
        params.append(pytest.param(floor, id=name, marks=marks))
    return params


@pytest.mark.parametrize("floor", cases())
def test_floor_never_imports_what_is_above_or_beside_it(floor: Floor) -> None:
    loaded = loaded_by(floor)
    assert any(m in loaded for m in expand(floor.modules[0])), "the probe imported nothing"
    bad = sorted(
        name
        for name in loaded
        if any(name == root or name.startswith(f"{root}.") for root in floor.forbidden)
    )
    assert not bad, f"{', '.join(floor.modules)} imported {bad[:8]}: {floor.why}"


def test_the_probe_sees_what_a_floor_imports() -> None:
    """The check itself can fail: the CLI's output does import the model."""
    loaded = loaded_by(Floor(("arena_tui.headless.output",), (), "", then="import json"))
    assert "arena_tui.model" in loaded
    assert "json" in loaded
