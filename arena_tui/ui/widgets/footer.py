"""Textual's ``Footer`` without its leak: every recompose left the old keys alive for good.

``Footer.compose`` binds each ``FooterKey`` with ``data_bind(compact=Footer.compact)``, which
stores ``(key, setter)`` in the footer's own watcher list. Textual prunes that list only when
``compact`` changes, which in this app it never does; and the footer recomposes on every change
of the active bindings (a focus move, a run switch, the palette). So every recompose kept its
dozen keys, their styles and message queues reachable from the footer: about 1 MiB of a run
switch, for the life of the app (the 30-minute soak: RSS +3-5 MiB a minute in every app).
Reported upstream as Textualize/textual#6666; this prunes after each recompose instead.
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    async def recompose(self) -> None:
        await super().recompose()
        self.prune_watchers()

    def prune_watchers(self) -> None:
        """Drop the watchers of widgets that have left the DOM (the keys of earlier composes)."""
        watchers: dict[str, list[tuple[object, object]]] = getattr(self, "__watchers", {})
        for entries in watchers.values():
            entries[:] = [
                (node, callback)
                for node, callback in entries
                if not (getattr(node, "_closing", False) or getattr(node, "_closed", False))
            ]
