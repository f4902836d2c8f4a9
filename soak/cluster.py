"""The soak's Redis and the bookkeeping every actor shares.

``Cluster`` owns one private ``redis-server`` (``tests/support/redis_server.py``: a free port on
127.0.0.1, its own dir, never the machine's 6379), the current password (a file the producers
re-read when refused, and the ``.env`` the apps read at start), and the admin client the faults
use. ``RunBook`` follows the producers' ledgers as they grow: which runs exist, which are open,
who writes them, how far they got.
"""

from __future__ import annotations

import json
import secrets
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.redis_server import RedisServer  # noqa: E402

PREFIX = "soak"


class Cluster:
    def __init__(self, work: Path, *, max_len: int) -> None:
        self.work = work
        self.max_len = max_len
        self.server = RedisServer(
            appendonly=True,
            password=self._new_password(),
            extra_args=["--enable-debug-command", "local"],
        )
        (work / "secrets").mkdir(parents=True, exist_ok=True)
        (work / "app").mkdir(parents=True, exist_ok=True)
        (work / "ledgers").mkdir(parents=True, exist_ok=True)
        (work / "consumers").mkdir(parents=True, exist_ok=True)
        self.password_file = work / "secrets" / "password"
        self.app_dir = work / "app"
        self.lock = threading.Lock()
        self.rotations = 0
        self._write_secrets()

    @staticmethod
    def _new_password() -> str:
        return "soak-" + secrets.token_hex(10)

    @property
    def port(self) -> int:
        return int(self.server.port)

    @property
    def password(self) -> str:
        return str(self.server.password)

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"

    def _write_secrets(self) -> None:
        self.password_file.write_text(self.password + "\n")
        self.password_file.chmod(0o600)
        env = self.app_dir / ".env"
        env.write_text(
            "ARENA_BROKER_BACKEND=redis\n"
            f"REDIS_URL={self.url}\n"
            f"ARENA_KEY_PREFIX={PREFIX}\n"
            "ARENA_STALE_AFTER=10\n"
        )
        env.chmod(0o600)

    def viewer_env(self) -> dict[str, str]:
        return {
            "ARENA_BROKER_BACKEND": "redis",
            "REDIS_URL": self.url,
            "ARENA_KEY_PREFIX": PREFIX,
            "ARENA_STALE_AFTER": "10",
        }

    def producer_config(self, seed: int, producers: dict[str, Any]) -> Path:
        path = self.work / "producers.json"
        path.write_text(
            json.dumps(
                {
                    "seed": seed,
                    "port": self.port,
                    "prefix": PREFIX,
                    "max_len": self.max_len,
                    "password_file": str(self.password_file),
                    "dir": str(self.work),
                    "producers": producers,
                }
            )
        )
        return path

    def start(self) -> None:
        self.server.start()

    def admin(self, timeout: float = 20.0) -> redis.Redis:
        return redis.Redis(
            host="127.0.0.1", port=self.port, password=self.password, socket_timeout=timeout
        )

    def command(self, *args: Any, timeout: float = 20.0) -> Any:
        client = self.admin(timeout)
        execute: Callable[..., Any] = client.execute_command  # untyped in redis-py 8.1
        try:
            return execute(*args)
        finally:
            client.close()

    def rotate_password(self) -> None:
        """CONFIG SET requirepass: existing connections stay authenticated, new ones need it."""
        new = self._new_password()
        self.command("CONFIG", "SET", "requirepass", new)
        with self.lock:
            self.server.password = new
            self.rotations += 1
            self._write_secrets()

    def restart(self) -> tuple[float, float]:
        """kill -9 and start again on the same port and dir; returns (killed_at, ready_at)."""
        killed = time.monotonic()
        self.server.kill()
        self.server.start()
        return killed, time.monotonic()

    def set_persistence(self, appendonly: bool) -> None:
        self.command("CONFIG", "SET", "appendonly", "yes" if appendonly else "no")
        self.server.appendonly = appendonly

    def keys_of(self, run_id: str) -> list[str]:
        return [f"{PREFIX}:run:{run_id}:{s}" for s in ("open", "seq", "events")]

    def exists(self, run_id: str) -> bool:
        return bool(self.command("EXISTS", *self.keys_of(run_id)))

    def last_seq(self, run_id: str) -> int:
        """The run's newest seq as a viewer computes it: max(:seq, the last entry's seq)."""
        client = self.admin()
        try:
            counter = client.get(f"{PREFIX}:run:{run_id}:seq")
            tail = client.xrevrange(f"{PREFIX}:run:{run_id}:events", "+", "-", count=1)
        finally:
            client.close()
        newest = tail[0][0] if tail else None  # an entry id, bytes (no decode_responses)
        last = int(newest.split(b"-")[0]) if isinstance(newest, bytes) else 0
        return max(int(counter or 0), last)

    def close(self) -> None:
        self.server.close()


@dataclass
class RunState:
    run_id: str
    producer: str
    opened: float
    planned: int
    closed: float | None = None
    dead: bool = False
    """Its producer was killed mid-run: the run stays open (stale) for ever."""
    acked: int = 0
    last_ack: float = 0.0
    last_seq: int = 0


@dataclass
class RunBook:
    """The runs the producers wrote, read from their ledgers as they grow."""

    ledger_dir: Path
    runs: dict[str, RunState] = field(default_factory=dict)
    current: dict[str, str] = field(default_factory=dict)
    """producer tag -> its run being written."""
    _offsets: dict[Path, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self) -> None:
        with self.lock:
            for path in sorted(self.ledger_dir.glob("*.jsonl")):
                tag = path.stem
                with path.open("rb") as handle:
                    handle.seek(self._offsets.get(path, 0))
                    data = handle.read()
                end = data.rfind(b"\n") + 1
                self._offsets[path] = self._offsets.get(path, 0) + end
                for line in data[:end].splitlines():
                    self._apply(tag, json.loads(line))

    def _apply(self, tag: str, entry: dict[str, Any]) -> None:
        kind = entry["e"]
        if kind == "open":
            self.runs[entry["run"]] = RunState(entry["run"], tag, entry["t"], entry["planned"])
            self.current[tag] = entry["run"]
        elif kind == "ack":
            run = self.runs[entry["run"]]
            run.acked += entry["k"]
            run.last_ack = entry["t"]
            run.last_seq = entry["seq"] + entry["k"] - 1
        elif kind == "close":
            self.runs[entry["run"]].closed = entry["t"]
            self.current.pop(tag, None)

    def mark_dead(self, tag: str) -> str | None:
        with self.lock:
            run_id = self.current.pop(tag, None)
            if run_id is not None:
                self.runs[run_id].dead = True
            return run_id

    def open_runs(self) -> list[RunState]:
        with self.lock:
            return [r for r in self.runs.values() if r.closed is None and not r.dead]

    def all_runs(self) -> list[RunState]:
        with self.lock:
            return list(self.runs.values())
