"""The soak's private tmux server, where the apps run: its own socket and a scrubbed environment.

Split from ``apps`` (what a person does in an app) along the seam of how a pane is driven at
all: sessions, keys, screen captures. The environment drops every ``ARENA_*``/``REDIS_*``
variable (an app gets its password from the ``.env`` of its directory) and points
``PYTHONPATH`` at the soak's probe (``soak/probe``).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

PROBE_DIR = Path(__file__).resolve().parent / "probe"


class Tmux:
    """A private tmux server: its own socket, started with a scrubbed environment."""

    def __init__(self, socket: str, work: Path) -> None:
        self.socket = socket
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("ARENA_", "REDIS_"))}
        self.env["PYTHONPATH"] = str(PROBE_DIR)
        self.env["SOAK_PROBE_DIR"] = str(work / "probe")
        (work / "probe").mkdir(exist_ok=True)

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
        return done.stdout

    def new_session(self, name: str, width: int, height: int, command: str, cwd: Path) -> None:
        self.kill_session(name)
        self.run(
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            str(width),
            "-y",
            str(height),
            "-c",
            str(cwd),
            "-e",
            f"PYTHONPATH={self.env['PYTHONPATH']}",
            "-e",
            f"SOAK_PROBE_DIR={self.env['SOAK_PROBE_DIR']}",
            command,
        )
        # a pane whose app exits on its own stays, with the app's last words on screen
        self.run("set-option", "-t", name, "remain-on-exit", "on")

    def pane_pid(self, name: str) -> int:
        return int(self.run("display-message", "-p", "-t", name, "#{pane_pid}").strip())

    def send_keys(self, name: str, *keys: str) -> None:
        self.run("send-keys", "-t", name, *keys)

    def send_literal(self, name: str, text: str) -> None:
        self.run("send-keys", "-t", name, "-l", text)

    def capture(self, name: str) -> str:
        return self.run("capture-pane", "-p", "-t", name)

    def kill_session(self, name: str) -> None:
        self.run("kill-session", "-t", name)

    def kill_server(self) -> None:
        self.run("kill-server")
