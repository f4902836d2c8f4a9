"""``arena-tui produce``, ``smoke`` and ``redis-env``: the commands that feed or set up a broker.

``produce`` publishes synthetic runs (``arena_tui.arena``) to the configured broker, paced, for
a number of turns or until stopped, optionally writing the arena's DuckDB log beside them;
``smoke`` publishes one short run and reads it back; ``redis-env`` prints the export lines of
the runbook's ``arena-broker-redis-env``, the only command that prints a secret. They share
what a producer needs from this process: a seed (random unless given) and, for ``produce``,
the settings its options override (``--max-len``), checked before any broker is made.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from arena_tui.broker.protocol import EventBroker
from arena_tui.cli.parser import build_parser
from arena_tui.config import Settings
from arena_tui.headless import commands


def redis_env(env: Mapping[str, str]) -> int:
    for line in commands.redis_env_lines(env):
        print(line)
    return 0


def produce_settings(settings: Settings, args: argparse.Namespace) -> Settings:
    """``settings`` with ``produce``'s overrides; a usage error (exit 2) for ``--forever``
    unpaced."""
    if args.forever and not args.rate:
        build_parser().error(
            "produce --forever needs a rate: --rate 0 would publish unpaced for ever"
        )
    if args.max_len is not None:
        settings = replace(settings, broker=replace(settings.broker, max_len=args.max_len))
    return settings


async def produce(broker: EventBroker, settings: Settings, args: argparse.Namespace) -> int:
    return await commands.produce(
        broker,
        sys.stdout,
        runs=args.runs,
        turns=None if args.forever else args.turns,
        rate=args.rate or None,
        label=args.label,
        keep_open=args.keep_open,
        seed=_seed(args.seed),
        logs=Path(args.write_logs) if args.write_logs else None,
        err=sys.stderr,
    )


async def smoke(broker: EventBroker, settings: Settings, args: argparse.Namespace) -> int:
    return await commands.smoke(broker, sys.stdout, seed=_seed(args.seed))


def _seed(value: int | None) -> int:
    return value if value is not None else secrets.randbits(32)
