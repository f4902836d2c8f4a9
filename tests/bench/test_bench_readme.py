"""The README's Performance table and the history chart are generated from recorded runs.

Two small hand-made runs go through ``bench.record`` (as ``python -m bench`` keeps them) and
``python -m bench.readme`` rewrites a README between its markers and draws the chart; the
benches themselves do not run.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench import chart, readme, record
from bench.report import FigureResult, Row, Target, summarise

MACHINE = {"cores": 2, "cpu": "Test CPU", "python": "3.11.7", "redis_server": "7.0.15"}
LATENCY = Row("2 live latency p50", "p50_ms", "ms", Target("value", "<=", 20), "p50_ms", "bare")
CATCH_UP = Row("1 catch-up", "ev_s", "ev/s", Target("ratio", ">=", 0.5), "ev_s", "bare loop")


def _run(p50: list[float], catch_up: float) -> list[FigureResult]:
    return [
        summarise(CATCH_UP, [{"ev_s": catch_up}], [{"ev_s": 200_000.0}]),
        summarise(LATENCY, [{"p50_ms": v} for v in p50], [{"p50_ms": 0.2}]),
    ]


def _record(directory: Path, day: int, sha: str, results: list[FigureResult]) -> Path:
    doc = record.document(
        machine=MACHINE,
        command="python -m bench --repeats 3",
        commit=sha,
        date=datetime(2026, 12, day, 19, 30, tzinfo=UTC),
        results=results,
    )
    return record.write(doc, directory)


README_TEXT = (
    "# x\n\n## Performance\n\nintro\n\n<!-- bench:table -->\nold\n<!-- /bench:table -->\n\nafter\n"
)


def test_runs_are_kept_and_latest_is_the_newest(tmp_path: Path) -> None:
    first = _record(tmp_path, 1, "aaaaaaa", _run([25.0, 26.0, 24.0], 70_000.0))
    second = _record(tmp_path, 2, "bbbbbbb-dirty", _run([19.0, 18.0, 21.0], 110_000.0))
    again = _record(tmp_path, 2, "bbbbbbb-dirty", _run([19.0], 110_000.0))
    assert first.name == "2026-12-01T1930Z-aaaaaaa.json"
    assert second.name == "2026-12-02T1930Z-bbbbbbb-dirty.json"
    assert again.name == "2026-12-02T1930Z-bbbbbbb-dirty-2.json"
    assert (tmp_path / "latest.json").read_text() == again.read_text()
    history = record.history(tmp_path)
    assert [doc["commit"] for doc in history] == ["aaaaaaa", "bbbbbbb-dirty", "bbbbbbb-dirty"]
    assert history[0]["command"] == "python -m bench --repeats 3"
    assert history[0]["machine"]["cpu"] == "Test CPU"


def test_readme_table_is_regenerated_from_the_latest_run(tmp_path: Path) -> None:
    results, readme_path = tmp_path / "results", tmp_path / "README.md"
    readme_path.write_text(README_TEXT)
    _record(results, 1, "aaaaaaa", _run([25.0, 26.0, 24.0], 70_000.0))
    _record(results, 2, "bbbbbbb", _run([19.0, 18.0, 21.0], 110_000.0))
    argv = ["--results", str(results), "--readme", str(readme_path)]
    assert readme.main([*argv, "--check"]) == 1
    assert readme.main(argv) == 0
    assert readme.main([*argv, "--check"]) == 0
    text = readme_path.read_text()
    assert text.startswith("# x\n\n## Performance\n\nintro\n\n<!-- bench:table -->\n")
    assert text.endswith("<!-- /bench:table -->\n\nafter\n")
    assert "old" not in text
    assert "commit bbbbbbb" in text
    assert "2 of 2 targets met" in text
    rows = [line for line in text.splitlines() if line.startswith("| 1 catch-up")]
    assert len(rows) == 1
    cells = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert cells == ["1 catch-up", "110,000", "110,000", "110,000", "ev/s", "200,000", "0.55x",
                     "ratio >= 0.5", "yes"]  # fmt: skip
    latency = next(line for line in text.splitlines() if line.startswith("| 2 live"))
    assert "| 19.0 " in latency
    assert "| 18.0 " in latency
    assert "| 21.0 " in latency
    assert "[results/history.svg](results/history.svg)" in text


def test_chart_plots_what_each_target_bounds_for_every_run(tmp_path: Path) -> None:
    _record(tmp_path, 1, "aaaaaaa", _run([25.0, 26.0, 24.0], 70_000.0))
    _record(tmp_path, 2, "bbbbbbb", _run([19.0, 18.0, 21.0], 110_000.0))
    history = record.history(tmp_path)
    by_name = {s.name: s for s in chart.series(history)}
    catch_up, latency = by_name["1 catch-up"], by_name["2 live latency p50"]
    assert [round(p.subject, 2) for p in catch_up.points] == [0.35, 0.55]  # the ratio
    assert [p.met for p in catch_up.points] == [False, True]
    assert catch_up.bound == 0.5
    assert [(p.subject, p.low, p.high) for p in latency.points] == [
        (25.0, 24.0, 26.0),
        (19.0, 18.0, 21.0),
    ]
    svg = chart.svg(history)
    assert svg.startswith("<svg")
    assert svg.rstrip().endswith("</svg>")
    assert svg.count("<circle") == 4
    assert svg.count(chart.RED) >= 2
    assert svg.count(chart.GREEN) >= 2
    assert "2026-12-02T19:30:00+00:00 bbbbbbb" in svg


def test_an_older_json_without_structured_targets_still_charts(tmp_path: Path) -> None:
    figure = {"name": "9 startup", "value": 0.3, "baseline": 0.15, "ratio": 2.0, "min": 0.28,
              "max": 0.37, "target": "<= 1 s", "met": True}  # fmt: skip
    (tmp_path / "2026-11-25T2200Z-3fa193b.json").write_text(
        json.dumps({"date": "2026-11-25T22:00:00+00:00", "figures": [figure]})
    )
    (s,) = chart.series(record.history(tmp_path))
    assert s.bound == 1.0
    assert s.points[0].subject == 0.3


def test_a_readme_without_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="bench:table"):
        readme.replace_section("no markers here", "x")
