"""The fault schedule (seeded, printed in the report) and how each fault is done.

``schedule`` draws the faults up front from the seed: kind and start time (exponential gaps
around the mean interval, at least ``MIN_GAP_S`` apart), and each fault's own parameters.
Faults run one at a time: a fault is over when what it broke is back (Redis answers again,
the apps and tails restarted with a rotated password), so every fault starts on a cluster
that has recovered from the one before. Every fault done is logged with its start and end.
"""

from __future__ import annotations

import os
import random
import signal
import time
from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = (
    "kill9",  # kill -9 redis-server, start it again (same port, dir, password)
    "sigstop",  # SIGSTOP 2-15 s, then SIGCONT: a stalled server, socket timeouts
    "client_kill",  # CLIENT KILL of every viewer connection (apps and tails)
    "rotate",  # CONFIG SET requirepass; viewers restarted with the new password
    "debug_sleep",  # DEBUG SLEEP 0.5-7 s
    "producer_kill",  # kill -9 one producer mid-run: its run is left open, stale
    "flush",  # DEL one open run's three keys while it is being read
)
WEIGHTS = {
    "kill9": 3,
    "sigstop": 2,
    "client_kill": 3,
    "rotate": 1,
    "debug_sleep": 2,
    "producer_kill": 2,
    "flush": 2,
}
MIN_GAP_S = 4.0


@dataclass
class Fault:
    index: int
    kind: str
    at: float
    """Seconds after the faults start (planned)."""
    params: dict[str, Any] = field(default_factory=dict)
    started: float | None = None
    ended: float | None = None
    """Monotonic times, when done."""
    detail: str = ""
    phase: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def schedule(
    seed: int,
    seconds: float,
    mean_gap: float,
    *,
    quiet_tail: float,
    kinds: tuple[str, ...] = KINDS,
) -> list[Fault]:
    """Faults over ``seconds``, ``mean_gap`` apart on average (each gap drawn between half and
    one and a half times it); every kind at least once when there are enough faults; no
    rotation in the last ``quiet_tail`` seconds (so the apps' last lives, which a rotation
    restarts, are long enough to judge their memory)."""
    rng = random.Random(f"faults:{seed}")
    faults: list[Fault] = []
    at = rng.uniform(MIN_GAP_S, mean_gap)
    weights = [WEIGHTS[k] for k in kinds]
    while at < seconds:
        faults.append(Fault(len(faults), rng.choices(list(kinds), weights)[0], round(at, 2)))
        at += max(MIN_GAP_S, rng.uniform(0.5, 1.5) * mean_gap)
    # every kind at least once: replace the most frequent kind's latest draws
    for kind in kinds:
        if not any(f.kind == kind for f in faults) and faults:
            counts = {k: sum(f.kind == k for f in faults) for k in kinds}
            common = max(counts, key=lambda k: counts[k])
            candidates = [f for f in faults if f.kind == common]
            candidates[len(candidates) // 2].kind = kind
    for fault in faults:
        if fault.kind == "rotate" and fault.at > seconds - quiet_tail and len(kinds) > 1:
            fault.kind = next(k for k in kinds if k != "rotate")
        fault.params = _params(rng, fault.kind)
    return faults


def _params(rng: random.Random, kind: str) -> dict[str, Any]:
    if kind == "sigstop":
        return {"seconds": round(rng.uniform(2, 15), 1)}
    if kind == "debug_sleep":
        return {"seconds": round(rng.uniform(0.5, 7), 1)}
    if kind in ("producer_kill", "flush", "client_kill"):
        return {"pick": rng.random()}
    return {}


def stop_cont(pid: int, seconds: float) -> None:
    os.kill(pid, signal.SIGSTOP)
    try:
        time.sleep(seconds)
    finally:
        os.kill(pid, signal.SIGCONT)
