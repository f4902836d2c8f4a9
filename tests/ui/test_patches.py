"""``ui.patches``: Textual's ``StylesCache.get_inner_outer`` with the same results, and its
``Timer._run`` without the interval-late tick after a pause."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

import pytest
import textual.timer
from textual import _time
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.timer import EventTargetGone, Timer

from arena_tui.ui import patches
from arena_tui.ui.app import ArenaApp

COLOURS = [
    (Color(18, 18, 18), Color(0, 0, 0, 0)),
    (Color(18, 18, 18), Color(40, 80, 120, 0.5)),
    (Color(255, 255, 255), Color(1, 2, 3)),
]


def test_the_replacement_gives_textuals_results_for_the_same_colours() -> None:
    cache = StylesCache()
    for base, background in COLOURS:
        assert patches.inner_outer(base, background) == patches.ORIGINAL(cache, base, background)


def test_textuals_method_still_has_the_signature_the_patch_replaces() -> None:
    wrapped = inspect.unwrap(patches.ORIGINAL)
    assert list(inspect.signature(wrapped).parameters) == ["cls", "base_background", "background"]


def test_importing_the_app_puts_the_patch_in_place() -> None:
    assert ArenaApp.TITLE == "arena-tui"
    assert StylesCache.get_inner_outer is not patches.ORIGINAL
    assert StylesCache().get_inner_outer(*COLOURS[1]) == patches.inner_outer(*COLOURS[1])


def test_textuals_timer_run_is_still_the_one_the_patch_replaces() -> None:
    assert patches.source_digest(patches.TIMER_RUN) == patches.TIMER_RUN_DIGEST


class FakeClock:
    """Textual's ``_time`` for one timer: ``sleep`` moves the clock on at once."""

    def __init__(self) -> None:
        self.now = 0.0

    def get_time(self) -> float:
        return self.now

    async def sleep(self, secs: float) -> None:
        self.now += max(0.0, secs)
        await asyncio.sleep(0)


async def turns_until(condition: Callable[[], bool]) -> None:
    """Let the timer's task run until ``condition`` (it never waits on the real clock)."""
    for _ in range(1_000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("the timer never got there")


async def ticks_after_a_pause(monkeypatch: pytest.MonkeyPatch, run: Any) -> list[float]:
    """A 10 s ``skip`` timer paints at 10 and pauses (as the screen's does after a paint); at
    35 something is dirty and it is resumed: when does it tick then, and next?"""
    clock = FakeClock()
    monkeypatch.setattr(_time, "get_time", clock.get_time)
    monkeypatch.setattr(_time, "sleep", clock.sleep)
    monkeypatch.setattr(textual.timer, "sleep", clock.sleep)  # Textual's own imports it
    timer = Timer(clock, 10, callback=lambda: None, skip=True)  # type: ignore[arg-type]
    ticks: list[float] = []

    async def tick(*, next_timer: float, count: int) -> None:
        ticks.append(clock.now)
        timer.pause()
        if len(ticks) == 3:
            raise EventTargetGone

    timer._tick = tick  # type: ignore[method-assign]
    task = asyncio.create_task(run(timer))
    await turns_until(lambda: len(ticks) == 1 and clock.now >= 20)  # painted at 10, paused
    clock.now = 35.0
    timer.resume()
    await turns_until(lambda: len(ticks) == 2)
    timer.resume()  # dirty again right after that paint
    await task
    return ticks


async def test_a_resumed_timer_ticks_at_the_next_interval_not_the_one_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert await ticks_after_a_pause(monkeypatch, patches._timer_run) == [10, 35, 40]


async def test_textuals_own_timer_ticks_an_interval_late(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the patch is for: the same timer with Textual's ``_run`` (if this fails, Textual
    fixed it: drop the patch)."""
    assert await ticks_after_a_pause(monkeypatch, patches.TIMER_RUN) == [10, 35, 50]


def test_importing_the_app_puts_the_timer_patch_in_place() -> None:
    assert Timer._run is patches._timer_run
