"""``ui.frames``: the collector's young generation is collected less often while a backlog is
read, and at the process's own pace again once the tail is live, the run changes or the screen
goes (bench figure 1: a 200,000-event catch-up spent 0.31 s of 1.8 in ~1,900 collections)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from arena_tui.ui import frames
from arena_tui.ui.frames import BEHIND, CATCH_UP_YOUNG, LiveFrames


class _Pane:
    def refresh(self) -> None:
        pass


class _Timer:
    def stop(self) -> None:
        pass


class _Screen:
    """What ``LiveFrames`` asks of the watch screen: a log pane to refresh and timers."""

    closing = False
    log_pane = _Pane()

    def set_timer(self, _delay: float, _callback: Callable[[], None]) -> _Timer:
        return _Timer()


@pytest.fixture(autouse=True)
def pace_restored() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)


def _frames(applied: list[int]) -> LiveFrames:
    screen: Any = _Screen()
    return LiveFrames(screen, lambda batch: applied.append(len(batch)))


def test_a_backlog_raises_the_young_threshold_and_live_frames_restore_it(
    pace_restored: tuple[int, int, int],
) -> None:
    applied: list[int] = []
    live = _frames(applied)
    backlog: list[Any] = [None] * BEHIND

    live.add(backlog)
    live.flush()
    assert gc.get_threshold() == (CATCH_UP_YOUNG, *pace_restored[1:])

    live.add([None] * 3)  # type: ignore[list-item]  # apply ignores what the events are
    live.flush()
    assert gc.get_threshold() == pace_restored
    assert applied == [BEHIND, 3]


def test_a_run_switch_or_the_screen_closing_mid_backlog_restores_it(
    pace_restored: tuple[int, int, int],
) -> None:
    live = _frames([])
    backlog: list[Any] = [None] * BEHIND
    live.add(backlog)
    live.flush()
    assert gc.get_threshold()[0] == CATCH_UP_YOUNG

    live.clear()

    assert gc.get_threshold() == pace_restored


def test_the_pace_never_lowers_a_young_threshold_set_higher(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(frames, "_PACE", (10 * CATCH_UP_YOUNG, 10, 10))
    frames.catch_up_pace(True)
    assert gc.get_threshold() == (10 * CATCH_UP_YOUNG, 10, 10)
