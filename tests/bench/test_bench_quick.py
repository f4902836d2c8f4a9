"""The benchmark harness still runs and writes the JSON it promises (numbers not checked).

``python -m bench --quick`` on cheap figures, in a subprocess, exactly as ``just bench`` runs
it; the harness starts its own Redis server.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIELDS = {"name", "value", "unit", "baseline", "ratio", "target", "met", "min", "max", "runs"}


@pytest.mark.redis
def test_quick_bench_writes_every_figure_with_its_baseline(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    figures = "publish,run_list,log_pane"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--repeats", "1", "--only", figures,
         "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=50, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text())
    assert {"cores", "python", "redis_server", "cpu"} <= document["machine"].keys()
    assert "--only" in document["command"]
    names = [figure["name"] for figure in document["figures"]]
    assert len(names) == 4  # publish, run list, log pane vs Log, log pane vs RichLog
    for figure in document["figures"]:
        assert figure.keys() >= FIELDS
        assert figure["value"] > 0
        assert figure["baseline"] > 0
        assert figure["min"] <= figure["value"] <= figure["max"]
        assert len(figure["runs"]) == 1
        assert isinstance(figure["met"], bool)
    for name in names:  # the table printed the same figures
        assert name in done.stdout
