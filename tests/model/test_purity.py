"""The broker, model and reading layers import neither Textual nor Rich (in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys


def test_broker_model_and_reading_do_not_import_textual_or_rich() -> None:
    code = (
        "import sys, pkgutil, importlib, arena_tui.model, arena_tui.broker, arena_tui.reading\n"
        "for pkg in (arena_tui.model, arena_tui.broker, arena_tui.reading):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in {'textual', 'rich'})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    assert out.stdout.strip() == ""
