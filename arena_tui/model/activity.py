"""Events per second of each run, from successive ``list_runs`` polls, as a sidebar sparkline.

The sidebar polls the broker every second or two; each poll gives every run's ``last_seq``. The
difference between two polls over the time between them is that run's rate for the interval
(a seq counter never goes down; a run that was reaped and recreated starts a fresh history).
``Activity`` keeps the last ``SAMPLES`` rates per run and draws them with block characters on
one logarithmic scale shared by every run (the busiest rate seen is a full block), so runs can
be compared at a glance and a slow run still shows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from arena_tui.broker.models import RunInfo, Seq

SAMPLES = 8
BARS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True, slots=True)
class Activity:
    seen: Mapping[str, tuple[float, Seq]] = field(default_factory=lambda: MappingProxyType({}))
    """Per run: when it was last polled (monotonic s) and its ``last_seq`` then."""
    rates: Mapping[str, tuple[float, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def polled(self, infos: Iterable[RunInfo], now: float) -> Activity:
        """Fold in one poll; runs no longer listed are forgotten."""
        seen: dict[str, tuple[float, Seq]] = {}
        rates: dict[str, tuple[float, ...]] = {}
        for info in infos:
            seen[info.run_id] = (now, info.last_seq)
            history = self.rates.get(info.run_id, ())
            before = self.seen.get(info.run_id)
            if before is not None and now > before[0]:
                then, last = before
                if info.last_seq < last:
                    history = ()  # recreated: a new run under the same id
                else:
                    history = (*history, (info.last_seq - last) / (now - then))[-SAMPLES:]
            rates[info.run_id] = history
        return Activity(MappingProxyType(seen), MappingProxyType(rates))

    def spark(self, run_id: str, width: int = SAMPLES) -> str:
        """The run's recent rates as ``width`` block characters (blank where none yet)."""
        peak = max((max(h, default=0.0) for h in self.rates.values()), default=0.0)
        return sparkline(self.rates.get(run_id, ()), width, peak=peak)

    def rate(self, run_id: str) -> float | None:
        history = self.rates.get(run_id, ())
        return history[-1] if history else None


def sparkline(values: Iterable[float], width: int = SAMPLES, *, peak: float | None = None) -> str:
    """Block characters for ``values`` (the newest last), right-aligned in ``width`` cells.

    Heights are ``log1p(v) / log1p(peak)`` (``peak``: the values' own maximum by default); a
    zero rate is a blank, any positive rate at least the lowest block.
    """
    recent = list(values)[-width:]
    top = math.log1p(max(peak if peak is not None else 0.0, *recent, 0.0))
    top_bar = len(BARS) - 1
    bars = "".join(
        " " if v <= 0 else BARS[min(top_bar, round(math.log1p(v) / top * top_bar))] for v in recent
    )
    return bars.rjust(width)
