"""The soak's verdict and report: leak checks from the samples, the JSON, the SVG chart."""

from __future__ import annotations

import html
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

RSS_LIMIT_MIB = 15.0
FD_SLACK = 4
TASK_SLACK = 5
THREAD_SLACK = 2


def leak_checks(
    samples: list[dict[str, Any]], warmup_s: float, *, judge: bool = True
) -> dict[str, Any]:
    """Per app process (pid): its first sample at least ``warmup_s`` into its life against its
    last sample. Lives shorter than two warm-ups are listed but not judged; nothing is judged
    without ``judge`` (the short mode: its lives of a minute or two are too short to tell a
    leak from a screen opened late, e.g. the charts)."""
    lives: dict[tuple[str, int], list[tuple[float, dict[str, Any]]]] = defaultdict(list)
    for sample in samples:
        for role, app in sample["apps"].items():
            if app.get("rss_kib") is not None and app.get("fds") is not None:
                lives[(role, app["pid"])].append((sample["t"], app))
    results = []
    failures = []
    for (role, pid), points in lives.items():
        start = points[0][0]
        warm = next((p for t, p in points if t >= start + warmup_s), None)
        end_t, end = points[-1]
        life: dict[str, Any] = {"role": role, "pid": pid, "seconds": round(end_t - start, 1)}
        if warm is None or end_t - start < 2 * warmup_s or not judge:
            life["judged"] = False
            results.append(life)
            continue
        life["judged"] = True
        window = [p for t, p in points if start + warmup_s <= t <= start + 2 * warmup_s]
        tail = [p for _, p in points[-3:]]
        life["rss_mib_after_warmup"] = round(warm["rss_kib"] / 1024, 1)
        life["rss_mib_end"] = round(end["rss_kib"] / 1024, 1)
        life["rss_growth_mib"] = round((end["rss_kib"] - warm["rss_kib"]) / 1024, 1)
        for key in ("fds", "threads", "conns", "tasks"):
            life[f"{key}_after_warmup"] = warm.get(key)
            life[f"{key}_end"] = end.get(key)
        if life["rss_growth_mib"] > RSS_LIMIT_MIB:
            failures.append(f"app {role} pid {pid}: RSS grew {life['rss_growth_mib']} MiB")
        limits = {"fds": FD_SLACK, "tasks": TASK_SLACK, "threads": THREAD_SLACK, "conns": 2}
        for key, slack in limits.items():
            # transient tasks, fds and connections come and go: the most seen just after
            # warm-up against the fewest seen at the end
            before = max((p[key] for p in window if p.get(key) is not None), default=None)
            after = min((p[key] for p in tail if p.get(key) is not None), default=None)
            if before is not None and after is not None and after > before + slack:
                failures.append(f"app {role} pid {pid}: {key} {before} -> {after}")
        results.append(life)
    return {"lives": results, "failures": failures}


def verdict(outcome: dict[str, Any]) -> list[str]:
    """Everything that makes the soak fail, in words."""
    failures = list(outcome["check"]["failures"])
    failures += outcome["leaks"]["failures"]
    failures += outcome["problems"]
    for role, screens in outcome.get("stuck_app_screens", {}).items():
        failures.append(f"app {role}: q did not quit within 15 s ({len(screens)} times)")
    end = outcome["end"]
    for role, status in end["settled"]["apps"].items():
        if any(bad in status for bad in ("reconnecting", "auth failed")):
            failures.append(f"app {role} still '{status}' after the faults stopped")
    for view in end["apps_final"]:
        if view.get("bad_state"):
            failures.append(f"app {view['role']} ends in state {view['bad_state']}")
        gone = view.get("gone_run")
        if gone and not gone["said"] and "finished at seq" in gone["status_line"]:
            failures.append(
                f"app {view['role']}: its finished run {gone['run']} was deleted and it did not "
                f"say so: '{gone['status_line']}'"
            )
        if view.get("run") is None:
            failures.append(f"app {view['role']}: could not tell its run from the screen")
        elif view.get("newest_seq") != view.get("redis_last_seq"):
            failures.append(
                f"app {view['role']}: shows newest seq {view.get('newest_seq')}, "
                f"Redis has {view.get('redis_last_seq')} for run {view['run']}"
            )
        elif view.get("cursor_seq") != view.get("newest_seq"):
            failures.append(f"app {view['role']}: End did not reach the newest seq ({view})")
    for role, stuck in end["drained"]["stuck"].items():
        failures.append(f"tail {role} did not finish its run: {stuck}")
    if end["clients"]["unexplained"]:
        failures.append(
            f"Redis connections nobody owns at the end: {end['clients']['unexplained']}"
        )
    return failures


def write(outcome: dict[str, Any], out_dir: Path, name: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.json"
    path.write_text(json.dumps(outcome, indent=1, default=str) + "\n")
    (out_dir / f"{name}.svg").write_text(chart(outcome["samples"], outcome["plan"]["seed"]))
    return path


def faults_by_kind(faults: list[dict[str, Any]]) -> dict[str, int]:
    return dict(Counter(f["kind"] for f in faults if f.get("ended") is not None))


# -- the chart ------------------------------------------------------------------------------

COLORS = {"follow": "#1f77b4", "scrollback": "#d62728", "replay": "#2ca02c"}
W, H, PAD = 720, 200, 44


def chart(samples: list[dict[str, Any]], seed: int) -> str:
    """Two small panels (RSS in MiB, open fds) per app over the soak, one line per process
    life (a password rotation restarts the apps), as a self-contained SVG."""
    panels: list[tuple[str, Callable[[dict[str, Any]], float]]] = [
        ("RSS (MiB)", lambda a: a["rss_kib"] / 1024),
        ("open fds", lambda a: a["fds"]),
    ]
    t_max = max((s["t"] for s in samples), default=1.0) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{2 * H + 30}" '
        f'font-family="sans-serif" font-size="11">',
        f'<rect width="{W}" height="{2 * H + 30}" fill="white"/>',
        f'<text x="{PAD}" y="14">arena-tui soak (seed {seed}): app RSS and fds over time '
        f"(s); a break in a line is a restart</text>",
    ]
    for row, (label, value) in enumerate(panels):
        top = 24 + row * H
        series: dict[tuple[str, int], list[tuple[float, float]]] = defaultdict(list)
        for s in samples:
            for role, app in s["apps"].items():
                v = (
                    value(app)
                    if app.get("rss_kib") is not None and app.get("fds") is not None
                    else None
                )
                if v is not None:
                    series[(role, app["pid"])].append((s["t"], float(v)))
        values = [v for points in series.values() for _, v in points]
        lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
        lo, hi = max(0.0, lo - 0.1 * (hi - lo) - 1), hi + 0.1 * (hi - lo) + 1
        x0, x1, y0, y1 = PAD, W - 90, top + H - 24, top + 8

        def x(t: float, x0: float = x0, x1: float = x1) -> float:
            return x0 + (x1 - x0) * t / t_max

        def y(v: float, lo: float = lo, hi: float = hi, y0: float = y0, y1: float = y1) -> float:
            return y0 - (y0 - y1) * (v - lo) / (hi - lo)

        parts.append(
            f'<rect x="{x0}" y="{y1}" width="{x1 - x0}" height="{y0 - y1}" '
            'fill="none" stroke="#999"/>'
        )
        parts.append(f'<text x="4" y="{y1 + 10}">{html.escape(label)}</text>')
        for v in (lo, (lo + hi) / 2, hi):
            parts.append(f'<text x="{x0 - 4}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.0f}</text>')
        for frac in (0.0, 0.25, 0.5, 0.75, 1.0):
            parts.append(
                f'<text x="{x(t_max * frac):.1f}" y="{y0 + 14}" '
                f'text-anchor="middle">{t_max * frac:.0f}</text>'
            )
        for (role, _pid), points in sorted(series.items(), key=lambda kv: kv[1][0][0]):
            path = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in points)
            parts.append(
                f'<polyline fill="none" stroke="{COLORS.get(role, "#555")}" '
                f'stroke-width="1.3" points="{path}"/>'
            )
        for i, role in enumerate(COLORS):
            parts.append(
                f'<text x="{x1 + 8}" y="{y1 + 14 + 14 * i}" fill="{COLORS[role]}">{role}</text>'
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
