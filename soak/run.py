"""The soak itself: start the cluster, inject the scheduled faults, stop, check, report.

Timeline: warm-up (no faults) -> faults, phase ``aof`` (Redis with appendonly) then phase
``none`` (appendonly off: a kill -9 loses every run) -> a quiet period (faults stopped, all
actors still running: nothing may still be reconnecting at its end) -> producers stopped (they
close their runs) -> tails drain to ``finished`` -> the apps are asked for their newest seq on
screen -> leak checks (fds, connections in CLIENT LIST, tasks, RSS) -> the checker.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from soak import procs
from soak.apps import App
from soak.cluster import Cluster, RunBook
from soak.faults import KINDS, Fault, schedule, stop_cont
from soak.tails import TailConsumer
from soak.tmux import Tmux


@dataclass
class Plan:
    seconds: float
    seed: int
    short: bool
    warmup: float
    quiet: float
    mean_gap: float
    max_len: int
    sample_every: float
    none_phase_from: float = 0.6
    """Fraction of the fault period after which Redis runs without persistence."""
    apps: tuple[str, ...] = ("follow", "scrollback", "replay")
    tails: tuple[str, ...] = ("live", "late", "replay")
    producers: dict[str, dict[str, Any]] = field(default_factory=dict)
    kinds: tuple[str, ...] = KINDS

    @classmethod
    def make(cls, seconds: float, seed: int, short: bool) -> Plan:
        if short:
            plan = cls(
                seconds, seed, short, warmup=8, quiet=6, mean_gap=6, max_len=300, sample_every=2
            )
            sizes = {"min_events": 60, "max_events": 700}
        else:
            plan = cls(
                seconds, seed, short, warmup=60, quiet=20, mean_gap=12, max_len=1000, sample_every=5
            )
            sizes = {"min_events": 200, "max_events": 2500}
        plan.producers = {
            "P1": {"mode": "twostep", "rate": 30.0, **sizes},
            "P2": {"mode": "twostep", "rate": 30.0, **sizes},
            "P3": {"mode": "batched", "rate": 50.0, "batch": 5, **sizes},
            "P4": {"mode": "batched", "rate": 50.0, "batch": 10, **sizes},
            "P5": {"mode": "batched", "rate": 40.0, "batch": 4, **sizes},
        }
        for spec in plan.producers.values():
            spec["incarnation"] = 1
        return plan


class Soak:
    def __init__(self, plan: Plan, work: Path, log: Any = sys.stderr) -> None:
        self.plan = plan
        self.work = work
        self.log_file = log
        self.rng = random.Random(f"soak:{plan.seed}")
        self.cluster = Cluster(work, max_len=plan.max_len)
        self.book = RunBook(work / "ledgers")
        self.producers: dict[str, subprocess.Popen[bytes]] = {}
        self.tails: list[TailConsumer] = []
        self.apps: list[App] = []
        self.tmux = Tmux(f"soak-{os.getpid()}", work)
        self.faults: list[Fault] = []
        self.wipes: list[dict[str, Any]] = []
        self.samples: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.phase = "aof"
        self.t0 = time.monotonic()
        self.sampling = threading.Event()
        self.app_stop = threading.Event()
        self.app_pause = threading.Lock()
        self.problems: list[str] = []

    def say(self, text: str) -> None:
        print(f"[soak {time.monotonic() - self.t0:7.1f}s] {text}", file=self.log_file, flush=True)

    def note(self, kind: str, **fields: Any) -> None:
        self.events.append({"t": time.monotonic(), "kind": kind, **fields})

    # -- actors -----------------------------------------------------------------------------

    def start_producer(self, name: str) -> None:
        config = self.cluster.producer_config(self.plan.seed, self.plan.producers)
        log = (self.work / "producer-logs").resolve()
        log.mkdir(exist_ok=True)
        tag = f"{name}.{self.plan.producers[name]['incarnation']}"
        with (log / f"{tag}.log").open("wb") as err:
            self.producers[name] = subprocess.Popen(
                [sys.executable, "-m", "soak.producer", str(config), name],
                stdin=subprocess.DEVNULL,
                stdout=err,
                stderr=err,
                cwd=Path(__file__).resolve().parent.parent,
            )

    def start_apps(self) -> None:
        for role in self.plan.apps:
            app = App(
                role, self.tmux, self.cluster, self.book, random.Random(f"{self.plan.seed}:{role}")
            )
            self.apps.append(app)
        deadline = time.monotonic() + 30
        while len(self.book.open_runs()) < 2 and time.monotonic() < deadline:
            time.sleep(0.3)
            self.book.refresh()
        runs = sorted(self.book.open_runs(), key=lambda r: r.opened)
        for i, app in enumerate(self.apps):
            app.launch(runs[i % len(runs)].run_id)
            self.say(f"app {app.role} pid {app.pid} on {app.run_id}")
        threading.Thread(target=self.drive_apps, name="apps", daemon=True).start()

    def drive_apps(self) -> None:
        while not self.app_stop.is_set():
            time.sleep(1.0)
            with self.app_pause:
                if self.app_stop.is_set():
                    return
                self.book.refresh()
                for app in self.apps:
                    try:
                        pid = app.pid
                        if pid is not None and not procs.alive(pid):
                            screen = app.screen()
                            self.problems.append(
                                f"app {app.role} pid {pid} exited on its own; its screen: "
                                + " | ".join(line.strip() for line in screen.splitlines()[-12:])
                            )
                            app.restart("exited on its own")
                        elif "auth failed" in app.screen():
                            app.restart("auth failed on screen")
                            self.note("app_restart", role=app.role, why="auth failed")
                        else:
                            app.step()
                    except Exception as exc:  # keep driving the others
                        self.say(f"app {app.role}: {exc!r}")

    # -- sampling ---------------------------------------------------------------------------

    def sample_loop(self) -> None:
        while not self.sampling.is_set():
            self.sample()
            self.sampling.wait(self.plan.sample_every)

    def sample(self) -> dict[str, Any]:
        now = time.monotonic()
        table = procs.tcp_table()
        entry: dict[str, Any] = {"t": round(now - self.t0, 2), "phase": self.phase, "apps": {}}
        for app in self.apps:
            pid = app.pid
            if pid is None or not procs.alive(pid):
                continue
            entry["apps"][app.role] = {
                "pid": pid,
                "rss_kib": procs.rss_kib(pid),
                "fds": procs.fds(pid),
                "threads": procs.threads(pid),
                "conns": len(procs.redis_ports(pid, self.cluster.port, table)),
                "tasks": _probe_tasks(self.work / "probe", pid),
            }
        tails = {}
        for tail in self.tails:
            pid = tail.current_pid()
            if pid is not None:
                tails[tail.role] = {
                    "pid": pid,
                    "fds": procs.fds(pid),
                    "rss_kib": procs.rss_kib(pid),
                    "conns": len(procs.redis_ports(pid, self.cluster.port, table)),
                }
        entry["tails"] = tails
        entry["redis_clients"] = sum(
            1
            for _l, remote, state, _i in table
            if remote == self.cluster.port and state == procs.ESTABLISHED
        )
        self.samples.append(entry)
        return entry

    # -- faults -----------------------------------------------------------------------------

    def viewer_pids(self) -> list[int]:
        pids = [app.pid for app in self.apps] + [tail.current_pid() for tail in self.tails]
        return [pid for pid in pids if pid is not None]

    def kill_viewer_connections(self) -> int:
        table = procs.tcp_table()
        killed = 0
        for pid in self.viewer_pids():
            for port in procs.redis_ports(pid, self.cluster.port, table):
                try:
                    self.cluster.command("CLIENT", "KILL", "ADDR", f"127.0.0.1:{port}")
                    killed += 1
                except Exception:
                    pass  # already gone
        return killed

    def do_fault(self, fault: Fault) -> None:
        fault.started = time.monotonic()
        fault.phase = self.phase
        kind = fault.kind
        if kind == "kill9":
            killed, ready = self.cluster.restart()
            fault.detail = f"redis back in {ready - killed:.2f} s"
            if self.phase == "none":
                self.wipes.append({"run": "*", "start": killed, "end": ready, "why": "kill9"})
        elif kind == "sigstop":
            seconds = fault.params["seconds"]
            pid = self.cluster.server.pid
            assert pid is not None
            stop_cont(pid, seconds)
            fault.detail = f"stopped {seconds} s"
        elif kind == "debug_sleep":
            seconds = fault.params["seconds"]
            self.cluster.command("DEBUG", "SLEEP", str(seconds), timeout=seconds + 20)
            fault.detail = f"slept {seconds} s"
        elif kind == "client_kill":
            fault.detail = f"{self.kill_viewer_connections()} viewer connections killed"
        elif kind == "rotate":
            self.rotate(fault)
        elif kind == "producer_kill":
            self.kill_producer(fault)
        elif kind == "flush":
            self.flush(fault)
        fault.ended = time.monotonic()
        self.say(f"fault {fault.index} {kind} ({fault.detail}) {fault.ended - fault.started:.1f} s")

    def rotate(self, fault: Fault) -> None:
        """New password; tails' connections killed (they fail auth and are restarted with the
        new one), apps quit and started again (they read ``.env`` at start). The fault is
        over when no tail started before the rotation is still running."""
        rotated = time.monotonic()
        self.cluster.rotate_password()
        killed = self.kill_viewer_connections()
        with self.app_pause:
            for app in self.apps:
                app.restart("password rotated")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            old = [t.role for t in self.tails if t.spawned_before(rotated)]
            if not old:
                break
            self.kill_viewer_connections()
            time.sleep(0.5)
        else:
            self.problems.append(f"tails {old} still on the old password 30 s after rotation")
        fault.detail = f"{killed} viewer connections killed, apps restarted"

    def kill_producer(self, fault: Fault) -> None:
        name = sorted(self.producers)[int(fault.params["pick"] * len(self.producers))]
        proc = self.producers[name]
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        self.book.refresh()
        tag = f"{name}.{self.plan.producers[name]['incarnation']}"
        run_id = self.book.mark_dead(tag)
        fault.detail = f"{tag} killed, run {run_id} left open"
        self.plan.producers[name]["incarnation"] += 1
        self.start_producer(name)

    def flush(self, fault: Fault) -> None:
        self.book.refresh()
        reading = {c.current_chain().run_id for c in self.tails if c.current_chain() is not None}  # type: ignore[union-attr]
        open_runs = self.book.open_runs()
        candidates = [r for r in open_runs if r.run_id in reading] or open_runs
        if not candidates:
            fault.detail = "no open run"
            return
        run = candidates[int(fault.params["pick"] * len(candidates))]
        start = time.monotonic()
        self.cluster.command("DEL", *self.cluster.keys_of(run.run_id))
        end = time.monotonic()
        self.wipes.append({"run": run.run_id, "start": start, "end": end, "why": "flush"})
        fault.detail = f"run {run.run_id} ({run.last_seq} seqs) deleted"

    # -- the whole thing --------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        plan = self.plan
        self.cluster.start()
        self.say(f"redis on 127.0.0.1:{self.cluster.port} (appendonly), work dir {self.work}")
        self.faults = schedule(
            plan.seed, plan.seconds, plan.mean_gap, quiet_tail=plan.seconds / 4, kinds=plan.kinds
        )
        for name in plan.producers:
            self.start_producer(name)
        threading.Thread(target=self.sample_loop, name="sampler", daemon=True).start()
        self.start_apps()
        for i, role in enumerate(plan.tails):
            tail = TailConsumer(
                i, role, self.cluster, self.book, random.Random(f"{plan.seed}:{role}")
            )
            self.tails.append(tail)
            tail.start()
        time.sleep(plan.warmup)
        self.note("faults_start")
        started = time.monotonic()
        self.say(f"warm-up done; {len(self.faults)} faults over {plan.seconds:.0f} s")
        for fault in self.faults:
            if self.phase == "aof" and fault.at >= plan.seconds * plan.none_phase_from:
                self.cluster.set_persistence(False)
                self.phase = "none"
                self.note("phase_none")
                self.say("phase 2: appendonly off")
            delay = started + fault.at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self.check_producers()
            try:
                self.do_fault(fault)
            except Exception as exc:
                fault.ended = time.monotonic()
                fault.detail = f"fault failed: {exc!r}"
                self.problems.append(f"fault {fault.index} {fault.kind} failed: {exc!r}")
                self.say(fault.detail)
        rest = started + plan.seconds - time.monotonic()
        if rest > 0:
            time.sleep(rest)
        self.note("faults_end")
        self.say(f"faults over; quiet for {plan.quiet:.0f} s")
        time.sleep(plan.quiet)
        return self.finish()

    def check_producers(self) -> None:
        for name, proc in self.producers.items():
            if proc.poll() is not None:
                self.problems.append(f"producer {name} exited on its own ({proc.returncode})")
                self.plan.producers[name]["incarnation"] += 1
                self.start_producer(name)

    def finish(self) -> dict[str, Any]:
        settled = self.settled_views()
        self.say("stopping producers")
        for proc in self.producers.values():
            proc.send_signal(signal.SIGTERM)
        for name, proc in self.producers.items():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.problems.append(f"producer {name} ignored SIGTERM")
                proc.kill()
        self.book.refresh()
        self.note("producers_stopped")
        for tail in self.tails:
            tail.stop_new.set()
        drained = self.drain_tails()
        with self.app_pause:
            self.app_stop.set()
        time.sleep(2)
        finals = [self.app_final(app) for app in self.apps]
        final_sample = self.sample()
        clients = self.client_list_check(final_sample)
        self.sampling.set()
        for app in self.apps:
            app.quit("soak over")
        self.tmux.kill_server()
        self.cluster.close()
        return {
            "settled": settled,
            "drained": drained,
            "apps_final": finals,
            "clients": clients,
        }

    def settled_views(self) -> dict[str, Any]:
        """After the quiet period: no app reconnecting, every tail connected (not retrying)."""
        states = {}
        for app in self.apps:
            screen = app.screen()
            status = app.status_line(screen)
            states[app.role] = status.strip()
        return {"apps": states}

    def drain_tails(self) -> dict[str, Any]:
        """Let every chain end by itself (finished, or abandoned on a stale run); then stop."""
        deadline = time.monotonic() + (40 if self.plan.short else 60)
        while time.monotonic() < deadline:
            if all(t.current_chain() is None for t in self.tails):
                break
            time.sleep(0.5)
        stuck = {}
        for tail in self.tails:
            chain = tail.current_chain()
            if chain is not None:
                last = self.cluster.last_seq(chain.run_id)
                stuck[tail.role] = {"run": chain.run_id, "next": chain.next, "last_seq": last}
            tail.hard_stop.set()
        for tail in self.tails:
            tail.join(timeout=20)
        return {"stuck": stuck}

    def app_final(self, app: App) -> dict[str, Any]:
        view = app.final_view()
        run_id = view["run"]
        if isinstance(run_id, str):
            view["redis_last_seq"] = self.cluster.last_seq(run_id)
        return view

    def client_list_check(self, sample: dict[str, Any]) -> dict[str, Any]:
        """Every connection Redis has is an app's (the producers and tails are gone)."""
        reply = self.cluster.command("CLIENT", "LIST").decode()
        lines = [line for line in reply.splitlines() if line.strip()]
        table = procs.tcp_table()
        app_ports = {
            port
            for app in self.apps
            if app.pid is not None
            for port in procs.redis_ports(app.pid, self.cluster.port, table)
        }
        foreign = []
        for line in lines:
            fields = dict(part.split("=", 1) for part in line.split(" ") if "=" in part)
            port = int(fields.get("addr", "0:0").rsplit(":", 1)[1])
            if port not in app_ports and "cmd=client|list" not in line:
                foreign.append(fields.get("addr", "?") + " cmd=" + fields.get("cmd", "?"))
        return {"total": len(lines), "apps": len(app_ports), "unexplained": foreign}


def _probe_tasks(directory: Path, pid: int) -> int | None:
    try:
        return int(json.loads((directory / f"{pid}.json").read_text())["tasks"])
    except (OSError, ValueError, KeyError):
        return None
