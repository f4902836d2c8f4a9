"""Figures as data: targets, the summary of interleaved runs and the table.

A figure run returns named metrics (``{"p50_ms": 4.1, "p99_ms": 9.8}``); so does its baseline
run. A ``Row`` says which metric is the figure, which is its baseline, how the two make a
ratio and what the target is. ``summarise`` turns the per-run metrics of both sides into a
``FigureResult``: the median with min and max, the baseline's median, the ratio of the medians
and whether the target is met.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

Metrics = Mapping[str, float]


@dataclass(frozen=True, slots=True)
class Target:
    """``on`` (the value, the ratio, or what the value adds to the baseline) ``op`` ``bound``,
    e.g. ratio >= 0.5, value <= 20 ms, or added <= 1 ms (value - baseline)."""

    on: Literal["value", "ratio", "added"]
    op: Literal["<=", ">="]
    bound: float

    def met(self, value: float, ratio: float | None, baseline: float | None = None) -> bool:
        subject: float | None = value if self.on == "value" else ratio
        if self.on == "added":
            subject = value - baseline if baseline is not None else None
        if subject is None:
            return False
        return subject <= self.bound if self.op == "<=" else subject >= self.bound

    def describe(self, unit: str) -> str:
        if self.on == "ratio":
            return f"ratio {self.op} {self.bound:g}"
        if self.on == "added":
            return f"baseline + {self.bound:g} {unit}".rstrip()
        return f"{self.op} {self.bound:g} {unit}".rstrip()


@dataclass(frozen=True, slots=True)
class Row:
    """How one figure is read out of a figure run and a baseline run."""

    name: str
    metric: str
    unit: str
    target: Target
    baseline_metric: str
    baseline_label: str
    ratio: Literal["value/baseline", "baseline/value"] = "value/baseline"
    method: str = ""
    """What exactly is measured (and what "painted" means), shown in the JSON."""


@dataclass(frozen=True, slots=True)
class FigureResult:
    name: str
    value: float
    unit: str
    baseline: float | None
    ratio: float | None
    target: str
    met: bool
    min: float
    max: float
    runs: list[float]
    baseline_label: str = ""
    baseline_runs: list[float] = field(default_factory=list)
    ratio_is: str = ""
    method: str = ""
    target_on: str = ""
    """What the target bounds (``value``, ``ratio`` or ``added``), ``target_op`` how, and
    ``target_bound`` the bound: what the history chart plots against."""
    target_op: str = ""
    target_bound: float | None = None
    extra: dict[str, float] = field(default_factory=dict)
    """The medians of the runs' other metrics (``baseline_`` prefixed for the baseline's)."""


def summarise(row: Row, runs: Sequence[Metrics], baseline_runs: Sequence[Metrics]) -> FigureResult:
    values = [float(run[row.metric]) for run in runs]
    base_values = [float(run[row.baseline_metric]) for run in baseline_runs]
    value = statistics.median(values)
    baseline = statistics.median(base_values) if base_values else None
    ratio: float | None = None
    if baseline is not None:
        top, bottom = (value, baseline) if row.ratio == "value/baseline" else (baseline, value)
        ratio = top / bottom if bottom else None
    return FigureResult(
        name=row.name,
        value=value,
        unit=row.unit,
        baseline=baseline,
        ratio=ratio,
        target=row.target.describe(row.unit),
        met=row.target.met(value, ratio, baseline),
        min=min(values),
        max=max(values),
        runs=values,
        baseline_label=row.baseline_label,
        baseline_runs=base_values,
        ratio_is=row.ratio,
        method=row.method,
        target_on=row.target.on,
        target_op=row.target.op,
        target_bound=row.target.bound,
        extra={
            **{k: _median(runs, k) for k in (runs[0] if runs else {}) if k != row.metric},
            **{
                f"baseline_{k}": _median(baseline_runs, k)
                for k in (baseline_runs[0] if baseline_runs else {})
                if k != row.baseline_metric
            },
        },
    )


def _median(runs: Sequence[Metrics], key: str) -> float:
    return statistics.median(float(run[key]) for run in runs if key in run)


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    if value == 0 or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def table(results: Sequence[FigureResult]) -> str:
    """A plain-text table (also valid Markdown) of the figures."""
    header = ("figure", "median", "min", "max", "unit", "baseline", "ratio", "target", "met")
    lines = [header]
    for r in results:
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "-"
        lines.append(
            (
                r.name,
                _num(r.value),
                _num(r.min),
                _num(r.max),
                r.unit,
                _num(r.baseline),
                ratio,
                r.target,
                "yes" if r.met else "NO",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |")
        if n == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)
