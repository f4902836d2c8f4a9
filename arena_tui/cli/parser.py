"""The ``arena-tui`` command line: every command, option and check of an argument's value.

One ``argparse`` parser, built in one place so that ``--help`` and the README's tables can be
read against it, and so that a value the command could not use (a port out of range, a seq
below 0, a broken ``--grep`` pattern, a negative rate) is a usage error (exit 2) before any
broker is made. What each command then does is its group's module (``app``, ``reads``,
``produce``); the defaults they share with it (``PRODUCE_TURNS``, ``TAIL_RETRY_FOR_S``) live
here, beside the help text that states them.
"""

from __future__ import annotations

import argparse
import math

from arena_tui import __version__
from arena_tui.cli.edge import PROG
from arena_tui.model.match import MatchSyntaxError, SearchPattern, parse_search

PRODUCE_TURNS = 200
TAIL_RETRY_FOR_S = 30.0
"""How long ``tail`` (following) waits for a broker it has never reached, by default."""


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
