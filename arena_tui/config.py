"""The app's settings: one frozen object built from a mapping, so tests need no environment.

The ``cli`` package is the only place that loads ``.env`` and reads ``os.environ``; it hands the
mapping to ``Settings.from_mapping`` and passes the result down. Variables (see ``env.example``):

==========================  ===============================================================
ARENA_BROKER_BACKEND        ``inprocess`` (default) or ``redis``
REDIS_URL / REDIS_PASSWORD  where Redis is (see ``broker.factory``)
REDIS_USERNAME              the Redis ACL user, when ``REDIS_URL`` names none
ARENA_KEY_PREFIX            key prefix, default ``arena``
ARENA_MAX_LEN               MAXLEN ~ for streams this process writes, default 10000
ARENA_STALE_AFTER           seconds of silence before an open run is called stale (30)
ARENA_LOGS_ROOT             where the arena's DuckDB logs are (default ``logs/arena``,
                            relative to the working directory, like the arena's server)
ARENA_TUI_DEMO              ``0`` to not start the built-in arena on the in-process broker
ARENA_TUI_DEBUG             ``1`` to show a traceback instead of a one-line error (cli only)
==========================  ===============================================================
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from arena_tui.broker.cold.layout import DEFAULT_LOGS_ROOT, logs_root
from arena_tui.broker.errors import BrokerConfigError
from arena_tui.broker.factory import BrokerSettings
from arena_tui.broker.protocol import DEFAULT_STALE_AFTER

_TRUE = frozenset({"", "1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True, slots=True)
class Settings:
    broker: BrokerSettings = field(default_factory=BrokerSettings)
    stale_after: float = DEFAULT_STALE_AFTER
    demo: bool = True
    """Start the built-in synthetic arena when the broker is in-process."""
    logs_root: Path = Path(DEFAULT_LOGS_ROOT)
    """Where the arena's DuckDB logs are read from (``ARENA_LOGS_ROOT``, ``--logs-root``)."""

    @classmethod
    def from_mapping(cls, env: Mapping[str, str]) -> Settings:
        """Settings from an environment-like mapping; a bad value names its variable."""
        raw_stale = env.get("ARENA_STALE_AFTER", "").strip()
        try:
            stale_after = float(raw_stale) if raw_stale else DEFAULT_STALE_AFTER
        except ValueError:
            stale_after = math.nan
        if not (stale_after > 0 and math.isfinite(stale_after)):
            raise BrokerConfigError(
                f"ARENA_STALE_AFTER={raw_stale!r} is not a positive number of seconds; "
                f"unset it for {DEFAULT_STALE_AFTER:g}"
            )
        raw_demo = env.get("ARENA_TUI_DEMO", "").strip().lower()
        if raw_demo not in _TRUE | _FALSE:
            raise BrokerConfigError(
                f"ARENA_TUI_DEMO={env.get('ARENA_TUI_DEMO', '')!r} is not a yes/no value; "
                "use 1 or 0 (unset means 1)"
            )
        return cls(
            broker=BrokerSettings.from_mapping(env),
            stale_after=stale_after,
            demo=raw_demo not in _FALSE,
            logs_root=logs_root(env),
        )

    @property
    def embedded_demo(self) -> bool:
        """Whether the app should run the synthetic arena in its own process."""
        return self.demo and self.broker.backend == "inprocess"
