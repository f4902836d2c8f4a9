"""The ``arena-tui`` command: the app, its demo, and the headless commands.

This package is the only place that reads the environment: ``main`` loads ``.env`` from the
current directory (python-dotenv; variables already set win), builds ``Settings`` from
``os.environ`` and hands them down. It also owns the exit codes: 0 on success, 2 on usage errors
(argparse, or the app without a terminal), 1 on failure with one line on stderr and no traceback
(``ARENA_TUI_DEBUG=1`` shows it), 130 on Ctrl-C, 143 on SIGTERM. Passwords never reach stderr:
broker errors are built with masked URLs, and this edge masks the configured password once more
in whatever it prints. Textual is imported only when the app runs, so the headless commands
start fast and work without a terminal.

``main`` (the ``arena-tui`` script) parses (``parser``), then hands the command to its group:
``app`` (the app, ``demo``, ``serve``), ``reads`` (``runs``, ``tail``) or ``produce``
(``produce``, ``smoke``, ``redis-env``); a headless command runs inside ``edge.with_broker``,
and every failure leaves through ``edge``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from dotenv import load_dotenv

from arena_tui.broker.cold import logs_root
from arena_tui.broker.errors import BrokerError
from arena_tui.broker.protocol import EventBroker
from arena_tui.cli import app
from arena_tui.cli.edge import (
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    Terminated,
    fail,
    silence_stdout,
    with_broker,
)
from arena_tui.cli.parser import build_parser
from arena_tui.config import Settings

Job = Callable[[EventBroker, Settings, argparse.Namespace], Awaitable[int]]
JOBS: dict[str, tuple[str, str]] = {
    "runs": ("arena_tui.cli.reads", "runs"),
    "tail": ("arena_tui.cli.reads", "tail"),
    "produce": ("arena_tui.cli.produce", "produce"),
    "smoke": ("arena_tui.cli.produce", "smoke"),
}
"""The headless commands that need a broker: module and function, imported when chosen (the
app's start imports none of them: ~15 ms of its startup, bench figure 9)."""


def _job(command: str) -> Job:
    module, name = JOBS[command]
    job: Job = getattr(importlib.import_module(module), name)
    return job


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    load_dotenv(Path.cwd() / ".env", override=False)
    env = os.environ
    try:
        return _run(args, env)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Terminated:
        return EXIT_TERMINATED
    except BrokenPipeError:  # `arena-tui tail ... | head`: the reader has all it wanted
        silence_stdout()
        return 0
    except BrokerError as exc:
        return fail(str(exc), env)
    except Exception as exc:
        if env.get("ARENA_TUI_DEBUG", "").strip() not in {"", "0"}:
            raise
        return fail(f"unexpected {type(exc).__name__}: {exc} (ARENA_TUI_DEBUG=1 shows why)", env)


def _run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    if args.command == "redis-env":
        from arena_tui.cli import produce

        return produce.redis_env(env)
    settings = Settings.from_mapping(env)
    if args.logs_root is not None:
        settings = replace(settings, logs_root=logs_root(env, args.logs_root))
    if args.command == "serve":
        return app.serve_app(settings, args)
    if args.command in (None, "demo"):
        return app.run_app(
            settings, run_id=args.run, seq=args.seq, force_demo=args.command == "demo"
        )
    if args.command == "produce":
        from arena_tui.cli import produce

        settings = produce.produce_settings(settings, args)
    job = _job(args.command)
    return asyncio.run(with_broker(settings, lambda broker: job(broker, settings, args)))
