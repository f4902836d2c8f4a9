"""Stream replies as Redis sends them: entries decoded straight from their field lists.

redis-py turns every ``XRANGE``/``XREVRANGE``/``XREAD`` entry into an ``(id, dict)`` pair in
Python (``parse_stream_list``), and the codec then looked each field up in that dict: on a
200,000-event catch-up those dicts cost about a seventh of the decoding. Every client the
backend builds therefore keeps these three replies raw (RESP2: ``[id, [name, value, ...]]``)
and ``decode`` reads each entry with ``codec.decode_flat``. Elsewhere the backend reads ids
only (``[0]`` either way) and, in the listing, one field (``value``). A reply that still comes
as dicts (a client redis-py built without our callbacks, such as a cluster's node clients if
it ever copies them) decodes the old way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from arena_tui.broker import codec
from arena_tui.broker.models import Envelope

RAW = ("XRANGE", "XREVRANGE", "XREAD", "XINFO STREAM")

Entry = tuple[bytes, Sequence[bytes] | Mapping[bytes, bytes]]


def _as_sent(response: Any, **_options: Any) -> Any:
    return response


def keep_raw(client: Any) -> Any:
    """``client`` (a ``redis.asyncio`` Redis or RedisCluster) with stream replies left raw."""
    for command in RAW:
        client.set_response_callback(command, _as_sent)
    return client


def decode(entries: Iterable[Entry]) -> list[Envelope]:
    """Every entry of a raw (or, failing that, redis-py-parsed) stream reply, in order."""
    return [
        codec.decode_flat(raw_id, fields)
        if type(fields) is list
        else codec.decode_entry(raw_id, fields)  # type: ignore[arg-type]  # a dict then
        for raw_id, fields in entries
    ]


def value(fields: Sequence[bytes] | Mapping[bytes, bytes], name: bytes) -> bytes | None:
    """One field of a raw (or parsed) entry; the last one if the name repeats, as in a dict."""
    if isinstance(fields, Mapping):
        return fields.get(name)
    found = None
    for i in range(0, len(fields) - 1, 2):
        if fields[i] == name:
            found = fields[i + 1]
    return found
