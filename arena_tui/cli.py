"""The ``arena-tui`` command: the app, its demo, and the headless commands.

This is the only module that reads the environment: it loads ``.env`` from the current
directory (python-dotenv; variables already set win), builds ``Settings`` from ``os.environ``
and hands them down. It also owns the exit codes: 0 on success, 2 on usage errors (argparse,
or the app without a terminal), 1 on failure with one line on stderr and no traceback
(``ARENA_TUI_DEBUG=1`` shows it), 130 on Ctrl-C, 143 on SIGTERM. Passwords never reach
stderr: broker errors are built with masked URLs, and this edge masks the configured password
once more in whatever it prints. Textual is imported only when the app runs, so the headless
commands start fast and work without a terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import secrets
import shutil
import signal
import sys
import tempfile
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote, unquote

from dotenv import load_dotenv

from arena_tui import __version__
from arena_tui.broker.cold import logs_root, with_logs
from arena_tui.broker.errors import BrokerError, BrokerUnavailableError, RunNotFoundError
from arena_tui.broker.factory import make_broker
from arena_tui.broker.protocol import EventBroker
from arena_tui.config import Settings
from arena_tui.headless import commands
from arena_tui.headless.run_ids import resolve_run_id
from arena_tui.model.match import EventFilter, MatchSyntaxError, SearchPattern, parse_search
from arena_tui.model.text import safe_text

PROG = "arena-tui"
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
PRODUCE_TURNS = 200
TAIL_RETRY_FOR_S = 30.0
"""How long ``tail`` (following) waits for a broker it has never reached, by default."""
NO_TERMINAL = (
    f"{PROG}: error: the app needs a terminal (stdin and stderr must be a tty); "
    f"without one use the headless commands: `{PROG} runs`, `{PROG} tail RUN_ID`"
)
CANCEL_GRACE_S = 2.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


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
        _silence_stdout()
        return 0
    except BrokerError as exc:
        return _fail(str(exc), env)
    except Exception as exc:
        if env.get("ARENA_TUI_DEBUG", "").strip() not in {"", "0"}:
            raise
        return _fail(f"unexpected {type(exc).__name__}: {exc} (ARENA_TUI_DEBUG=1 shows why)", env)


def _run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    if args.command == "redis-env":
        for line in commands.redis_env_lines(env):
            print(line)
        return 0
    settings = Settings.from_mapping(env)
    if args.logs_root is not None:
        settings = replace(settings, logs_root=logs_root(env, args.logs_root))
    if args.command == "serve":
        return _serve(settings, args)
    if args.command in (None, "demo"):
        return _run_app(settings, run_id=args.run, seq=args.seq, force_demo=args.command == "demo")
    if args.command == "produce" and args.forever and not args.rate:
        build_parser().error(
            "produce --forever needs a rate: --rate 0 would publish unpaced for ever"
        )
    if args.command == "produce" and args.max_len is not None:
        settings = replace(settings, broker=replace(settings.broker, max_len=args.max_len))
    out = sys.stdout
    jobs: dict[str, Callable[[EventBroker], Awaitable[int]]] = {
        "runs": lambda b: commands.runs(
            b,
            out,
            stale_after=settings.stale_after,
            as_json=args.json,
            empty_hint=_inprocess_hint(settings),
            err=sys.stderr,
        ),
        "tail": lambda b: _tail(b, settings, args),
        "produce": lambda b: commands.produce(
            b,
            out,
            runs=args.runs,
            turns=None if args.forever else args.turns,
            rate=args.rate or None,
            label=args.label,
            keep_open=args.keep_open,
            seed=_seed(args.seed),
            logs=Path(args.write_logs) if args.write_logs else None,
            err=sys.stderr,
        ),
        "smoke": lambda b: commands.smoke(b, out, seed=_seed(args.seed)),
    }
    return asyncio.run(_with_broker(settings, jobs[args.command]))


async def _with_broker(settings: Settings, job: Callable[[EventBroker], Awaitable[int]]) -> int:
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


async def _tail(broker: EventBroker, settings: Settings, args: argparse.Namespace) -> int:
    retry_for = args.retry_for
    if retry_for is None:
        retry_for = 0.0 if args.no_follow else TAIL_RETRY_FOR_S
    try:
        return await commands.tail(
            broker,
            sys.stdout,
            sys.stderr,
            args.run_id,
            from_seq=args.from_seq,
            follow=not args.no_follow,
            jsonl=args.jsonl,
            event_filter=EventFilter.of(args.kind, args.agent),
            grep=args.grep,
            retry_for=retry_for,
        )
    except RunNotFoundError:
        raise _not_in_broker(settings, args.run_id) from None


def _not_in_broker(settings: Settings, run_id: str) -> BrokerError:
    where = (
        f"prefix {settings.broker.key_prefix}"
        if settings.broker.backend == "redis"
        else "in-process"
    )
    hint = _inprocess_hint(settings)
    return BrokerError(
        f"run {safe_text(run_id)} is not in the broker ({where}): "
        f"list runs with `{PROG} runs`{'; ' + hint if hint else ''}"
    )


def _inprocess_hint(settings: Settings) -> str:
    if settings.broker.backend == "redis":
        return ""
    return (
        "the in-process broker holds only this process's runs; "
        "set ARENA_BROKER_BACKEND=redis to read the arena's"
    )


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
        broker = with_logs(make_broker(settings.broker), root)
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


def _serve(settings: Settings, args: argparse.Namespace) -> int:
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
        return _fail(str(exc), os.environ)
    return 0


async def _app_run_id(broker: EventBroker, settings: Settings, run_id: str) -> str:
    """The run ``--run`` names (a unique prefix is enough), checked before the app starts:
    an unknown or ambiguous id fails at once, with tail's words. A broker that cannot be
    asked now leaves the id as given: the app shows the connection state and retries."""
    try:
        return await resolve_run_id(broker, run_id)
    except RunNotFoundError:
        raise _not_in_broker(settings, run_id) from None
    except BrokerUnavailableError:
        return run_id


def _has_terminal() -> bool:
    """Textual's terminal driver reads keys from stdin and draws on stderr: both must be a
    terminal. An explicit ``TEXTUAL_DRIVER`` brings its own I/O (``serve``'s tabs run the app
    with textual-serve's web driver, over pipes)."""
    if os.environ.get("TEXTUAL_DRIVER", "").strip():
        return True
    return sys.stdin.isatty() and sys.stderr.isatty()


def _seed(value: int | None) -> int:
    return value if value is not None else secrets.randbits(32)


def _fail(message: str, env: Mapping[str, str]) -> int:
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


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's exit flush is quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _port(text: str) -> int:
    value = int(text)
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError(f"must be a port number (1-65535), got {value}")
    return value


def _grep(text: str) -> SearchPattern:
    try:
        return parse_search(text)
    except MatchSyntaxError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _retry_for(text: str) -> float:
    if text.strip().lower() == "none":
        return math.inf
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (value >= 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds (0: no retry) or none (retry for ever), got {text}"
        )
    return value


def _rate(text: str) -> float:
    value = float(text)
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of events/s (0: unpaced), got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Watch the Synthetic Arena's runs: live tail, replay, visible overflow. "
        "Without a command, start the app.",
        epilog="Configuration comes from the environment and ./.env (see env.example).",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--run",
        metavar="RUN_ID",
        help="open the app on this run: its id or any unique prefix (the 8 characters the app "
        "shows); an unknown or ambiguous id exits 1 before the app starts",
    )
    parser.add_argument("--seq", type=_non_negative, metavar="N", help="... at this seq")
    parser.add_argument(
        "--logs-root",
        metavar="PATH",
        help="where the arena's DuckDB logs are (default ARENA_LOGS_ROOT, else logs/arena)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("demo", help="the app on the built-in synthetic arena (in-process)")

    runs = sub.add_parser("runs", help="list every run the broker holds")
    runs.add_argument("--json", action="store_true", help="one JSON array of run objects")

    tail = sub.add_parser(
        "tail",
        help="print a run's events in seq order",
        description="Print a run's events in seq order, with a notice line (a record with "
        "--jsonl) for each overflow, gap, reconnect, reset and the end of the run. Exit codes: 0 "
        "the run finished (or, with --no-follow, its newest event was printed), 1 an error (one "
        "line on stderr: unknown or ambiguous run, refused password, broker unreachable past "
        "--retry-for), 2 a usage error, 130 Ctrl-C, 143 SIGTERM.",
    )
    tail.add_argument(
        "run_id", metavar="RUN_ID", help="a run id, or any unique prefix of one (as the app shows)"
    )
    tail.add_argument(
        "--from-seq",
        type=_non_negative,
        default=0,
        metavar="N",
        help="start at this seq (0 and 1: the beginning)",
    )
    tail.add_argument(
        "--no-follow",
        action="store_true",
        help="stop after the newest event instead of following the run",
    )
    tail.add_argument(
        "--jsonl",
        action="store_true",
        help="one JSON object per line; `type` is event, overflow, gap, reconnected, reset or "
        "finished",
    )
    tail.add_argument(
        "--retry-for",
        type=_retry_for,
        metavar="SECONDS",
        help="while the broker has never answered, retry for this long, then exit 1 "
        f"(default {TAIL_RETRY_FOR_S:g} when following, 0 with --no-follow; 0: fail at once; "
        "none: retry for ever); once it has answered, a following tail reconnects for ever",
    )
    tail.add_argument(
        "--kind",
        action="append",
        default=[],
        metavar="KIND",
        help="print only events of this kind (repeatable: any of them), like the app's f",
    )
    tail.add_argument(
        "--agent",
        action="append",
        default=[],
        metavar="AGENT",
        help="print only events of agents whose id starts with this (repeatable)",
    )
    tail.add_argument(
        "--grep",
        type=_grep,
        metavar="PATTERN",
        help="print only events whose summary or payload JSON contains PATTERN "
        "(case-insensitive; re:REGEX for a regular expression), like the app's /; "
        "gap, overflow and finished notices are always printed",
    )

    produce = sub.add_parser("produce", help="publish synthetic runs to the configured broker")
    produce.add_argument(
        "--runs",
        type=_positive,
        default=1,
        metavar="N",
        help="runs published concurrently (default 1)",
    )
    length = produce.add_mutually_exclusive_group()
    length.add_argument(
        "--turns",
        type=_positive,
        default=PRODUCE_TURNS,
        metavar="N",
        help=f"turns per run (default {PRODUCE_TURNS}: a minute or more at the default rate, "
        "so the runs are still live when the app starts)",
    )
    length.add_argument(
        "--forever",
        action="store_true",
        help="publish until Ctrl-C or SIGTERM, then close the runs (unless --keep-open)",
    )
    produce.add_argument(
        "--rate",
        type=_rate,
        default=50.0,
        metavar="EVENTS_PER_S",
        help="events/s per run (default 50; 0: as fast as possible)",
    )
    produce.add_argument("--label", default="race", help="the run label (default race)")
    produce.add_argument(
        "--max-len",
        type=_positive,
        metavar="N",
        help="MAXLEN ~ of the streams written (default ARENA_MAX_LEN)",
    )
    produce.add_argument(
        "--keep-open", action="store_true", help="leave the runs open (their :open sentinel stays)"
    )
    produce.add_argument("--seed", type=int, help="seed of the runs (default random)")
    produce.add_argument(
        "--logs-root",
        dest="write_logs",
        metavar="DIR",
        help="also write the operation's DuckDB log under DIR, like the arena "
        "(DIR/<UTC day>/<label>-<HHMMSS>.duckdb, held until the operation ends)",
    )

    serve = sub.add_parser(
        "serve",
        help="the app in a browser: each tab runs its own app (textual-serve)",
        description="Serve the app to browsers: every tab that opens the page runs its own "
        "app, with this configuration (broker, .env, demo). Ctrl-C stops the server and every "
        "tab's app. Loopback only by default: on another address anyone who can reach the "
        "port can watch the runs.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="port to listen on (8000)")
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="the address to print for browsers (default http://HOST:PORT, this machine's "
        "name for 0.0.0.0)",
    )

    smoke = sub.add_parser("smoke", help="publish a short run, read it back and check it")
    smoke.add_argument("--seed", type=int, help="seed of the run (default random)")

    sub.add_parser(
        "redis-env",
        help='print export lines for Redis (eval "$(arena-tui redis-env)"); '
        "prints the password: the only command that does",
        description="Print the export lines of the runbook's arena-broker-redis-env, to eval in "
        "a shell: ARENA_BROKER_BACKEND=redis, REDIS_URL and (when set) REDIS_PASSWORD. REDIS_URL "
        "is the one the broker would use: REDIS_URL if set (an empty REDIS_URL= counts as "
        "unset), else built from REDIS_PASSWORD for localhost:6379. The password is printed in "
        "clear to stdout, for eval; this is the only command that ever prints a secret.",
    )
    return parser
