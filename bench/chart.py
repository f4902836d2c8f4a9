"""The history chart: every figure against its target over the recorded runs, as plain SVG.

One small panel per figure, in the order of the newest run's table. Each panel plots what the
target bounds (the value, the ratio to the baseline, or the value minus the baseline) for every
recorded run that measured the figure, oldest on the left, with the target as a dashed line;
a run that met the target is drawn green, a miss red. For figures whose target bounds the value
the panel also draws each run's min-max range. Written by hand-rolled SVG (no plotting
library: the project has none, and this is a few rectangles and lines) so the README can link
one file that git diffs as text.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

WIDTH, HEIGHT = 380, 150
COLUMNS = 2
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 52, 12, 34, 22
GREEN, RED, GREY = "#2a9d4b", "#d1342f", "#888888"


@dataclass(frozen=True, slots=True)
class Point:
    run: int
    """Index of the run in the history (x position)."""
    subject: float
    low: float | None
    high: float | None
    met: bool


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    label: str
    """What is plotted, e.g. ``ratio >= 0.5`` or ``<= 20 ms``."""
    bound: float
    points: tuple[Point, ...]


def subject(figure: Mapping[str, Any]) -> tuple[float | None, float | None, float | None]:
    """What the figure's target bounds, and its min/max when that is the value itself."""
    on = figure.get("target_on") or _parse_on(str(figure.get("target", "")))
    value, baseline = figure.get("value"), figure.get("baseline")
    if on == "ratio":
        return figure.get("ratio"), None, None
    if on == "added":
        if value is None or baseline is None:
            return None, None, None
        return float(value) - float(baseline), None, None
    return value, figure.get("min"), figure.get("max")


def _parse_on(target: str) -> str:
    if target.startswith("ratio"):
        return "ratio"
    return "added" if target.startswith("baseline +") else "value"


def _bound(figure: Mapping[str, Any]) -> float | None:
    bound = figure.get("target_bound")
    if bound is not None:
        return float(bound)
    words = str(figure.get("target", "")).replace("+", " ").split()
    for word in words:
        try:
            return float(word)
        except ValueError:
            continue
    return None


def series(history: Sequence[Mapping[str, Any]]) -> list[Series]:
    """One series per figure name, in the newest run's order, then older names."""
    names: list[str] = []
    for doc in reversed(history):
        for figure in doc.get("figures", []):
            if figure["name"] not in names:
                names.append(figure["name"])
    out: list[Series] = []
    for name in names:
        points: list[Point] = []
        label, bound = "", None
        for i, doc in enumerate(history):
            for figure in doc.get("figures", []):
                if figure["name"] != name:
                    continue
                value, low, high = subject(figure)
                if value is None:
                    continue
                label, bound = str(figure.get("target", "")), _bound(figure)
                points.append(Point(i, float(value), low, high, bool(figure.get("met"))))
        if points and bound is not None:
            out.append(Series(name, label, bound, tuple(points)))
    return out


def _fmt(value: float) -> str:
    if value == 0 or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _panel(s: Series, runs: int, x0: float, y0: float) -> list[str]:
    values = [s.bound]
    for p in s.points:
        values += [p.subject] + [v for v in (p.low, p.high) if v is not None]
    top = max(values) * 1.1 or 1.0
    bottom = min(0.0, min(values))
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def x(run: int) -> float:
        return x0 + PAD_LEFT + (inner_w * (run + 0.5) / max(runs, 1))

    def y(value: float) -> float:
        return y0 + PAD_TOP + inner_h * (1 - (value - bottom) / (top - bottom))

    title = html.escape(s.name)
    out = [
        f'<text x="{x0 + 8}" y="{y0 + 14}" font-weight="bold">{title}</text>',
        f'<text x="{x0 + 8}" y="{y0 + 27}" fill="{GREY}">target: {html.escape(s.label)}</text>',
        f'<rect x="{x0 + PAD_LEFT}" y="{y0 + PAD_TOP}" width="{inner_w}" height="{inner_h}"'
        ' fill="none" stroke="#cccccc"/>',
        f'<text x="{x0 + PAD_LEFT - 4}" y="{y(top / 1.1) + 4:.1f}" text-anchor="end">'
        f"{_fmt(top / 1.1)}</text>",
        f'<text x="{x0 + PAD_LEFT - 4}" y="{y(bottom) + 4:.1f}" text-anchor="end">'
        f"{_fmt(bottom)}</text>",
        f'<line x1="{x0 + PAD_LEFT}" x2="{x0 + PAD_LEFT + inner_w}" y1="{y(s.bound):.1f}"'
        f' y2="{y(s.bound):.1f}" stroke="{GREY}" stroke-dasharray="4 3"/>',
        f'<text x="{x0 + PAD_LEFT + inner_w - 2}" y="{y(s.bound) - 3:.1f}" text-anchor="end"'
        f' fill="{GREY}">{_fmt(s.bound)}</text>',
    ]
    previous: Point | None = None
    for p in s.points:
        colour = GREEN if p.met else RED
        if previous is not None:
            out.append(
                f'<line x1="{x(previous.run):.1f}" y1="{y(previous.subject):.1f}"'
                f' x2="{x(p.run):.1f}" y2="{y(p.subject):.1f}" stroke="#bbbbbb"/>'
            )
        if p.low is not None and p.high is not None:
            out.append(
                f'<line x1="{x(p.run):.1f}" x2="{x(p.run):.1f}" y1="{y(p.low):.1f}"'
                f' y2="{y(p.high):.1f}" stroke="{colour}"/>'
            )
        out.append(
            f'<text x="{x(p.run):.1f}" y="{y0 + HEIGHT - PAD_BOTTOM + 12}" text-anchor="middle"'
            f' fill="{GREY}">{p.run + 1}</text>'
        )
        out.append(
            f'<circle cx="{x(p.run):.1f}" cy="{y(p.subject):.1f}" r="3.5" fill="{colour}">'
            f"<title>{_fmt(p.subject)}</title></circle>"
        )
        previous = p
    return out


def svg(history: Sequence[Mapping[str, Any]]) -> str:
    """The chart of every figure over ``history`` (runs oldest first)."""
    all_series = series(history)
    rows = max(1, -(-len(all_series) // COLUMNS))
    legend_h = 20 + 14 * len(history)
    width, height = WIDTH * COLUMNS, HEIGHT * rows + legend_h
    body: list[str] = []
    for n, s in enumerate(all_series):
        body += _panel(s, len(history), WIDTH * (n % COLUMNS), HEIGHT * (n // COLUMNS))
    y = HEIGHT * rows + 14
    body.append(
        f'<text x="8" y="{y}" font-weight="bold">runs (the numbers under each panel)</text>'
    )
    for i, doc in enumerate(history):
        text = f"{i + 1}. {doc.get('date', '?')} {doc.get('commit', '?')}: {doc.get('command', '')}"
        body.append(f'<text x="8" y="{y + 14 * (i + 1)}">{html.escape(text)}</text>')
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
            f' viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
            f'<rect width="{width}" height="{height}" fill="white"/>',
            *body,
            "</svg>",
            "",
        ]
    )
