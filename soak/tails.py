"""The soak's ``arena-tui tail --jsonl`` consumers.

A consumer runs one **chain** after another: a chain is one run read with ``arena-tui tail
RUN --jsonl [--from-seq N]`` until it prints ``finished``. When the tail exits because the
password was rotated (``authentication failed``), the chain goes on with a new tail started
with the current password at ``--from-seq`` (the next seq the chain has not accounted for).
Every stdout line is kept with the monotonic time it arrived, in
``consumers/<consumer>-<chain>.jsonl``, for the checker. Roles:

* ``live``: the newest open run, from the start;
* ``late``: an open run, preferably one already longer than MAXLEN, from seq 1 (a late reader:
  it overflows at once);
* ``replay``: any run the book knows, open or finished, from a random seq.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import IO, Any

from soak.cluster import Cluster, RunBook, RunState

SCRIPT = str(Path(sys.executable).with_name("arena-tui"))
ABANDON_AFTER_S = 25.0
"""A chain whose run is no longer written (its producer died, or it was closed and wiped) and
that printed nothing for this long is ended by the consumer (SIGINT)."""


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARENA_", "REDIS_"))}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


class Chain:
    """One run read by one consumer, across tail restarts."""

    def __init__(self, path: Path, run_id: str, from_seq: int, role: str) -> None:
        self.path = path
        self.run_id = run_id
        self.from_seq = from_seq
        self.next = max(from_seq, 1)
        self.finished = False
        self.ended = False
        self.last_record_at = time.monotonic()
        self.handle = path.open("w")
        self.write({"chain": run_id, "from_seq": from_seq, "role": role})

    def write(self, entry: dict[str, Any]) -> None:
        entry.setdefault("t", time.monotonic())
        self.handle.write(json.dumps(entry, separators=(",", ":")) + "\n")
        self.handle.flush()

    def take(self, record: dict[str, Any], at: float) -> None:
        """Keep one tail record (events trimmed to what the checker needs)."""
        self.last_record_at = at
        kind = record.get("type")
        if kind == "event":
            payload = record.get("payload") or {}
            self.write(
                {"t": at, "type": "event", "seq": record["seq"], "id": payload.get("soak_id")}
            )
            self.next = record["seq"] + 1
            return
        self.write({"t": at, **record})
        if kind == "gap":
            self.next = record["to_seq"] + 1
        elif kind == "overflow":
            self.next = max(self.next, record["available_from"])
        elif kind == "reset":
            self.next = 1
        elif kind == "finished":
            self.finished = True

    def close(self, why: str) -> None:
        if not self.ended:
            self.ended = True
            self.write({"end": why})
            self.handle.close()


class TailConsumer(threading.Thread):
    def __init__(
        self, index: int, role: str, cluster: Cluster, book: RunBook, rng: random.Random
    ) -> None:
        super().__init__(name=f"tail-{index}-{role}", daemon=True)
        self.index = index
        self.role = role
        self.cluster = cluster
        self.book = book
        self.rng = rng
        self.stop_new = threading.Event()
        self.hard_stop = threading.Event()
        self.chains: list[Chain] = []
        self.proc: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self.spawned_at = 0.0
        self.errors: deque[str] = deque(maxlen=20)
        self.lock = threading.Lock()

    # -- choosing what to read --------------------------------------------------------------

    def pick(self) -> tuple[RunState, int] | None:
        open_runs = self.book.open_runs()
        busy = {c.run_id for c in self.chains if not c.ended}
        if self.role == "live":
            fresh = [r for r in open_runs if r.run_id not in busy]
            return (max(fresh, key=lambda r: r.opened), 0) if fresh else None
        if self.role == "late":
            if not open_runs:
                return None
            long = [r for r in open_runs if r.last_seq > self.cluster.max_len]
            return (self.rng.choice(long or open_runs), 1)
        now = time.monotonic()
        known = [
            r
            for r in self.book.all_runs()
            if r.last_seq > 0 and (r.closed is None or now - r.closed < 60) and not r.dead
        ]
        if not known:
            return None
        run = self.rng.choice(known)
        return run, self.rng.randint(1, max(1, run.last_seq))

    # -- the loop ---------------------------------------------------------------------------

    def run(self) -> None:
        number = 0
        while not self.stop_new.is_set() and not self.hard_stop.is_set():
            self.book.refresh()
            choice = self.pick()
            if choice is None:
                time.sleep(0.5)
                continue
            run, from_seq = choice
            number += 1
            path = self.cluster.work / "consumers" / f"c{self.index}-{number:04d}.jsonl"
            chain = Chain(path, run.run_id, from_seq, self.role)
            with self.lock:
                self.chains.append(chain)
            try:
                self.follow(chain)
            except Exception as exc:  # a harness bug must not leave the chain file open
                chain.close(f"harness error: {exc!r}")
                raise
            time.sleep(self.rng.uniform(0.2, 1.5))

    def follow(self, chain: Chain) -> None:
        from_seq = chain.from_seq
        while True:
            env = clean_env(self.cluster.viewer_env())
            args = [SCRIPT, "tail", chain.run_id, "--jsonl"]
            if from_seq:
                args += ["--from-seq", str(from_seq)]
            proc = subprocess.Popen(
                args,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=self.cluster.work,
            )
            with self.lock:
                self.proc = proc
                self.spawned_at = time.monotonic()
            chain.write({"spawn": proc.pid, "from_seq": from_seq})
            errors: list[str] = []
            drain = threading.Thread(target=_drain, args=(proc.stderr, errors), daemon=True)
            drain.start()
            watchdog = threading.Thread(target=self._watch, args=(chain, proc), daemon=True)
            watchdog.start()
            assert proc.stdout is not None
            for raw in proc.stdout:
                at = time.monotonic()
                try:
                    record = json.loads(raw)
                except ValueError:
                    chain.write({"t": at, "garbage": raw.decode(errors="replace")[:200]})
                    continue
                chain.take(record, at)
            code = proc.wait()
            drain.join(timeout=5)
            with self.lock:
                self.proc = None
            tail_err = " | ".join(errors[-3:])
            chain.write({"exit": code, "stderr": tail_err[-500:]})
            if code == 0 and chain.finished:
                chain.close("finished")
                return
            if "authentication failed" in tail_err and not self.hard_stop.is_set():
                self.restarts += 1
                from_seq = chain.next
                time.sleep(0.2)
                continue
            if self.hard_stop.is_set() or getattr(proc, "soak_abandoned", False):
                chain.close("stopped")
                return
            self.errors.append(tail_err[-300:])
            chain.close(f"exit {code}")
            return

    def _watch(self, chain: Chain, proc: subprocess.Popen[bytes]) -> None:
        """End a tail that can no longer finish: its run's producer is gone and it is quiet."""
        while proc.poll() is None:
            time.sleep(1.0)
            if self.hard_stop.is_set():
                _interrupt(proc)
                return
            state = self.book.runs.get(chain.run_id)
            quiet = time.monotonic() - chain.last_record_at
            writer_gone = state is None or state.dead or state.closed is not None
            if writer_gone and quiet > ABANDON_AFTER_S:
                proc.soak_abandoned = True  # type: ignore[attr-defined]
                _interrupt(proc)
                return

    def current_pid(self) -> int | None:
        with self.lock:
            return self.proc.pid if self.proc is not None and self.proc.poll() is None else None

    def spawned_before(self, when: float) -> bool:
        """Whether the running tail (if any) was started before ``when``."""
        with self.lock:
            running = self.proc is not None and self.proc.poll() is None
            return running and self.spawned_at < when

    def current_chain(self) -> Chain | None:
        with self.lock:
            return next((c for c in reversed(self.chains) if not c.ended), None)


def _interrupt(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


def _drain(stream: IO[bytes] | None, into: list[str]) -> None:
    assert stream is not None
    for line in stream:
        into.append(line.decode(errors="replace").rstrip())
        del into[:-50]
