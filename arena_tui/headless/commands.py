"""The headless commands behind ``arena-tui runs|tail|produce|smoke|redis-env``.

Each command receives its broker and streams from the CLI (which owns the environment, the
exit codes and the error edge) and returns an exit code. Broker errors propagate to the CLI,
which prints them as one line. Output lines are flushed as they are written, so a script, a
test or a tmux pane reading a pipe sees each one at once.
"""

from __future__ import annotations

import asyncio
import random
import shlex
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO, TypeVar

from arena_tui.arena.logs import OperationLog
from arena_tui.arena.producer import publish_run
from arena_tui.arena.runs import PROFILES, SMOKE_EVENTS, RunPlanner, RunSpec
from arena_tui.broker.backoff import RETRY, Backoff
from arena_tui.broker.cold import ColdAwareBroker
from arena_tui.broker.cold.stitch import DiskRow
from arena_tui.broker.errors import (
    BrokerAuthError,
    BrokerConfigError,
    BrokerError,
    BrokerUnavailableError,
)
from arena_tui.broker.factory import BrokerSettings
from arena_tui.broker.models import Envelope
from arena_tui.broker.protocol import EventBroker
from arena_tui.headless.output import event_line, notice_line, runs_table
from arena_tui.headless.run_ids import resolve_run_id
from arena_tui.model.match import EventFilter, SearchPattern, keeps
from arena_tui.model.records import dumps_record, record, run_record
from arena_tui.model.text import safe_text
from arena_tui.reading.tail import RetryHook, tail_run

SMOKE_TIMEOUT_S = 30.0
SMOKE_KINDS = ("turn_start", "llm_prompt", "llm_response", "metric")
CLOSE_ON_CANCEL_S = 1.5
"""How long a cancelled ``produce`` spends closing its runs (the CLI's grace is 2 s)."""
T = TypeVar("T")


def _say(out: TextIO, line: str) -> None:
    out.write(line + "\n")
    out.flush()


async def runs(
    broker: EventBroker,
    out: TextIO,
    *,
    stale_after: float,
    as_json: bool,
    empty_hint: str = "",
    err: TextIO | None = None,
) -> int:
    """The runs table (or JSON array); then one line per log file whose runs are not listed
    (on ``err`` with ``--json``, so stdout stays one JSON value)."""
    infos = await broker.list_runs(stale_after=stale_after)
    notes = broker.notes if isinstance(broker, ColdAwareBroker) else []
    if as_json:
        _say(out, dumps_record([run_record(info) for info in infos]))
    elif not infos and empty_hint:
        _say(out, f"{runs_table(infos)} ({empty_hint})")
    else:
        _say(out, runs_table(infos))
    for note in notes:
        _say(err if as_json and err is not None else out, f"log {safe_text(note)}")
    return 0


async def tail(
    broker: EventBroker,
    out: TextIO,
    err: TextIO,
    run_id: str,
    *,
    from_seq: int,
    follow: bool,
    jsonl: bool,
    event_filter: EventFilter | None = None,
    grep: SearchPattern | None = None,
    retry_for: float = 0.0,
) -> int:
    """Print the run's events and notices; events the filter or ``grep`` rejects are skipped
    (the app's ``f`` and ``/``, through the same matcher), notices are always printed.

    ``run_id`` may be any unique prefix of a run id (``run_ids``). Until the broker has
    answered once, an unreachable broker is retried for ``retry_for`` seconds (``math.inf``:
    for ever; 0: not at all), then the error is raised; once it has answered, ``follow``
    reconnects for as long as it takes.
    """

    def on_retry(message: str, delay: float) -> None:
        _say(err, f"arena-tui: {message}; retrying in {delay:.1f} s")

    run_id = await first_contact(
        lambda: resolve_run_id(broker, run_id), retry_for=retry_for, on_retry=on_retry
    )
    async for item in tail_run(broker, run_id, from_seq=from_seq, follow=follow, on_retry=on_retry):
        if isinstance(item, Envelope | DiskRow):
            envelope = item.envelope if isinstance(item, DiskRow) else item
            if not keeps(envelope, event_filter, grep):
                continue
        if jsonl:
            _say(out, dumps_record(record(run_id, item)))
        elif isinstance(item, Envelope | DiskRow):
            _say(out, event_line(item))
        else:
            _say(out, notice_line(item))
    return 0


async def first_contact(
    attempt: Callable[[], Awaitable[T]],
    *,
    retry_for: float,
    on_retry: RetryHook,
    backoff: Backoff = RETRY,
) -> T:
    """``attempt()``, retried with ``backoff`` while the broker is unreachable, for at most
    ``retry_for`` seconds (``math.inf``: for ever); a refused password is never retried.
    Past the deadline the last ``BrokerUnavailableError`` is raised, saying how long it tried."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + retry_for
    delays = backoff.delays(random.random)
    while True:
        try:
            return await attempt()
        except BrokerAuthError:
            raise
        except BrokerUnavailableError as exc:
            remaining = deadline - loop.time()
            if remaining <= 0:
                if not retry_for:
                    raise
                raise BrokerUnavailableError(
                    f"{exc} (gave up after {retry_for:g} s: --retry-for SECONDS waits longer, "
                    "--retry-for none for ever)",
                    url=exc.url,
                ) from None
            delay = min(next(delays), remaining)
            on_retry(str(exc), delay)
            await asyncio.sleep(delay)


async def produce(
    broker: EventBroker,
    out: TextIO,
    *,
    runs: int,
    turns: int | None,
    rate: float | None,
    label: str,
    keep_open: bool,
    seed: int,
    logs: Path | None = None,
    err: TextIO | None = None,
) -> int:
    """Publish ``runs`` synthetic runs concurrently; print each run id once it is open.

    ``turns`` None publishes until cancelled (Ctrl-C, SIGTERM). A cancelled produce closes the
    runs it left unfinished (unless ``keep_open``), so they show as finished, not stale.

    The runs are one operation, sharing its start time. With ``logs`` the operation is also
    written to its DuckDB log under that root, held from start to end like the arena's (its
    path goes to ``err``), and a ``rank`` operation then ends with its ``ranking`` run, as the
    arena's files do (without a log: the runs alone, as before).
    """
    planner = RunPlanner(seed)
    started = datetime.now(UTC)
    specs = [planner.run(label, turns=turns, started_at=started) for _ in range(runs)]
    ranking = planner.rank(profiles=PROFILES[:2])[-1] if label == "rank" and logs else None
    unfinished: set[str] = set()

    def announce(spec: RunSpec) -> None:
        if not unfinished:
            _note_publishing(broker)  # the run is open: the broker knows what it talks to
        unfinished.add(spec.run_id)
        _say(out, spec.run_id)

    log = await OperationLog(logs, label, started).open() if logs is not None else None

    async def one(spec: RunSpec) -> None:
        await publish_run(
            broker,
            spec,
            rate=rate,
            close=not keep_open,
            on_open=announce,
            log=log,
            started_at=started,
        )
        unfinished.discard(spec.run_id)

    try:
        async with asyncio.TaskGroup() as tasks:
            for spec in specs:
                tasks.create_task(one(spec))
        if ranking is not None:
            await publish_run(broker, ranking, close=not keep_open, log=log, started_at=started)
    except asyncio.CancelledError:
        if unfinished and not keep_open:
            closes = (broker.close_run(run_id) for run_id in sorted(unfinished))
            closing = asyncio.ensure_future(asyncio.gather(*closes, return_exceptions=True))
            await asyncio.wait({closing}, timeout=CLOSE_ON_CANCEL_S)
            closing.cancel()  # past the grace (a broker gone too): the runs go stale instead
        raise
    except BaseExceptionGroup as group:
        error = first_error(group)
        if unfinished and isinstance(error, BrokerError) and not isinstance(error, BrokerAuthError):
            runs_open = f"{len(unfinished)} run{'s' if len(unfinished) != 1 else ''}"
            raise BrokerError(f"produce stopped with {runs_open} unfinished: {error}") from None
        raise error from None
    finally:
        if log is not None:
            await asyncio.shield(log.close())
            if err is not None:
                _say(err, f"arena-tui: wrote {log.written:,} events to {log.path}")
    return 0


def _note_publishing(broker: EventBroker) -> None:
    """Say on stderr when the broker publishes other than atomically (a Redis Cluster)."""
    note: str | None = getattr(broker, "publish_note", None)
    if note:
        print(f"arena-tui: note: {note}", file=sys.stderr, flush=True)


def first_error(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The error to report for a failed task group: its first broker error, else its first
    leaf (concurrent runs fail together for one reason, so one line says it all)."""
    leaves: list[BaseException] = []
    pending: list[BaseException] = [group]
    while pending:
        error = pending.pop(0)
        if isinstance(error, BaseExceptionGroup):
            pending[:0] = error.exceptions
        else:
            leaves.append(error)
    return next((e for e in leaves if isinstance(e, BrokerError)), leaves[0])


async def smoke(broker: EventBroker, out: TextIO, *, seed: int) -> int:
    """Publish a smoke run, read it back with ``stream()`` and check count, order and kinds."""
    spec = RunPlanner(seed).smoke()
    await publish_run(broker, spec)
    _note_publishing(broker)
    async with asyncio.timeout(SMOKE_TIMEOUT_S):
        got = [envelope async for envelope in broker.stream(spec.run_id)]
    problems = smoke_problems(got)
    where = broker.description
    if problems:
        _say(out, f"smoke FAILED: run {spec.run_id} on {where}: {'; '.join(problems)}")
        return 1
    _say(out, f"smoke OK: run {spec.run_id}, {len(got)} events in order on {where}")
    return 0


def smoke_problems(got: Sequence[Envelope]) -> list[str]:
    """What is wrong with a smoke run read back (empty when it is right)."""
    problems = []
    if len(got) != SMOKE_EVENTS:
        problems.append(f"read {len(got)} events, expected {SMOKE_EVENTS}")
    seqs = [envelope.seq for envelope in got]
    if seqs != list(range(1, len(got) + 1)):
        problems.append("seqs are not 1, 2, 3, ... in order")
    kinds = [envelope.event.kind for envelope in got]
    if kinds != list(SMOKE_KINDS) * (len(got) // len(SMOKE_KINDS)):
        problems.append("kinds are not turn_start, llm_prompt, llm_response, metric per turn")
    broken = sum(1 for envelope in got if envelope.problems)
    if broken:
        problems.append(f"{broken} entries did not decode cleanly")
    return [safe_text(p) for p in problems]


def redis_env_lines(env: Mapping[str, str]) -> list[str]:
    """The runbook's ``arena-broker-redis-env`` export lines, password included (for eval).

    ``REDIS_URL`` is the URL ``make_broker`` would use: ``REDIS_URL`` when set (an empty or
    blank value counts as unset, as in ``make_broker``), else built from ``REDIS_PASSWORD``
    for localhost:6379. ``REDIS_PASSWORD`` is exported when set. One of the two is needed.
    """
    password = env.get("REDIS_PASSWORD", "")
    if not password and not env.get("REDIS_URL", "").strip():
        raise BrokerConfigError(
            "REDIS_PASSWORD is not set (nor REDIS_URL): put it in .env (see env.example) "
            "or export it"
        )
    url = BrokerSettings.from_mapping({**env, "ARENA_BROKER_BACKEND": "redis"}).redis_url
    lines = ["export ARENA_BROKER_BACKEND=redis", f"export REDIS_URL={shlex.quote(url)}"]
    if password:
        lines.append(f"export REDIS_PASSWORD={shlex.quote(password)}")
    return lines
