"""The process's edge: exit codes, signals, the one error line, the broker's lifetime.

Every command ends the same way: 0 on success, 2 on usage errors, 1 on failure with one line on
stderr (``fail``, which masks the configured password once more in whatever it prints), 130 on
Ctrl-C, 143 on SIGTERM. A headless command runs inside ``with_broker``: the broker (wrapped to
read the arena's logs) is closed however the command ends, and a signal cancels the command and
gives it ``CANCEL_GRACE_S`` to unwind (``produce`` closes its runs) before the process exits
regardless. Kept apart from the commands so that each group's module says only what its
commands do, and from the entry point so that those modules can use it without a cycle.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import quote, unquote

from arena_tui.broker.cold import with_logs
from arena_tui.broker.factory import make_broker
from arena_tui.broker.protocol import EventBroker
from arena_tui.config import Settings
from arena_tui.model.text import safe_text

PROG = "arena-tui"
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
CANCEL_GRACE_S = 2.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


async def with_broker(settings: Settings, job: Callable[[EventBroker], Awaitable[int]]) -> int:
    broker = with_logs(make_broker(settings.broker), settings.logs_root)
    try:
        return await _interruptible(job(broker))
    finally:
        await broker.aclose()


class Terminated(Exception):
    """SIGTERM ended a headless command (after it unwound): exit 143."""


async def _interruptible(job: Awaitable[int]) -> int:
    """Run ``job``; Ctrl-C (SIGINT) or SIGTERM cancels it, whatever it is doing, and raises
    ``KeyboardInterrupt`` (exit 130) or ``Terminated`` (exit 143) once it has unwound (so
    ``produce`` closes its runs on ``kill``, as on Ctrl-C).

    asyncio.run's own Ctrl-C only cancels the main task, and a library that swallows that
    cancellation (seen in a redis-py read under load) would leave the process hanging. So the
    job gets ``CANCEL_GRACE_S`` to unwind; past that the process exits at once with 130 (143).
    """
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(job)
    received: list[signal.Signals] = []
    interrupted = asyncio.Event()

    def on_signal(sig: signal.Signals) -> None:
        received.append(sig)
        interrupted.set()

    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, on_signal, sig)
    waiter = asyncio.ensure_future(interrupted.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            return task.result()
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=CANCEL_GRACE_S)
        terminated = received[0] == signal.SIGTERM
        if not done:
            sys.stdout.flush()
            os._exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)
        raise Terminated if terminated else KeyboardInterrupt
    finally:
        waiter.cancel()
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)


def fail(message: str, env: Mapping[str, str]) -> int:
    print(f"{PROG}: error: {safe_text(mask_secrets(message, env))}", file=sys.stderr)
    return EXIT_FAILURE


def mask_secrets(message: str, env: Mapping[str, str]) -> str:
    """``message`` with the configured Redis password (plain or URL-quoted) replaced by ***."""
    found = [env.get("REDIS_PASSWORD", "")]
    userinfo = env.get("REDIS_URL", "").partition("://")[2].rpartition("@")[0]
    found.append(userinfo.partition(":")[2] or userinfo)
    forms = {f for value in found for f in (value, unquote(value), quote(value, safe=""))}
    for secret in sorted((f for f in forms if len(f) >= 3), key=len, reverse=True):
        message = message.replace(secret, "***")
    return message


def silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's exit flush is quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
