"""The soak's apps press Enter in the palette only when the command they typed is the first
result (screens as tmux captured them, 2026-12-02)."""

from __future__ import annotations

from soak.apps import top_command

FILTERED = """\
 arena-tui ── in-process ── smoke 0a097c97… ── ● live ──── 02:34:48
▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔

  🔎 Focus runs


  Focus runs
  Move focus to the runs sidebar (tab)
▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁
"""

NOT_YET = """\
  🔎 Focus runs
  Charts
  World over turns, cost per turn, events/s across the run (i)
  Focus runs
  Move focus to the runs sidebar (tab)
"""


def test_the_typed_command_first_under_the_input_is_found() -> None:
    assert top_command(FILTERED) == "Focus runs"


def test_an_unfiltered_list_that_holds_the_command_lower_down_is_not_enough() -> None:
    assert NOT_YET.count("Focus runs") >= 2  # what the soak waited for before
    assert top_command(NOT_YET) == "Charts"


def test_no_palette_on_screen() -> None:
    assert top_command(" arena-tui ── ● live\n  seq kind") is None
