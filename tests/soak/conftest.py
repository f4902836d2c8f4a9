"""The soak (``soak/`` at the top of the repo, like ``bench/``) is not an installed package:
put the repo root first on ``sys.path`` so ``import soak`` finds it (and not this folder)."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if sys.path[0] != ROOT:
    sys.path.insert(0, ROOT)
