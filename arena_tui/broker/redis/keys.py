"""The arena's key layout: three keys per run, ``<prefix>:run:<run_id>:{open,seq,events}``.

A run id is recovered from a key by cutting the fixed head and one of the three tails, never by
splitting on ``:`` (ids may contain it), and ids may hold SCAN MATCH glob characters, so the
prefix is escaped before it is used in a pattern. Ids are bytes on the wire; they round-trip
through ``str`` with ``surrogateescape`` so a non-UTF-8 id still names its own keys.
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN_TTL_S = 21_600
"""The ``:open`` sentinel's TTL: 6 h, set at open and never renewed."""

SUFFIXES = (b":open", b":seq", b":events")
_GLOB_SPECIAL = b"\\*?[]"


def glob_escape(raw: bytes) -> bytes:
    """Escape ``\\ * ? [ ]`` so ``raw`` matches only itself in a SCAN MATCH pattern."""
    out = bytearray()
    for byte in raw:
        if byte in _GLOB_SPECIAL:
            out += b"\\"
        out.append(byte)
    return bytes(out)


def encode_id(run_id: str) -> bytes:
    return run_id.encode("utf-8", "surrogateescape")


def decode_id(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


@dataclass(frozen=True, slots=True)
class RunKeys:
    """The three keys of one run."""

    open: bytes
    seq: bytes
    events: bytes


class KeyLayout:
    """Keys of every run under one prefix, and the way back from a key to its run."""

    __slots__ = ("head", "prefix")

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.head = encode_id(prefix) + b":run:"

    def keys(self, run_id: str) -> RunKeys:
        base = self.head + encode_id(run_id)
        return RunKeys(open=base + b":open", seq=base + b":seq", events=base + b":events")

    def run_id_of(self, key: bytes) -> tuple[str, bytes] | None:
        """``(run_id, suffix)`` of one of our keys, else ``None``."""
        if not key.startswith(self.head):
            return None
        for suffix in SUFFIXES:
            if key.endswith(suffix) and len(key) > len(self.head) + len(suffix):
                return decode_id(key[len(self.head) : -len(suffix)]), suffix
        return None

    def pattern(self, suffix: bytes = b"") -> bytes:
        """A SCAN MATCH pattern for every key of every run (ending in ``suffix`` if given)."""
        return glob_escape(self.head) + b"*" + glob_escape(suffix)
