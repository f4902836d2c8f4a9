"""The soak's short mode, exactly as ``just soak --seconds 45 --short`` runs it.

About a minute of faults (one of each kind) on a private Redis, with the real producers,
``tail --jsonl`` consumers and apps in tmux; the run fails (exit 1) if the checker finds a
lost or duplicated seq, an app whose screen disagrees with Redis, or a leak. The report it
writes is checked too, so a harness that silently checked nothing would fail here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.redis, pytest.mark.e2e]


@pytest.mark.timeout(420)
def test_short_soak_accounts_for_every_acked_seq(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "soak",
            "--seconds",
            "45",
            "--short",
            "--seed",
            "11",
            "--out",
            str(tmp_path),
            "--name",
            "short",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    report = json.loads((tmp_path / "short.json").read_text())
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert report["passed"], report["failures"]
    check = report["check"]
    assert check["lost_by_arena_tui"] == 0
    assert check["duplicates"] == 0
    assert check["acked_seqs_checked"] >= 1000
    assert check["events_delivered"] >= 500
    assert report["faults_done"] >= 5
    assert len(report["faults_by_kind"]) >= 5
    assert {view["role"] for view in report["end"]["apps_final"]} == {
        "follow",
        "scrollback",
        "replay",
    }
    for view in report["end"]["apps_final"]:
        assert view["newest_seq"] == view["redis_last_seq"] is not None
    assert (tmp_path / "short.svg").read_text().startswith("<svg")
    assert "PASSED" in done.stdout
