"""``ui.patches`` replaces Textual's ``StylesCache.get_inner_outer`` with the same results."""

from __future__ import annotations

import inspect

from textual._styles_cache import StylesCache
from textual.color import Color

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
