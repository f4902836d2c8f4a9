"""Three real app instances in tmux, each doing what a person would, read back by the screen.

The apps run on a private tmux server (``tmux -L <socket>``) started with an environment
scrubbed of ``ARENA_*``/``REDIS_*``, in a directory whose ``.env`` holds the current password:
that file is how the app gets its password, once, at start (``r`` reconnects with the same one).
So when the soak rotates the password the apps are quit and started again on the run they
showed, as an operator would; every start is logged with its pid, so RSS and fds are compared
within one process's life.

Roles: ``follow`` (120x40) follows a live run, now and then opens another from the runs
sidebar (focus moves through the command palette: End or Home in the sidebar would pick a
run) and looks at its charts (``i``); ``scrollback`` (80x24) sits paused, paging up and down
through the log and jumping home; ``replay`` (160x48) replays a run at 10x (``p p``) and starts
over when it ends. The tmux server itself is ``soak.tmux``.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from soak import procs
from soak.cluster import Cluster, RunBook
from soak.tmux import Tmux

SCRIPT = str(Path(sys.executable).with_name("arena-tui"))
SIZES = {"follow": (120, 40), "scrollback": (80, 24), "replay": (160, 48)}
STATUS = re.compile(r"seq ([\d,]+) / ([\d,]+)")
HEADER_RUN = re.compile(r"── \S+ ([0-9a-f]{8})… ──")
STATUS_WORDS = ("FOLLOWING", "PAUSED", "not available", "connecting", "auth failed")
BAD_STATES = ("reconnecting", "auth failed", "not available")
"""States no app may be in at the end (\"not available\": its run is not shown)."""


def top_command(screen: str) -> str | None:
    """The first result under the palette's input (the line with its search icon), if any."""
    lines = screen.splitlines()
    for i, line in enumerate(lines):
        if "🔎" in line:
            rest = [text.strip() for text in lines[i + 1 :] if text.strip()]
            return rest[0] if rest else None
    return None


@dataclass
class Life:
    """One app process: its pid, when it started, and why it ended."""

    pid: int
    started: float
    run_id: str
    ended: float | None = None
    why: str = ""


@dataclass
class App:
    role: str
    tmux: Tmux
    cluster: Cluster
    book: RunBook
    rng: random.Random
    run_id: str | None = None
    lives: list[Life] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    actions: int = 0
    stuck_screens: list[dict[str, str]] = field(default_factory=list)

    @property
    def session(self) -> str:
        return f"app-{self.role}"

    @property
    def pid(self) -> int | None:
        with self.lock:
            life = self.lives[-1] if self.lives else None
            return life.pid if life is not None and life.ended is None else None

    def launch(self, run_id: str) -> None:
        width, height = SIZES[self.role]
        command = f"exec {SCRIPT} --run {run_id}"
        if self.role == "replay":
            command += " --seq 1"
        self.tmux.new_session(self.session, width, height, command, cwd=self.cluster.app_dir)
        pid = self.tmux.pane_pid(self.session)
        with self.lock:
            self.run_id = run_id
            self.lives.append(Life(pid, time.monotonic(), run_id))
        self.wait_screen(lambda s: "seq " in s or "no events" in s, 20)
        # the palette's first opening costs ~18 MiB for good: before the warm-up, not a "leak"
        self.keys("C-p")
        self.wait_screen(lambda s: "Search for commands" in s, 8)
        self.keys("Escape")
        time.sleep(0.3)
        # so is the charts screen's (numpy, the plotting library): ~16 MiB, once
        self.look_at_charts()
        if self.role == "replay":
            self.keys("p")
            time.sleep(0.3)
            self.keys("p")

    def quit(self, why: str) -> None:
        """``q``; an app still running 15 s later is a failure (its screen is kept)."""
        pid = self.pid
        before = self.screen()
        self.keys("Escape")  # a prompt or the palette left open would take the q as text
        time.sleep(0.3)
        self.keys("q")
        pressed = time.monotonic()
        while pid is not None and procs.alive(pid) and time.monotonic() < pressed + 15:
            time.sleep(0.1)
        if pid is not None and procs.alive(pid):
            stacks = self.dump_stacks(pid)
            spy = Path(sys.executable).with_name("py-spy")
            if spy.exists():  # not a dependency: used when a developer installed it
                done = subprocess.run(
                    [str(spy), "dump", "--pid", str(pid)],
                    capture_output=True,
                    text=True,
                    timeout=30,
                    check=False,
                )
                stacks["py_spy"] = done.stdout + done.stderr
            self.stuck_screens.append({"before_q": before, "after_q": self.screen(), **stacks})
            os.kill(pid, 9)
            why += " (killed: q did not quit in 15 s)"
        else:
            why += f" (quit in {time.monotonic() - pressed:.1f} s)"
        self.tmux.kill_session(self.session)
        with self.lock:
            if self.lives and self.lives[-1].ended is None:
                self.lives[-1].ended = time.monotonic()
                self.lives[-1].why = why

    def dump_stacks(self, pid: int) -> dict[str, str]:
        """Ask the probe (``soak/probe``) for every thread's and task's stack."""
        probe = Path(self.tmux.env["SOAK_PROBE_DIR"])
        (probe / f"{pid}.dump").touch()
        time.sleep(2.0)
        found = {}
        for suffix in ("stacks", "tasks"):
            path = probe / f"{pid}.{suffix}"
            found[suffix] = path.read_text() if path.exists() else "(none)"
        return found

    def restart(self, why: str) -> None:
        """Quit and start again on the run shown, or on the newest open run if that one is
        gone (wiped by a restart without persistence, or flushed)."""
        run_id = self.shown_run() or self.run_id
        if run_id is None or not self.cluster.exists(run_id):
            fresh = sorted(self.book.open_runs(), key=lambda r: r.opened)
            run_id = fresh[-1].run_id if fresh else run_id
        self.quit(why)
        assert run_id is not None
        self.launch(run_id)

    def palette(self, command: str) -> bool:
        """Run a command from the palette (ctrl+p): works wherever the focus is. The text is
        typed once the palette is on screen (into the log, "Focus log" opens the go-to prompt)
        and Enter pressed once it is the first result under the input. An Enter before the list
        is filtered ran its first command, Charts: charts were open during faults (in the
        30-minute run's stalls their unhandled read error ended the replay app). Waiting for
        the text to show twice was not enough: the unfiltered list holds the command too, so
        the charts still opened at most switches (a 9-minute run, 2026-12-02)."""
        self.keys("C-p")
        if "Search for commands" in self.wait_screen(lambda s: "Search for commands" in s, 8):
            self.tmux.send_literal(self.session, command)
            if top_command(self.wait_screen(lambda s: top_command(s) == command, 5)) == command:
                self.keys("Enter")
                time.sleep(0.3)
                return True
        self.keys("Escape")
        return False

    def keys(self, *keys: str) -> None:
        self.tmux.send_keys(self.session, *keys)
        self.actions += 1

    def screen(self) -> str:
        return self.tmux.capture(self.session)

    def wait_screen(self, check: object, within: float) -> str:
        deadline = time.monotonic() + within
        screen = self.screen()
        while not check(screen) and time.monotonic() < deadline:  # type: ignore[operator]
            time.sleep(0.2)
            screen = self.screen()
        return screen

    def shown_run(self) -> str | None:
        """The run the header names (8 hex chars), resolved against the runs the book knows."""
        found = HEADER_RUN.search(self.screen())
        if not found:
            return None
        matches = [r.run_id for r in self.book.all_runs() if r.run_id.startswith(found[1])]
        return matches[0] if len(matches) == 1 else None

    # -- what a person does -----------------------------------------------------------------

    def step(self) -> None:
        """One action for this role (called every second or so)."""
        roll = self.rng.random()
        if self.role == "follow":
            if roll < 0.04:
                self.switch_run()
            elif roll < 0.08:
                self.keys("End")
            elif roll < 0.10:
                self.look_at_charts()
        elif self.role == "scrollback":
            if roll < 0.03:
                self.switch_run()
            elif roll < 0.10:
                self.keys("Home")
            elif roll < 0.55:
                self.keys(self.rng.choice(["Up", "PageUp", "PageUp", "Down", "PageDown", "k"]))
        elif self.role == "replay":
            screen = self.screen()
            if roll < 0.02:
                self.switch_run()
                self.keys("Home")
                self.keys("p")
                self.keys("p")
            elif "▶" not in screen and roll < 0.3:
                self.keys("Home")
                self.keys("p")
                self.keys("p")

    def look_at_charts(self) -> None:
        """``i``, a look at the charts while they fill in, Escape back to the log."""
        self.keys("i")
        if "charts ·" in self.wait_screen(lambda s: "charts ·" in s, 8):
            time.sleep(1.5)
            self.keys("Escape")
            time.sleep(0.3)

    def switch_run(self) -> None:
        """Open another run from the sidebar: tab to it, move, Enter, tab back to the log."""
        self.palette("Focus runs")
        self.keys(*(["Down"] * self.rng.randint(0, 4)))
        self.keys("Enter")
        self.palette("Focus log")
        if self.role == "follow":
            self.keys("End")

    def final_view(self) -> dict[str, object]:
        """Stop replay/scrolling, follow the newest event, read the status bar back.

        An app left on a run that no longer exists (wiped by a restart without persistence,
        or flushed) must say so ("gone from the broker", keeping its events) if it had seen
        the run finish; then it is started again on a run that exists, as an operator would,
        so that there is something to compare with Redis. (Switching from the sidebar through
        the palette was tried first and proved unreliable: a palette left open took every
        later key into its input.) A replay is paused (space) only while it plays
        (space would start one otherwise)."""
        for _ in range(2):  # a palette or a prompt left open would take the keys below
            self.keys("Escape")
            time.sleep(0.3)
        for _ in range(3):  # a screen over the log (charts, help, a prompt) hides the header
            if HEADER_RUN.search(self.screen()):
                break
            self.keys("Escape")
            time.sleep(0.5)
        gone: dict[str, object] | None = None
        shown = self.shown_run()
        if shown is not None and not self.cluster.exists(shown):
            screen = self.wait_screen(lambda s: "gone from the broker" in self.status_line(s), 8)
            status = self.status_line(screen)
            gone = {"run": shown, "status_line": status, "said": "gone from the broker" in status}
            run_id = self.existing_run()
            if run_id is not None:
                self.quit("its run was deleted")
                self.launch(run_id)
        self.palette("Focus log")  # End in the sidebar would select its last run
        screen = self.screen()
        for _ in range(5):
            if "▶" in self.status_line(screen):
                self.keys("space")
                time.sleep(0.5)
            self.keys("End")
            screen = self.wait_screen(lambda s: "FOLLOWING" in self.status_line(s), 10)
            time.sleep(1.5)
            screen = self.screen()
            found = STATUS.search(self.status_line(screen))
            if "▶" not in self.status_line(screen) and found and found[1] == found[2]:
                break
        status = self.status_line(screen)
        found = STATUS.search(status)
        return {
            "role": self.role,
            "run": self.shown_run(),
            "status_line": status,
            "cursor_seq": int(found[1].replace(",", "")) if found else None,
            "newest_seq": int(found[2].replace(",", "")) if found else None,
            "bad_state": next((b for b in BAD_STATES if b in status), None),
            "gone_run": gone,
        }

    def existing_run(self) -> str | None:
        """The newest run Redis still holds (open or finished), if any."""
        for run in sorted(self.book.all_runs(), key=lambda r: r.opened, reverse=True):
            if self.cluster.exists(run.run_id):
                return run.run_id
        return None

    @staticmethod
    def status_line(screen: str) -> str:
        """The status bar: the lowest line that says a state and a position (a footer of key
        hints may sit below it)."""
        lines = [line.strip() for line in screen.rstrip("\n").splitlines()]
        for line in reversed(lines[-4:]):
            if STATUS.search(line) or any(word in line for word in STATUS_WORDS):
                return line
        return lines[-1] if lines else ""
