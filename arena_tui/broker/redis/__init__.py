"""The Redis Streams backend, byte-compatible with the arena's broker (``wire-format.md``).

::

    broker.py      RedisStreamsBroker: the EventBroker methods, each a few commands
    keys.py        the key layout (OPEN_TTL_S, RunKeys, glob escaping); imports nothing of ours
    connection.py  the shared clients, the tails' private ones, awaiting a command
    listing.py     list_runs and live_runs
    tail.py        stream_batches: bounded blocking reads, overflow probes
    scripts.py     server-side Lua (the atomic publish, the listing summaries)
    url.py         redis:// and rediss:// URLs, parsed without leaking a password
    errors.py      redis-py's exceptions -> BrokerError, the retry policy
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from arena_tui.broker.redis.keys import OPEN_TTL_S, RunKeys

if TYPE_CHECKING:
    from arena_tui.broker.redis.broker import RedisStreamsBroker

__all__ = ["OPEN_TTL_S", "RedisStreamsBroker", "RunKeys"]


def __getattr__(name: str) -> Any:
    """``RedisStreamsBroker`` (and with it redis-py, ~55 ms of imports) is loaded on first use,
    so ``url`` and ``keys`` can be imported without it (``broker.deferred``)."""
    if name == "RedisStreamsBroker":
        from arena_tui.broker.redis.broker import RedisStreamsBroker

        return RedisStreamsBroker
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
