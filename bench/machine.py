"""What the figures were measured on: cores, CPU, memory, Python, Redis and library versions."""

from __future__ import annotations

import os
import platform
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_mb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return None


def _optional_version(package: str) -> str:
    """The installed version, or "not installed" (redis-py falls back to its Python parser)."""
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def describe(redis_version: str) -> dict[str, Any]:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cores": cores,
        "cpu": _cpu_model(),
        "memory_mb": _mem_total_mb(),
        "os": f"{platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
        "redis_server": redis_version,
        "redis_py": version("redis"),
        "hiredis": _optional_version("hiredis"),
        "textual": version("textual"),
    }


def rss_mb(pid: int | None = None) -> float:
    """Resident set size of a process (default: this one) in MiB, from ``/proc``."""
    status = Path(f"/proc/{pid or 'self'}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/<pid>/status")
