"""One fix to Textual, applied when ``ui.app`` is imported, until the pinned release has it.

``textual._styles_cache.StylesCache.get_inner_outer`` is an instance method under
``functools.lru_cache(1024)``, so the ``StylesCache`` itself is part of every cache key: the
cache keeps the last 1,024 ``StylesCache`` objects alive after their widgets are gone, each with
every ``Strip`` it rendered and their crop caches (Textualize/textual#6665). This app makes and
drops widgets all the time (the charts screen, ~60 widgets an opening; the palette; the footer
on every focus move), so that was up to ~22 MiB held for nothing: the soak's apps grew ~1.3 MiB
an opening of the charts screen. The method uses neither ``self`` nor its class; this puts a
cache keyed on the two colours alone in its place (same results, same size).

A unit test checks the method still has the signature and result this replaces, so a Textual
upgrade that changes it fails there, not silently.
"""

from __future__ import annotations

from functools import lru_cache

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style


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


def apply() -> None:
    """Put the fix in place (``ui.app`` does, when it is imported; calling it again is harmless)."""
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign,assignment]
