"""``python -m bench [--quick] [--only NAME,...] [--repeats N] [--json PATH] [--profile DIR]``.

A measuring run is kept in ``bench/results/`` (see ``bench.record``); ``python -m bench.readme``
then regenerates the README's Performance table and the history chart from it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench import figures, machine, record
from bench.harness import ROOT, Bench, RedisServer
from bench.report import FigureResult, table


def _names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in figures.NAMES]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown figure(s) {', '.join(unknown)}; choose from {', '.join(figures.NAMES)}"
        )
    return names


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes and 2 repeats: checks the harness only"
    )
    parser.add_argument(
        "--only", type=_names, metavar="NAME,...", help=f"figures: {','.join(figures.NAMES)}"
    )
    parser.add_argument("--repeats", type=int, help="runs per figure and baseline (default 5)")
    parser.add_argument(
        "--json",
        type=Path,
        help="write the JSON here only (default: a new file in bench/results/ and latest.json;"
        " --quick and --profile runs go to bench/results/scratch/)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="profile each figure with pyinstrument (dev extra) into DIR/<figure>.txt",
    )
    return parser


async def _profiled(bench: Bench, name: str, out: Path) -> list[FigureResult]:
    """Run one figure under pyinstrument (the app runs in this process, headless)."""
    from pyinstrument import Profiler

    profiler = Profiler(async_mode="disabled")
    profiler.start()
    try:
        return await figures.load(name)(bench)
    finally:
        profiler.stop()
        _save(out / f"{name}.txt", profiler.output_text(unicode=True, show_all=True))


def _save(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


async def _run_all(
    bench: Bench,
    names: Sequence[str],
    profile: Path | None = None,
    keep: Callable[[list[FigureResult]], None] | None = None,
) -> list[FigureResult]:
    """Every figure in ``names``; ``keep`` gets the rows so far after each one, so a run that
    hangs or is killed in a late figure still leaves the earlier ones on disk."""
    results: list[FigureResult] = []
    for name in names:
        started = time.monotonic()
        print(f"-- {name} ...", file=sys.stderr, flush=True)
        if profile is not None:
            rows = await _profiled(bench, name, profile)
        else:
            rows = await figures.load(name)(bench)
        bench.flush()
        print(f"   {name} took {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
        results.extend(rows)
        if keep is not None:
            keep(results)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    names = args.only or list(figures.NAMES)
    repeats = args.repeats or (2 if args.quick else 5)
    command = shlex.join(["python", "-m", "bench", *(sys.argv[1:] if argv is None else argv)])
    commit = record.commit(ROOT)
    date = datetime.now(UTC)
    partial = record.RESULTS / record.SCRATCH / f"partial-{date:%Y-%m-%dT%H%MZ}-{commit}.json"
    with RedisServer() as server:
        bench = Bench(server, quick=args.quick, repeats=repeats)
        info = machine.describe(bench.redis_version())

        def keep(rows: list[FigureResult]) -> None:
            doc = record.document(
                machine=info, command=command, commit=commit, date=date, results=rows
            )
            _save(partial, json.dumps(doc, indent=2) + "\n")

        print(f"figures so far: {partial}", file=sys.stderr, flush=True)
        results = asyncio.run(_run_all(bench, names, args.profile, keep))
    print(table(results))
    doc = record.document(machine=info, command=command, commit=commit, date=date, results=results)
    if args.json is not None:
        _save(args.json, json.dumps(doc, indent=2) + "\n")
        path = args.json
    elif args.quick or args.profile is not None:
        path = record.write(doc, record.RESULTS / record.SCRATCH)
    else:
        path = record.write(doc, record.RESULTS)
    partial.unlink(missing_ok=True)  # the whole run is kept now
    met = sum(r.met for r in results)
    print(f"\n{met} of {len(results)} targets met. machine: {info}\nJSON: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
