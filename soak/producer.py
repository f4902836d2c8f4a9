"""One soak producer in its own process: ``python -m soak.producer CONFIG NAME``.

It opens a run, publishes its events at a steady rate, closes it, waits a moment and opens the
next, until SIGTERM (it then closes the current run and exits). Two ways to publish, as the
issue asks:

* ``twostep``: the arena's own way, INCR then XADD as two round trips, with redis-py's default
  retries (a retried INCR after a lost reply leaves a hole, exactly like the arena);
* ``batched``: arena-tui's public broker API (``make_broker`` + ``publish_many``), the atomic
  Lua publish, a few events a call.

Every publish is written to the producer's **ledger** (JSON lines, one ``os.write`` each, so a
``kill -9`` loses nothing already written): ``try`` before the call, then ``ack`` with the seq
Redis returned, or ``fail`` when the outcome is unknown (a timeout, a dropped connection: the
write may or may not have landed). The checker requires every acked seq and tolerates the
failed ones either way. Each event's payload carries ``soak_id`` = ``<producer>:<n>``, so a
consumer's event can be traced to the exact publish that wrote it.

When Redis answers with a seq at or below the last one acked for the run, the run's keys were
wiped (a restart without persistence, or the soak's flush fault): the producer logs ``reopen``
and sets ``:open`` again. A refused password (the soak rotated it) rebuilds the clients with
the password now in the password file.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
import redis.exceptions

from arena_tui.broker import BrokerAuthError, BrokerError, Event, RunMeta
from arena_tui.broker.factory import BrokerSettings, make_broker
from arena_tui.broker.protocol import EventBroker

OPEN_TTL_S = 21_600


class Ledger:
    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def write(self, **fields: Any) -> None:
        fields["t"] = time.monotonic()
        os.write(self.fd, (json.dumps(fields, separators=(",", ":")) + "\n").encode())


class Producer:
    def __init__(self, config: dict[str, Any], name: str) -> None:
        spec = config["producers"][name]
        self.name = name
        self.incarnation = spec["incarnation"]
        self.tag = f"{name}.{self.incarnation}"
        self.mode: str = spec["mode"]
        self.rate: float = spec["rate"]
        self.batch: int = spec.get("batch", 1)
        self.min_events: int = spec["min_events"]
        self.max_events: int = spec["max_events"]
        self.rng = random.Random(f"{config['seed']}:{self.tag}")
        self.port: int = config["port"]
        self.prefix: str = config["prefix"]
        self.max_len: int = config["max_len"]
        self.password_file = Path(config["password_file"])
        self.ledger = Ledger(Path(config["dir"]) / "ledgers" / f"{self.tag}.jsonl")
        self.stopping = False
        self.n = 0
        self.raw: aioredis.Redis | None = None
        self.broker: EventBroker | None = None

    # -- connections ----------------------------------------------------------------------

    def password(self) -> str:
        return self.password_file.read_text().strip()

    async def connect(self) -> None:
        await self.disconnect()
        password = self.password()
        # redis-py's defaults (retries included), like the arena's own client
        self.raw = aioredis.Redis(host="127.0.0.1", port=self.port, password=password)
        if self.mode == "batched":
            url = f"redis://:{password}@127.0.0.1:{self.port}/0"
            settings = BrokerSettings(
                backend="redis", redis_url=url, key_prefix=self.prefix, max_len=self.max_len
            )
            self.broker = make_broker(settings)

    async def disconnect(self) -> None:
        if self.raw is not None:
            await self.raw.aclose()
            self.raw = None
        if self.broker is not None:
            await self.broker.aclose()
            self.broker = None

    def key(self, run_id: str, suffix: str) -> str:
        return f"{self.prefix}:run:{run_id}:{suffix}"

    # -- one run --------------------------------------------------------------------------

    def event(self, run_id: str, n: int) -> Event:
        payload = {"name": "soak", "value": float(n), "soak_id": f"{self.tag}:{n}"}
        return Event(run_id, self.tag, 1 + n // 6, "metric", payload, datetime.now(UTC))

    async def open_run(self, run_id: str) -> None:
        meta = {"label": "soak", "started_at": datetime.now(UTC).isoformat()}
        while not self.stopping:
            try:
                if self.broker is not None:
                    await self.broker.open_run(run_id, RunMeta("soak", datetime.now(UTC)))
                else:
                    assert self.raw is not None
                    await self.raw.set(self.key(run_id, "open"), json.dumps(meta), ex=OPEN_TTL_S)
                return
            except (BrokerError, redis.exceptions.RedisError) as exc:
                await self.recover(exc)

    async def close_run(self, run_id: str) -> None:
        for _ in range(50):
            try:
                if self.broker is not None:
                    await self.broker.close_run(run_id)
                else:
                    assert self.raw is not None
                    await self.raw.delete(self.key(run_id, "open"))
                self.ledger.write(e="close", run=run_id)
                return
            except (BrokerError, redis.exceptions.RedisError) as exc:
                await self.recover(exc)
        self.ledger.write(e="close_failed", run=run_id)

    async def recover(self, exc: BaseException) -> None:
        auth = isinstance(exc, BrokerAuthError | redis.exceptions.AuthenticationError)
        await asyncio.sleep(0.2 if auth else 0.3)
        if auth or self.mode == "twostep":
            with contextlib.suppress(BrokerError, redis.exceptions.RedisError):
                await self.connect()

    async def publish(self, run_id: str, count: int) -> list[int] | None:
        """Publish ``count`` events; their seqs, or None when the outcome is unknown."""
        events = [self.event(run_id, self.n + i) for i in range(count)]
        if self.broker is not None:
            if count == 1:
                return [await self.broker.publish(run_id, events[0])]
            return await self.broker.publish_many(run_id, events)
        assert self.raw is not None
        assert count == 1
        from arena_tui.broker.codec import encode_event  # the wire fields, byte for byte

        seq = int(await self.raw.incr(self.key(run_id, "seq")))
        await self.raw.xadd(
            self.key(run_id, "events"),
            dict(encode_event(events[0])),  # type: ignore[arg-type]
            id=f"{seq}-0",
            maxlen=self.max_len,
            approximate=True,
        )
        return [seq]

    async def run_once(self) -> None:
        run_id = f"{self.rng.getrandbits(128):032x}"
        total = self.rng.randint(self.min_events, self.max_events)
        self.ledger.write(e="open", run=run_id, planned=total, mode=self.mode)
        await self.open_run(run_id)
        last_seq = 0
        sent = 0
        loop = asyncio.get_running_loop()
        due = loop.time()
        while sent < total and not self.stopping:
            count = min(self.batch, total - sent) if self.mode == "batched" else 1
            first_n = self.n
            self.ledger.write(e="try", run=run_id, n=first_n, k=count)
            try:
                seqs = await self.publish(run_id, count)
            except (BrokerError, redis.exceptions.RedisError) as exc:
                self.ledger.write(e="fail", run=run_id, n=first_n, k=count, why=type(exc).__name__)
                self.n += count
                await self.recover(exc)
                due = loop.time()
                continue
            self.n += count
            sent += count
            assert seqs is not None
            self.ledger.write(e="ack", run=run_id, n=first_n, k=count, seq=seqs[0])
            if seqs[0] <= last_seq:  # the run's keys were wiped under us: open it again
                self.ledger.write(e="reopen", run=run_id, seq=seqs[0])
                await self.open_run(run_id)
            last_seq = seqs[-1]
            due += count / self.rate
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                due = loop.time()
        await self.close_run(run_id)

    async def main(self) -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, self.stop)
        await self.connect()
        self.ledger.write(e="start", pid=os.getpid(), mode=self.mode)
        try:
            while not self.stopping:
                await self.run_once()
                pause = self.rng.uniform(0.3, 2.0)
                for _ in range(int(pause * 10)):
                    if self.stopping:
                        break
                    await asyncio.sleep(0.1)
        finally:
            self.ledger.write(e="exit")
            await self.disconnect()

    def stop(self) -> None:
        self.stopping = True


def main() -> None:
    config = json.loads(Path(sys.argv[1]).read_text())
    asyncio.run(Producer(config, sys.argv[2]).main())


if __name__ == "__main__":
    main()
