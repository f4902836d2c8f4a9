"""The app, ``arena-tui demo`` and ``arena-tui serve``: the commands that start the Textual face.

``run_app`` makes the broker (the demo's in-process one with its own temporary logs root),
checks a ``--run`` before the app starts (an unknown or ambiguous id fails with ``tail``'s
words; a broker that cannot be asked now leaves it to the app), refuses to start without a
terminal (exit 2) and runs the app. ``serve`` starts textual-serve, whose tabs each run
``python -m arena_tui`` with this environment. Textual, aiohttp and textual-serve are imported
only inside these functions, so the headless commands never load them.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from arena_tui.broker.cold import with_logs
from arena_tui.broker.errors import BrokerUnavailableError, RunNotFoundError
from arena_tui.broker.factory import make_broker
from arena_tui.broker.protocol import EventBroker
from arena_tui.cli.edge import EXIT_USAGE, PROG, fail
from arena_tui.config import Settings

NO_TERMINAL = (
    f"{PROG}: error: the app needs a terminal (stdin and stderr must be a tty); "
    f"without one use the headless commands: `{PROG} runs`, `{PROG} tail RUN_ID`"
)


def run_app(settings: Settings, *, run_id: str | None, seq: int | None, force_demo: bool) -> int:
    # No collection until the first frame: importing Textual and building the screen allocate
    # ~100,000 long-lived objects and nothing worth collecting, and the collector ran ~130
    # times on the way (16 ms of a 250 ms start, bench figure 9). The app freezes what it
    # built and turns the collector back on once that frame is out (``ArenaApp.on_ready``).
    gc.disable()
    try:
        return _run_app(settings, run_id=run_id, seq=seq, force_demo=force_demo)
    finally:
        gc.enable()  # whether or not the app got to its first frame


def _run_app(settings: Settings, *, run_id: str | None, seq: int | None, force_demo: bool) -> int:
    from arena_tui.arena.demo import DEMO_MAX_LEN
    from arena_tui.ui.app import make_app  # Textual is imported only here

    if force_demo:
        settings = replace(
            settings, broker=replace(settings.broker, backend="inprocess"), demo=True
        )
    demo = settings.embedded_demo
    if demo:
        settings = replace(settings, broker=replace(settings.broker, max_len=DEMO_MAX_LEN))

    demo_logs = Path(tempfile.mkdtemp(prefix="arena-tui-demo-logs-")) if demo else None

    async def run() -> int:
        root = demo_logs or settings.logs_root  # the demo lists the logs it writes
        broker = with_logs(make_broker(settings.broker, deferred=True), root)
        try:
            resolved = run_id
            if run_id is not None and not demo:  # the demo's runs appear once it has started
                resolved = await _app_run_id(broker, settings, run_id)
            if not _has_terminal():
                print(NO_TERMINAL, file=sys.stderr)
                return EXIT_USAGE
            app = make_app(
                settings, broker, run_id=resolved, seq=seq, demo=demo, demo_logs=demo_logs
            )
            await app.run_async()
            return app.return_code or 0
        finally:
            await broker.aclose()

    try:
        return asyncio.run(run())
    finally:
        if demo_logs is not None:
            shutil.rmtree(demo_logs, ignore_errors=True)


def serve_app(settings: Settings, args: argparse.Namespace) -> int:
    """The app in browser tabs: each tab runs ``python -m arena_tui`` with this environment."""
    from arena_tui.broker.errors import url_display
    from arena_tui.web import serve  # aiohttp and textual-serve are imported only here

    app_args = [
        *(["--run", args.run] if args.run else []),
        *(["--seq", str(args.seq)] if args.seq is not None else []),
        *(["--logs-root", str(settings.logs_root)] if args.logs_root is not None else []),
    ]
    redis_shown = (
        url_display(settings.broker.redis_url) if settings.broker.backend == "redis" else None
    )
    warning = serve.exposure_warning(args.host, redis_shown)
    if warning:
        print(f"{PROG}: {warning}", file=sys.stderr)
    try:
        serve.serve(
            serve.tab_command(sys.executable, app_args),
            host=args.host,
            port=args.port,
            public_url=args.public_url or serve.default_public_url(args.host, args.port),
        )
    except serve.ServeError as exc:
        return fail(str(exc), os.environ)
    return 0


async def _app_run_id(broker: EventBroker, settings: Settings, run_id: str) -> str:
    """The run ``--run`` names (a unique prefix is enough), checked before the app starts:
    an unknown or ambiguous id fails at once, with tail's words. A broker that cannot be
    asked now leaves the id as given: the app shows the connection state and retries."""
    from arena_tui.cli.reads import not_in_broker
    from arena_tui.headless.run_ids import resolve_run_id

    try:
        return await resolve_run_id(broker, run_id)
    except RunNotFoundError:
        raise not_in_broker(settings, run_id) from None
    except BrokerUnavailableError:
        return run_id


def _has_terminal() -> bool:
    """Textual's terminal driver reads keys from stdin and draws on stderr: both must be a
    terminal. An explicit ``TEXTUAL_DRIVER`` brings its own I/O (``serve``'s tabs run the app
    with textual-serve's web driver, over pipes)."""
    if os.environ.get("TEXTUAL_DRIVER", "").strip():
        return True
    return sys.stdin.isatty() and sys.stderr.isatty()
