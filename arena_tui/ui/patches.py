"""Two fixes to Textual, applied when ``ui.app`` is imported, until the pinned release has them.

**The cache that kept widgets alive.** ``textual._styles_cache.StylesCache.get_inner_outer`` is
an instance method under ``functools.lru_cache(1024)``, so the ``StylesCache`` itself is part of
every cache key: the cache keeps the last 1,024 ``StylesCache`` objects alive after their
widgets are gone, each with every ``Strip`` it rendered and their crop caches
(Textualize/textual#6665). This app makes and drops widgets all the time (the charts screen, ~60
widgets an opening; the palette; the footer on every focus move), so that was up to ~22 MiB held
for nothing: the soak's apps grew ~1.3 MiB an opening of the charts screen. The method uses
neither ``self`` nor its class; this puts a cache keyed on the two colours alone in its place
(same results, same size).

**The frame that came an interval late.** The screen paints on a ``skip`` timer (60 a second)
that it pauses after each paint and resumes when something is dirty. Resumed after a pause, the
timer ticks at once (good: the first change paints now), then skips the grid points it missed
with ``count = int((now - start) / interval + 1)`` and ``continue``, and the loop's ``start +
(count + 1) * interval`` lands one interval past the next grid point. So the frame after an
immediate one waited 16.7 to 33 ms instead of at most 16.7. A seek paints twice (the prompt
closing, then the page the seek read): its second frame waited ~17 ms more than it needed, a
third of its time (bench figure 4: p50 42 -> 30 ms). ``_timer_run`` is Textual's ``Timer._run``
with ``count = int((now - start) / interval)``.

Unit tests check each replaced method is still the one this was written against (its signature,
or its source's digest), so a Textual upgrade that changes one fails there, not silently.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from functools import lru_cache

from textual import _time
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style
from textual.timer import EventTargetGone, Timer


@lru_cache(1024)
def inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    """What ``StylesCache.get_inner_outer`` returns: the inner and outer background styles."""
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(
    self: StylesCache, base_background: Color, background: Color
) -> tuple[Style, Style]:
    return inner_outer(base_background, background)


ORIGINAL = StylesCache.__dict__["get_inner_outer"]
"""Textual's own method (its ``lru_cache`` wrapper), kept for the test that compares them."""


async def _timer_run(self: Timer) -> None:
    """Textual 8.2.8's ``Timer._run`` (BSD-licensed), but for the skip's count (see above)."""
    count = 0
    _repeat = self._repeat
    _interval = self._interval
    self._active  # Force instantiation in same thread  # noqa: B018
    await self._active.wait()
    start = _time.get_time()

    while _repeat is None or count <= _repeat:
        next_timer = start + ((count + 1) * _interval)
        now = _time.get_time()
        if self._skip and next_timer < now:
            count = int((now - start) / _interval)  # Textual: ... / _interval + 1
            continue
        now = _time.get_time()
        wait_time = max(0, next_timer - now)
        await _time.sleep(wait_time)
        count += 1
        await self._active.wait()
        if self._reset:
            start = _time.get_time()
            count = 0
            self._reset = False
            continue
        try:
            await self._tick(next_timer=next_timer, count=count)
        except EventTargetGone:
            break


TIMER_RUN = Timer.__dict__["_run"]
"""Textual's own ``Timer._run``, for the test that checks it is still the one replaced."""
TIMER_RUN_DIGEST = "60c942a84c1a8765932ea4fe897d61a94d0a74dcd249ec0b4a6aad75757ade50"
"""sha256 of the source of Textual 8.2.8's ``Timer._run``."""


def source_digest(function: Callable[..., object]) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


def apply() -> None:
    """Put the fixes in place (``ui.app`` does, when it is imported; calling it again is
    harmless)."""
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign,assignment]
    Timer._run = _timer_run  # type: ignore[method-assign]
