"""The bare redis-py consumer the live figures compare against (runs in a thread).

``XREAD BLOCK 100 COUNT 1000`` in a loop on the run's stream, ``json.loads`` of every payload,
and for each entry the age of its ``sent_at`` (see ``bench.producer``) when it arrived. This is
the floor any viewer on the same Redis pays: transport, the server, one decode.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import redis


def consume(client: redis.Redis, key: bytes, stop: threading.Event) -> list[float]:
    """Ages (seconds) of every entry at arrival, until ``stop`` is set and the stream is drained."""
    ages: list[float] = []
    cursor: bytes = b"0-0"
    while True:
        reply: Any = client.xread({key: cursor}, count=1000, block=100)
        if not reply:
            if stop.is_set():
                return ages
            continue
        now = time.monotonic()
        entries = reply[0][1]
        for _entry_id, fields in entries:
            payload = json.loads(fields[b"p"])
            ages.append(now - float(payload["sent_at"]))
        cursor = entries[-1][0]
