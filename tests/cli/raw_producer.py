"""An independent arena producer written from wire-format.md with plain redis-py, not our code.

It does what the arena's broker does, two round trips per event: ``INCR <prefix>:run:<id>:seq``
then ``XADD <prefix>:run:<id>:events MAXLEN ~ N <seq>-0 r a t k p ts v``. ``hole()`` is a
producer that crashed between the two: the seq is taken and never written.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import redis

BASE_TS = datetime(2026, 6, 7, 12, 0, tzinfo=UTC)


class RawProducer:
    def __init__(self, client: redis.Redis, prefix: str, run_id: str, *, maxlen: int) -> None:
        self.client = client
        self.head = f"{prefix}:run:{run_id}"
        self.run_id = run_id
        self.maxlen = maxlen
        self.sent: dict[int, dict[str, Any]] = {}
        """What was written, by seq: the fields a correct reader must give back."""

    def open(self, label: str = "rank") -> None:
        value = json.dumps({"label": label, "started_at": BASE_TS.isoformat()})
        self.client.set(f"{self.head}:open", value, ex=21600)

    def close(self) -> None:
        self.client.delete(f"{self.head}:open")

    def hole(self) -> int:
        return int(self.client.incr(f"{self.head}:seq"))

    def publish(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        t: int = 1,
        agent: str = "9c1e0000aaaa4bbb8ccc0123456789ab",
        raw_p: bytes | None = None,
    ) -> int:
        seq = int(self.client.incr(f"{self.head}:seq"))
        ts = (BASE_TS + timedelta(seconds=seq, microseconds=seq % 7)).isoformat()
        body = {"kind": kind, **payload}
        p = raw_p if raw_p is not None else json.dumps(body, separators=(",", ":")).encode()
        fields = {b"r": self.run_id, b"a": agent, b"t": str(t), b"k": kind, b"p": p, b"ts": ts}
        fields[b"v"] = b"1"
        self.client.xadd(
            f"{self.head}:events", fields, id=f"{seq}-0", maxlen=self.maxlen, approximate=True
        )
        self.sent[seq] = {"t": t, "agent": agent, "kind": kind, "ts": ts, "payload": body}
        return seq

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
        ((entry_id, _),) = self.client.xrange(f"{self.head}:events", "-", "+", count=1)
        return int(entry_id.split(b"-")[0])
