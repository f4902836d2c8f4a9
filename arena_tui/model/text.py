"""Make text from events safe to put on a terminal.

Events come from agents, and agents write anything: ANSI CSI and OSC sequences (an OSC 52 write
would set the user's clipboard, an OSC 0 their window title), bare ESC, BEL, backspace and
carriage returns that overwrite what is already on screen, bidi overrides that reorder a line
(Trojan Source), zero-width characters that hide text. ``safe_text`` turns every such character
into a visible escape (``\\x1b``, ``\\u202e``), so the user sees literally what the agent wrote
and the terminal sees nothing it would act on. Rich markup (``[red]``) is not touched here: the
UI never parses markup from event text (it builds ``rich.text.Text`` objects), so brackets are
shown as they are.
"""

from __future__ import annotations

import re

# Every Unicode format (Cf) character a terminal or the bidi algorithm acts on, line and
# paragraph separators, lone surrogates; C0/C1 controls and DEL are added below.
_FORMAT_CLASS = (
    "\x7f-\x9f"
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb"
    "\ud800-\udfff"
    "\U000110bd\U000110cd\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
_UNSAFE = re.compile(f"[\x00-\x1f{_FORMAT_CLASS}]")
_UNSAFE_KEEP_NL = re.compile(f"[\x00-\x09\x0b-\x1f{_FORMAT_CLASS}]")

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def safe_text(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every character a terminal would act on replaced by a visible escape.

    With ``keep_newlines`` a plain ``\\n`` stays a line break (for multi-line views such as the
    detail pane); everything else, ``\\r`` and ``\\t`` included, is escaped.
    """
    pattern = _UNSAFE_KEEP_NL if keep_newlines else _UNSAFE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


def is_safe(text: str) -> bool:
    """Whether ``text`` has nothing ``safe_text`` would escape (single-line rules)."""
    return _UNSAFE.search(text) is None


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, with an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"
