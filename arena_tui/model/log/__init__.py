"""The log pane's state: a bounded window of rows around the cursor, and every rule about it.

Why it looks like this. A run can be millions of events long, the broker keeps only the newest
~10k, and a live tail can deliver thousands a second. So the view holds at most ``max_rows``
rows (events plus gap and mark rows) of one contiguous seq range, and asks for more by range
reads when the cursor leaves it. The view never does I/O itself: a transition that needs data
sets ``want`` to a ``Fetch`` (what to read and why); the UI performs the read and hands the
result back to ``on_fetched``, which ignores results for anything but the latest request. That
keeps every rule (follow, pause and its ``+N new`` count, scrub, seek, overflow, holes) a pure
function from state to state, tested without a terminal.

Invariants a reader can rely on:

* ``rows`` are in seq order and contiguous: any seq between two rows that is not shown is
  covered by a ``GapRow`` that says why.
* ``at_head`` means the last row is the newest event the tail delivered, so live events are
  appended; otherwise they are only counted (``new_count``) and reached by a read.
* ``lost`` is the union of every seq range this view showed or jumped over as trimmed, so the
  status bar's "lost to trim" agrees with the gap rows and the toasts.

The package follows the view's own sections; ``LogView`` (``view.py``) holds the fields and
names every transition, and each transition lives with its kind:

* ``requests``: what the view asks of the app: a ``Fetch`` (and its ``Purpose``), a ``Toast``;
* ``live``: what the tail brings (events, trims, reconnects, resets, the end of the run);
* ``moves``: what the user does (move, page, scroll, follow, seek, turn steps);
* ``reads``: a ``Fetch``'s result coming back (a new window, a page above or below);
* ``edits``: the small steps every transition is made of (ask, tell, append, trim, settle);
* ``disk``: the run's log rows shown unnumbered above a trimmed start they do not line up with;
* ``layout`` and ``navigator`` beside them: the filter/wrap projection of the rows onto display
  lines, and moving in that projection (the pane draws and steps through them).
"""

from arena_tui.model.log.requests import MAX_ROWS, PAGE, Fetch, Purpose, Toast
from arena_tui.model.log.view import LogView

__all__ = ["MAX_ROWS", "PAGE", "Fetch", "LogView", "Purpose", "Toast"]
