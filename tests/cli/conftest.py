"""The ``cli`` fixture: the real console script, run in the test's temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import Cli, make_cli


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return make_cli(tmp_path)
