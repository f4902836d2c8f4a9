"""The arena's event broker: models, one error tree, the protocol, codec and backends.

This package imports neither Textual nor Rich; the Redis backend is imported lazily by
``make_broker`` so the in-process path never loads redis-py.
"""

from arena_tui.broker.errors import (
    BrokerAuthError,
    BrokerClosedError,
    BrokerConfigError,
    BrokerError,
    BrokerOverflowError,
    BrokerPermissionError,
    BrokerUnavailableError,
    RunNotFoundError,
    mask_url,
)
from arena_tui.broker.models import (
    KNOWN_KINDS,
    Envelope,
    Event,
    ReadResult,
    RunId,
    RunInfo,
    RunMeta,
    RunStatus,
    Seq,
)
from arena_tui.broker.protocol import DEFAULT_STALE_AFTER, Direction, EventBroker

__all__ = [
    "DEFAULT_STALE_AFTER",
    "KNOWN_KINDS",
    "BrokerAuthError",
    "BrokerClosedError",
    "BrokerConfigError",
    "BrokerError",
    "BrokerOverflowError",
    "BrokerPermissionError",
    "BrokerUnavailableError",
    "Direction",
    "Envelope",
    "Event",
    "EventBroker",
    "ReadResult",
    "RunId",
    "RunInfo",
    "RunMeta",
    "RunNotFoundError",
    "RunStatus",
    "Seq",
    "mask_url",
]
