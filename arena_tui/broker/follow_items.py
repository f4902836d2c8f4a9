"""What ``follow()`` yields: a small closed set of frozen items, the tail's one vocabulary.

A reader of a run sees events and, between them, what happened to the stream: it was found
(``Following``), seqs were never written (``Hole``), trimmed (``Overflow``), the broker went and
came back (``Reconnecting``, ``Reconnected``), the run started over (``Reset``), the password
was refused (``AuthFailed``), the run ended (``Finished``). These types are the contract
between ``broker.follow``, which makes them, and every consumer, which matches on them: the
CLI prints them, the export writes them, the model keeps them as records and the log shows
them as rows. Most consumers never follow anything themselves, so the types stand apart from
the loop and its retries, and a change to how ``follow`` reads does not touch their imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from arena_tui.broker.models import Envelope, Seq


@dataclass(frozen=True, slots=True)
class Following:
    """The run exists and the broker answers: reading starts at ``from_seq`` (yielded once)."""

    from_seq: Seq
    is_open: bool = field(default=True, compare=False)
    """The run's ``:open`` sentinel was there: a closed run is not called live (issue 10)."""


@dataclass(frozen=True, slots=True)
class Batch:
    envelopes: tuple[Envelope, ...]


@dataclass(frozen=True, slots=True)
class Hole:
    from_seq: Seq
    to_seq: Seq


@dataclass(frozen=True, slots=True)
class Overflow:
    requested_seq: Seq
    available_from: Seq

    @property
    def lost(self) -> int:
        return max(0, self.available_from - self.requested_seq)


@dataclass(frozen=True, slots=True)
class Reconnecting:
    attempt: int
    next_in_s: float
    error_message: str


@dataclass(frozen=True, slots=True)
class Reconnected:
    after_s: float
    resumed_from: Seq


@dataclass(frozen=True, slots=True)
class AuthFailed:
    message: str


@dataclass(frozen=True, slots=True)
class Reset:
    last_seen_seq: Seq
    new_last_seq: Seq


@dataclass(frozen=True, slots=True)
class Finished:
    last_seq: Seq


FollowItem = (
    Following | Batch | Hole | Overflow | Reconnecting | Reconnected | AuthFailed | Reset | Finished
)
Notice = Overflow | Hole | Reconnected | Reset | Finished
"""What ``follow()`` reports between events that a reader of the run must see: the CLI prints
them, the export writes them, and the log shows them as gap and mark rows."""
