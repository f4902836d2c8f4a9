"""``python -m soak --minutes N [--seed S] [--short] [--out DIR]``: see ``soak/__init__.py``."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from soak import checker, report
from soak.faults import KINDS
from soak.run import Plan, Soak

DEFAULT_OUT = Path(__file__).resolve().parent / "results"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m soak", description=__doc__)
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--minutes", type=float, help="minutes of faults (default 30)")
    length.add_argument("--seconds", type=float, help="seconds of faults (short runs)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the fault schedule")
    parser.add_argument(
        "--short",
        action="store_true",
        help="short mode: small runs, MAXLEN 300, a fault every ~7 s (the test suite's)",
    )
    parser.add_argument(
        "--kinds",
        type=_kinds,
        default=KINDS,
        metavar="KIND,...",
        help=f"only these faults (default all: {','.join(KINDS)})",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="report directory")
    parser.add_argument("--name", default=None, help="report file name (default soak-<len>)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    return parser


def _kinds(text: str) -> tuple[str, ...]:
    kinds = tuple(k.strip() for k in text.split(",") if k.strip())
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(f"unknown fault(s) {unknown}; choose from {KINDS}")
    return kinds


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    seconds = args.seconds if args.seconds else 60 * (args.minutes or 30)
    plan = Plan.make(seconds, args.seed, args.short)
    plan.kinds = args.kinds
    work = Path(tempfile.mkdtemp(prefix="arena-soak-"))
    command = shlex.join(["python", "-m", "soak", *(sys.argv[1:] if argv is None else argv)])
    soak = Soak(plan, work)
    started = time.time()
    try:
        end = soak.run()
    finally:
        soak.sampling.set()
        soak.app_stop.set()
        soak.tmux.kill_server()
        for proc in soak.producers.values():
            if proc.poll() is None:
                proc.kill()
        soak.cluster.close()
    check = checker.check(work, soak.wipes, plan.max_len)
    faults = [f.as_dict() for f in soak.faults]
    t0 = soak.t0
    for fault in faults:
        for key in ("started", "ended"):
            if fault[key] is not None:
                fault[key] = round(fault[key] - t0, 2)
    outcome = {
        "command": command,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "wall_s": round(time.time() - started, 1),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "plan": {k: v for k, v in vars(plan).items()},
        "faults_by_kind": report.faults_by_kind(faults),
        "faults_done": sum(1 for f in faults if f["ended"] is not None),
        "schedule": faults,
        "wipes": [
            {**w, "start": round(w["start"] - t0, 2), "end": round(w["end"] - t0, 2)}
            for w in soak.wipes
        ],
        "wipes_monotonic": soak.wipes,
        "t0_monotonic": t0,
        "check": check.as_dict(),
        "end": end,
        "leaks": report.leak_checks(soak.samples, 15 if plan.short else 60, judge=not plan.short),
        "tail_restarts": {t.role: t.restarts for t in soak.tails},
        "app_lives": {
            a.role: [
                vars(life)
                | {
                    "started": round(life.started - t0, 1),
                    "ended": round((life.ended or t0) - t0, 1),
                }
                for life in a.lives
            ]
            for a in soak.apps
        },
        "problems": soak.problems,
        "stuck_app_screens": {a.role: a.stuck_screens for a in soak.apps if a.stuck_screens},
        "samples": soak.samples,
    }
    outcome["failures"] = report.verdict(outcome)
    outcome["passed"] = not outcome["failures"]
    name = args.name or (
        f"soak-{int(seconds // 60)}min" if seconds >= 60 else f"soak-{int(seconds)}s"
    )
    path = report.write(outcome, args.out, name)
    (work / "report.json").write_text(json.dumps(outcome, default=str) + "\n")  # beside its data
    print(summary(outcome, path))
    if args.keep or not outcome["passed"]:
        print(f"work directory kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if outcome["passed"] else 1


def summary(outcome: dict[str, object], path: Path) -> str:
    check = outcome["check"]
    assert isinstance(check, dict)
    lines = [
        f"soak: {outcome['command']} ({outcome['wall_s']} s)",
        f"faults: {outcome['faults_done']} {outcome['faults_by_kind']}",
        "schedule: " + ", ".join(f"{f['at']:.0f}s {f['kind']}" for f in outcome["schedule"]),  # type: ignore[index, union-attr]
        f"events acked {check['events_acked']}, unknown outcome {check['events_unknown_outcome']}, "
        f"delivered {check['events_delivered']} in {check['chains']} chains, "
        f"acked seqs checked {check['acked_seqs_checked']}",
        f"lost by broker: trimmed {check['lost_by_broker_trimmed']}, reset "
        f"{check['lost_by_broker_reset']}; lost by arena-tui {check['lost_by_arena_tui']}; "
        f"duplicates {check['duplicates']}; max reconnect {check['max_reconnect_s']} s",
        f"report: {path}",
        "PASSED" if outcome["passed"] else "FAILED:\n  " + "\n  ".join(outcome["failures"][:40]),  # type: ignore[index]
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
