"""``make_broker()``: the arena runbook's backend selection, read at call time.

``ARENA_BROKER_BACKEND`` unset or ``inprocess`` (any case, whitespace stripped; ``in-process``
and ``in_process``, as the UI spells it, too) gives the in-process broker; ``redis`` gives Redis
Streams; anything else is a ``BrokerConfigError`` naming the valid values. The Redis URL is
``REDIS_URL`` if set (an empty or blank ``REDIS_URL=``, as a ``.env`` template leaves it, counts
as unset: it cannot name a server), else
``redis://:${REDIS_PASSWORD}@localhost:6379/0`` when a password is set, else
``redis://localhost:6379/0``. ``REDIS_USERNAME`` names the ACL user when the URL names none.
Nothing is read at import time, so a fresh call picks up a rotated
password. The Redis module (and redis-py) is imported only when that backend is chosen.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Literal
from urllib.parse import quote

from arena_tui.broker.errors import BrokerConfigError
from arena_tui.broker.protocol import EventBroker

Backend = Literal["inprocess", "redis"]
BACKENDS: tuple[Backend, ...] = ("inprocess", "redis")
BACKEND_ALIASES = {"in-process": "inprocess", "in_process": "inprocess"}
DEFAULT_PREFIX = "arena"
DEFAULT_MAX_LEN = 10_000


@dataclass(frozen=True, slots=True)
class BrokerSettings:
    """Everything needed to build a broker. ``repr`` never shows the password."""

    backend: Backend = "inprocess"
    redis_url: str = "redis://localhost:6379/0"
    key_prefix: str = DEFAULT_PREFIX
    max_len: int = DEFAULT_MAX_LEN
    redis_username: str | None = None
    """The ACL user when ``redis_url`` names none (``REDIS_USERNAME``)."""

    def __repr__(self) -> str:
        from arena_tui.broker.errors import mask_url

        return (
            f"BrokerSettings(backend={self.backend!r}, redis_url={mask_url(self.redis_url)!r}, "
            f"key_prefix={self.key_prefix!r}, max_len={self.max_len!r}, "
            f"redis_username={self.redis_username!r})"
        )

    @classmethod
    def from_mapping(cls, env: Mapping[str, str]) -> BrokerSettings:
        """Build settings from an environment-like mapping, with the runbook's rules."""
        raw_backend = env.get("ARENA_BROKER_BACKEND", "").strip().lower() or "inprocess"
        raw_backend = BACKEND_ALIASES.get(raw_backend, raw_backend)
        if raw_backend not in BACKENDS:
            raise BrokerConfigError(
                f"ARENA_BROKER_BACKEND={env.get('ARENA_BROKER_BACKEND', '')!r} is not a backend; "
                f"use one of: {', '.join(BACKENDS)} (unset means inprocess)"
            )
        backend: Backend = "redis" if raw_backend == "redis" else "inprocess"
        url = env.get("REDIS_URL", "").strip()
        if not url:
            password = env.get("REDIS_PASSWORD", "")
            url = (
                f"redis://:{quote(password, safe='')}@localhost:6379/0"
                if password
                else "redis://localhost:6379/0"
            )
        prefix = env.get("ARENA_KEY_PREFIX", "").strip() or DEFAULT_PREFIX
        raw_max = env.get("ARENA_MAX_LEN", "").strip()
        try:
            max_len = int(raw_max) if raw_max else DEFAULT_MAX_LEN
        except ValueError:
            raise BrokerConfigError(
                f"ARENA_MAX_LEN={raw_max!r} is not a whole number; unset it for {DEFAULT_MAX_LEN}"
            ) from None
        if max_len < 1:
            raise BrokerConfigError(f"ARENA_MAX_LEN must be at least 1, got {max_len}")
        username = env.get("REDIS_USERNAME", "").strip() or None
        return cls(
            backend=backend,
            redis_url=url,
            key_prefix=prefix,
            max_len=max_len,
            redis_username=username,
        )


def make_broker(
    settings: BrokerSettings | None = None,
    *,
    env: Mapping[str, str] | None = None,
    deferred: bool = False,
) -> EventBroker:
    """Build the configured broker. Without ``settings``, read ``env`` (default: os.environ).

    ``deferred``: a Redis broker is made (and redis-py imported) on its first use, its URL
    checked now (``broker.deferred``; the app paints its first frame before that).
    """
    if settings is None:
        settings = BrokerSettings.from_mapping(os.environ if env is None else env)
    if settings.backend == "redis" and deferred:
        from arena_tui.broker.deferred import DeferredBroker
        from arena_tui.broker.errors import url_display
        from arena_tui.broker.redis.url import parse_redis_url

        parse_redis_url(settings.redis_url)  # a bad URL fails here, as the broker's would
        return DeferredBroker(partial(make_broker, settings), url_display(settings.redis_url))
    if settings.backend == "redis":
        from arena_tui.broker.redis import RedisStreamsBroker

        return RedisStreamsBroker(
            settings.redis_url,
            key_prefix=settings.key_prefix,
            max_len=settings.max_len,
            username=settings.redis_username,
        )
    from arena_tui.broker.inprocess import InProcessBroker

    return InProcessBroker(max_len=settings.max_len)
