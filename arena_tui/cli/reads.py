"""``arena-tui runs`` and ``arena-tui tail``: the commands that read the broker's runs.

Both hand over to ``headless.commands`` with the streams and settings of this process; what
is theirs here is how they speak of a run that is not there: ``not_in_broker`` names the key
prefix (or the in-process broker, which holds only this process's runs), in the words the app's
``--run`` check uses too, and ``tail``'s default patience for a broker it has never reached
(``--retry-for``: 30 s following, 0 with ``--no-follow``).
"""

from __future__ import annotations

import argparse
import sys

from arena_tui.broker.errors import BrokerError, RunNotFoundError
from arena_tui.broker.protocol import EventBroker
from arena_tui.cli.edge import PROG
from arena_tui.cli.parser import TAIL_RETRY_FOR_S
from arena_tui.config import Settings
from arena_tui.headless import commands
from arena_tui.model.match import EventFilter
from arena_tui.model.text import safe_text


async def runs(broker: EventBroker, settings: Settings, args: argparse.Namespace) -> int:
    return await commands.runs(
        broker,
        sys.stdout,
        stale_after=settings.stale_after,
        as_json=args.json,
        empty_hint=inprocess_hint(settings),
        err=sys.stderr,
    )


async def tail(broker: EventBroker, settings: Settings, args: argparse.Namespace) -> int:
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
        raise not_in_broker(settings, args.run_id) from None


def not_in_broker(settings: Settings, run_id: str) -> BrokerError:
    where = (
        f"prefix {settings.broker.key_prefix}"
        if settings.broker.backend == "redis"
        else "in-process"
    )
    hint = inprocess_hint(settings)
    return BrokerError(
        f"run {safe_text(run_id)} is not in the broker ({where}): "
        f"list runs with `{PROG} runs`{'; ' + hint if hint else ''}"
    )


def inprocess_hint(settings: Settings) -> str:
    if settings.broker.backend == "redis":
        return ""
    return (
        "the in-process broker holds only this process's runs; "
        "set ARENA_BROKER_BACKEND=redis to read the arena's"
    )
