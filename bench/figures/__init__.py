"""The figures of issue 6, by the name ``--only`` takes, in the order the table shows them.

Each module's docstring says exactly what it measures, what its baseline is and, for the app
figures, what "painted" means there; the same text goes into the JSON as ``method``.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable

from bench.harness import Bench
from bench.report import FigureResult

FigureRun = Callable[[Bench], Awaitable[list[FigureResult]]]

NAMES: tuple[str, ...] = (
    "catch_up",
    "latency",
    "sustained",
    "seek",
    "memory",
    "run_list",
    "publish",
    "log_pane",
    "startup",
    "cold",
    "footprint",
    "cold_memory",
)


def load(name: str) -> FigureRun:
    """The ``run`` coroutine of figure ``name`` (modules import lazily: Textual is heavy)."""
    module = importlib.import_module(f"bench.figures.{name}")
    run: FigureRun = module.run
    return run
