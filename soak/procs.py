"""What the soak reads about a process from /proc: RSS, fds, threads, its Redis connections."""

from __future__ import annotations

import os
from pathlib import Path


def rss_kib(pid: int) -> int | None:
    return _status_field(pid, "VmRSS")


def threads(pid: int) -> int | None:
    return _status_field(pid, "Threads")


def _status_field(pid: int, name: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def fds(pid: int) -> int | None:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def socket_inodes(pid: int) -> set[int]:
    found: set[int] = set()
    try:
        names = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return found
    for name in names:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{name}")
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(int(target[8:-1]))
    return found


def tcp_table() -> list[tuple[int, int, int, int]]:
    """(local port, remote port, state, inode) of every IPv4 TCP socket on the machine."""
    rows = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        local, remote, state, inode = parts[1], parts[2], parts[3], parts[9]
        rows.append(
            (
                int(local.split(":")[1], 16),
                int(remote.split(":")[1], 16),
                int(state, 16),
                int(inode),
            )
        )
    return rows


ESTABLISHED = 0x01


def redis_ports(
    pid: int, redis_port: int, table: list[tuple[int, int, int, int]] | None = None
) -> list[int]:
    """The local ports of ``pid``'s established connections to ``redis_port``."""
    inodes = socket_inodes(pid)
    rows = tcp_table() if table is None else table
    return [
        local
        for local, remote, state, inode in rows
        if remote == redis_port and state == ESTABLISHED and inode in inodes
    ]


def alive(pid: int) -> bool:
    """The process exists and is not a zombie (exited, not yet reaped by its parent)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"
