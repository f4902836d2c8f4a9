"""The shared bench context: one private Redis server, sizes, repeats and interleaving.

``Bench`` owns the ``RedisServer`` (``tests/support/redis_server.py``, started on a free port with a
random password, never the machine's 6379) and hands every figure a fresh key prefix, so
figures never see each other's runs. ``interleave`` runs a figure and its baseline one after
the other, alternating which goes first, so that machine noise (the box is shared) hits both;
``rotate`` is the same loop for more than two (a figure against two baselines).
"""

from __future__ import annotations

import gc
import itertools
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from arena_tui.broker.redis import RedisStreamsBroker
from bench.report import Metrics

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.redis_server import RedisServer  # noqa: E402

__all__ = ["ROOT", "Bench", "RedisServer", "interleave", "rotate"]

Run = Callable[[], Awaitable[Metrics]]


@dataclass
class Bench:
    server: RedisServer
    quick: bool = False
    repeats: int = 5
    _prefixes: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def url(self) -> str:
        return str(self.server.url)

    def prefix(self, figure: str) -> str:
        """A key prefix no other figure (or repeat) uses."""
        return f"bench:{figure}:{next(self._prefixes)}"

    def broker(self, prefix: str, *, max_len: int = 10_000) -> RedisStreamsBroker:
        return RedisStreamsBroker(self.url, key_prefix=prefix, max_len=max_len)

    def size(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    def flush(self) -> None:
        """Empty the server between figures, so one figure's data cannot slow the next."""
        client = self.server.client()
        try:
            client.flushall()
        finally:
            client.close()

    def redis_version(self) -> str:
        client = self.server.client()
        try:
            info = client.info("server")
        finally:
            client.close()
        return str(info.get("redis_version", "unknown"))


async def rotate(jobs: Sequence[Run], repeats: int) -> list[list[Metrics]]:
    """``repeats`` runs of each job, the order rotating by one every repeat (A B C, B C A, ...),
    so that machine noise hits every job alike; the results collected per job, in its order."""
    results: list[list[Metrics]] = [[] for _ in jobs]
    for i in range(repeats):
        shift = i % len(jobs)
        for index in (*range(shift, len(jobs)), *range(shift)):
            gc.collect()
            results[index].append(await jobs[index]())
    return results


async def interleave(
    figure: Run, baseline: Run, repeats: int
) -> tuple[list[Metrics], list[Metrics]]:
    """``repeats`` runs of each, alternating order (F B, B F, F B, ...), collected apart."""
    runs, base = await rotate((figure, baseline), repeats)
    return runs, base
