"""The one raw writer of wire entries: an independent arena producer on plain redis-py.

It is written from ``shared/wire-format.md``, not from our codec, so tests that read what it
writes compare the broker with the wire format rather than with itself. ``entry()`` is the
seven fields of one stream entry, as bytes (override any, or drop some, to make a broken one).
``WireWriter`` does what the arena's producer does, two round trips per event: ``INCR
<prefix>:run:<id>:seq`` then ``XADD <prefix>:run:<id>:events MAXLEN ~ N <seq>-0 r a t k p ts v``;
``hole()`` is a producer that crashed between the two (the seq is taken and never written).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import redis

BASE_TS = datetime(2026, 6, 7, 12, 0, tzinfo=UTC)
AGENT = "9c1e0000aaaa4bbb8ccc0123456789ab"
OPEN_TTL_S = 21_600
"""The arena's ``:open`` key lives six hours (wire-format.md)."""

Fields = dict[bytes, bytes]


def _b(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


def payload_bytes(kind: str, payload: Mapping[str, Any]) -> bytes:
    """The ``p`` field the arena writes: compact JSON with ``kind`` first."""
    return json.dumps({"kind": kind, **payload}, separators=(",", ":")).encode()


def entry(
    run_id: str | bytes,
    kind: str | bytes = "metric",
    payload: Mapping[str, Any] | bytes | None = None,
    *,
    t: int | str | bytes = 1,
    agent: str | bytes = AGENT,
    ts: datetime | str | bytes = BASE_TS,
    v: str | bytes = b"1",
) -> Fields:
    """One entry's fields (``r a t k p ts v``); a ``bytes`` payload is written as it is."""
    if isinstance(payload, bytes):
        p = payload
    else:
        p = payload_bytes(kind.decode() if isinstance(kind, bytes) else kind, payload or {})
    stamp = ts.isoformat() if isinstance(ts, datetime) else ts
    return {
        b"r": _b(run_id),
        b"a": _b(agent),
        b"t": _b(str(t) if isinstance(t, int) else t),
        b"k": _b(kind),
        b"p": p,
        b"ts": _b(stamp),
        b"v": _b(v),
    }


class WireWriter:
    """Writes run ``run_id`` under ``prefix`` the way the arena does; remembers what it sent."""

    def __init__(
        self, client: redis.Redis, prefix: str, run_id: str, *, maxlen: int = 10_000
    ) -> None:
        self.client = client
        self.head = f"{prefix}:run:{run_id}"
        self.events_key = f"{self.head}:events"
        self.seq_key = f"{self.head}:seq"
        self.run_id = run_id
        self.maxlen = maxlen
        self.sent: dict[int, dict[str, Any]] = {}
        """What was written, by seq: the fields a correct reader must give back."""

    def open(self, label: str | None = "rank", *, sentinel: bytes | None = None) -> None:
        """The ``:open`` key: the JSON meta (``label``, ``started_at``), or ``sentinel`` as is."""
        value = sentinel
        if value is None:
            value = json.dumps({"label": label, "started_at": BASE_TS.isoformat()}).encode()
        self.client.set(f"{self.head}:open", value, ex=OPEN_TTL_S)

    def close(self) -> None:
        self.client.delete(f"{self.head}:open")

    def hole(self) -> int:
        return int(self.client.incr(self.seq_key))

    def publish(
        self,
        kind: str,
        payload: Mapping[str, Any],
        *,
        t: int = 1,
        agent: str = AGENT,
        raw_p: bytes | None = None,
        ts: datetime | None = None,
    ) -> int:
        """INCR then XADD one event; ``ts`` defaults to ``BASE_TS`` + seq seconds."""
        seq = int(self.client.incr(self.seq_key))
        stamp = ts or BASE_TS + timedelta(seconds=seq, microseconds=seq % 7)
        fields = entry(self.run_id, kind, raw_p if raw_p is not None else payload, t=t,
                       agent=agent, ts=stamp)  # fmt: skip
        self.write(seq, fields)
        self.sent[seq] = {
            "t": t,
            "agent": agent,
            "kind": kind,
            "ts": stamp.isoformat(),
            "payload": {"kind": kind, **payload},
        }
        return seq

    def write(self, seq: int | str, fields: Mapping[bytes, bytes]) -> None:
        """XADD ``fields`` at ``<seq>-0`` (or at the id ``seq`` names), trimmed like the arena."""
        entry_id = f"{seq}-0" if isinstance(seq, int) else seq
        values: dict[Any, Any] = dict(fields)
        self.client.xadd(self.events_key, values, id=entry_id, maxlen=self.maxlen, approximate=True)

    def publish_turns(self, n: int) -> None:
        """``n`` events in the arena's per-turn order (turn_start, llm_prompt, ...)."""
        kinds = ("turn_start", "llm_prompt", "llm_response", "metric")
        for i in range(n):
            t = i // 4 + 1
            kind = kinds[i % 4]
            payloads: dict[str, dict[str, Any]] = {
                "turn_start": {"turn_num": t, "state": None, "profile_name": None},
                "llm_prompt": {"state_summary": f"turn {t} · Dark Age"},
                "llm_response": {"actions": [], "reasoning": "wait", "cost_usd": 0.00123},
                "metric": {"name": "cost_usd", "value": 0.00123},
            }
            self.publish(kind, payloads[kind], t=t)

    def first_retained(self) -> int:
        """The seq of the oldest entry the stream still holds (after MAXLEN trimming)."""
        entries: Any = self.client.xrange(self.events_key, "-", "+", count=1)
        ((entry_id, _),) = entries
        return int(entry_id.split(b"-")[0])


def republish(client: redis.Redis, run_id: str, n: int, *, prefix: str = "rel") -> None:
    """What a producer does after a restart without persistence: an open run, seq 1, 2, ...
    again, ``n`` metrics from agent ``new`` (the old run's events came from other agents)."""
    producer = WireWriter(client, prefix, run_id)
    producer.open(sentinel=b"1")
    for i in range(n):
        producer.publish("metric", {"name": "new", "value": i}, agent="new", ts=BASE_TS)
