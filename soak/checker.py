"""The checker: every tail consumer's output against what the producers were told they wrote.

Inputs are files only (the producers' ledgers, the consumers' chain logs, the wipes the soak
did), so the checker runs after the fact, and its tests feed it small hand-made cases.

What is provable, and so what is checked:

* A producer's **ack** proves its events exist in Redis with the seqs returned, in the run's
  current *generation*. A generation ends when the run's keys are wiped: a kill -9 of Redis
  without persistence, or the soak's flush of the run. An ack's generation is exact when no
  wipe of its run overlaps the time between its ``try`` and its ``ack``; otherwise it is left
  out (counted as indeterminate). A ``fail`` (or a ``try`` never answered, the producer
  killed) may or may not have landed: tolerated either way, but if it shows up it must show
  up once and at the seq its events carry.
* A consumer **chain** (one run, read by tails restarted across password rotations) is cut
  into epochs by its ``reset`` records. Inside an epoch the records must account for a
  contiguous range of seqs, each exactly once: an ``event``, inside a ``gap`` or inside an
  ``overflow``. Every event must be a known write of this run (by its ``soak_id``), at the
  seq its ack said, and all the acked events of one epoch must be of one generation (else a
  reset was missed). No ``soak_id`` appears twice in a chain.
* For every acked seq of the epoch's generation: inside the range it must be the event itself
  (a ``gap`` over it is a loss by arena-tui: the tail called a written seq never written); in
  an ``overflow`` it was trimmed by the broker, which is only believed if the stream could
  have held MAXLEN entries above it by then (``U(t) - available_from + 1 >= MAXLEN``, with
  U(t) the highest seq that could exist when the record was read: one below the seq of any
  write of that generation tried after it); above the range of an epoch ended by ``reset`` it
  was lost by the broker (reset), and only if a wipe of the run really happened; above the
  range of the last epoch it must have been acked after the chain stopped reading (else
  arena-tui lost it: a ``finished`` too early or a tail that fell behind and stayed there).
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SLACK_S = 1.0
"""A write acked this long before a chain's last record should have reached it."""
ALLOWED_ENDS = ("finished", "stopped")


@dataclass
class Write:
    id: str
    run: str
    t_try: float
    t_ack: float | None = None
    seq: int | None = None
    gen: int | None = None
    """Exact generation, when the ack is not ambiguous."""


@dataclass
class Epoch:
    start: int
    next: int
    first_t: float
    items: list[tuple[str, int, int, float]] = field(default_factory=list)
    """(kind, from, to, t): ``event`` s s, ``gap`` a b, ``overflow`` req avail-1."""
    gens: set[int] = field(default_factory=set)
    ended_by: str = ""
    end_t: float = 0.0

    @property
    def end(self) -> int:
        return self.next - 1

    @property
    def gen(self) -> int | None:
        return next(iter(self.gens)) if len(self.gens) == 1 else None


@dataclass
class Report:
    failures: list[str] = field(default_factory=list)
    acked_events: int = 0
    failed_events: int = 0
    indeterminate_gen: int = 0
    chains: int = 0
    records: int = 0
    events_delivered: int = 0
    checked: int = 0
    """(chain, acked seq) pairs the checker accounted for."""
    verified_events: set[str] = field(default_factory=set)
    trimmed: int = 0
    lost_reset: int = 0
    lost_arena_tui: int = 0
    duplicates: int = 0
    gaps_unacked: int = 0
    overflows: int = 0
    overflow_unverifiable: int = 0
    resets: int = 0
    wiped_while_down: int = 0
    """Tails (re)started past the end of a run wiped and regrown meanwhile."""
    reconnects: int = 0
    max_reconnect_s: float = 0.0
    chain_ends: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def fail(self, text: str) -> None:
        if len(self.failures) < 200:
            self.failures.append(text)

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": not self.failures,
            "failures": self.failures,
            "events_acked": self.acked_events,
            "events_unknown_outcome": self.failed_events,
            "acked_with_ambiguous_generation": self.indeterminate_gen,
            "chains": self.chains,
            "records": self.records,
            "events_delivered": self.events_delivered,
            "acked_seqs_checked": self.checked,
            "distinct_acked_events_seen": len(self.verified_events),
            "lost_by_broker_trimmed": self.trimmed,
            "lost_by_broker_reset": self.lost_reset,
            "lost_by_arena_tui": self.lost_arena_tui,
            "duplicates": self.duplicates,
            "gap_seqs_not_acked": self.gaps_unacked,
            "overflows": self.overflows,
            "overflows_unverifiable": self.overflow_unverifiable,
            "resets": self.resets,
            "restarted_past_a_wiped_end": self.wiped_while_down,
            "reconnects": self.reconnects,
            "max_reconnect_s": round(self.max_reconnect_s, 3),
            "chain_ends": dict(self.chain_ends),
        }


def load_writes(ledger_dir: Path, wipes: list[dict[str, Any]], report: Report) -> dict[str, Write]:
    writes: dict[str, Write] = {}
    for path in sorted(ledger_dir.glob("*.jsonl")):
        tag = path.stem
        pending: dict[int, tuple[int, str, float]] = {}
        for line in path.read_text().splitlines():
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line cut by kill -9
            kind = entry["e"]
            if kind == "try":
                pending[entry["n"]] = (entry["k"], entry["run"], entry["t"])
            elif kind in ("ack", "fail"):
                k, run, t_try = pending.pop(entry["n"])
                for i in range(k):
                    write = Write(f"{tag}:{entry['n'] + i}", run, t_try)
                    if kind == "ack":
                        write.t_ack = entry["t"]
                        write.seq = entry["seq"] + i
                        write.gen = _gen(run, t_try, entry["t"], wipes)
                        report.acked_events += 1
                        if write.gen is None:
                            report.indeterminate_gen += 1
                    else:
                        report.failed_events += 1
                    writes[write.id] = write
        for n, (k, run, t_try) in pending.items():  # tried, never answered: killed
            for i in range(k):
                writes[f"{tag}:{n + i}"] = Write(f"{tag}:{n + i}", run, t_try)
                report.failed_events += 1
    return writes


def _gen(run: str, t_try: float, t_ack: float, wipes: list[dict[str, Any]]) -> int | None:
    mine = [w for w in wipes if w["run"] in ("*", run)]
    before_try = sum(1 for w in mine if w["end"] < t_try)
    before_ack = sum(1 for w in mine if w["start"] < t_ack)
    return before_try if before_try == before_ack else None


def wiped_between(run: str, start: float, end: float, wipes: list[dict[str, Any]]) -> bool:
    return any(w["run"] in ("*", run) and w["start"] <= end and w["end"] >= start for w in wipes)


def check(work: Path, wipes: list[dict[str, Any]], max_len: int) -> Report:
    report = Report()
    writes = load_writes(work / "ledgers", wipes, report)
    by_run: dict[str, dict[int, list[Write]]] = defaultdict(lambda: defaultdict(list))
    for write in writes.values():
        if write.gen is not None:
            by_run[write.run][write.gen].append(write)
    for gens in by_run.values():
        for group in gens.values():
            group.sort(key=lambda w: w.t_try)
    for path in sorted((work / "consumers").glob("*.jsonl")):
        check_chain(path, writes, by_run, wipes, max_len, report)
    return report


def check_chain(
    path: Path,
    writes: dict[str, Write],
    by_run: dict[str, dict[int, list[Write]]],
    wipes: list[dict[str, Any]],
    max_len: int,
    report: Report,
) -> None:
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    if not lines:
        return
    head = lines[0]
    run, name = head["chain"], path.stem
    report.chains += 1
    epoch = Epoch(max(head["from_seq"], 1), max(head["from_seq"], 1), head["t"])
    epochs = [epoch]
    seen: set[str] = set()
    last_t = head["t"]
    spawned_at, read_since_spawn = head["t"], False
    ended = "running"
    for entry in lines[1:]:
        if "end" in entry:
            ended = entry["end"]
            continue
        if "spawn" in entry:
            if entry["from_seq"] not in (0, epoch.next) and not (
                entry["from_seq"] == 1 and epoch.next == 1
            ):
                report.fail(f"{name}: tail restarted at {entry['from_seq']}, chain at {epoch.next}")
            spawned_at, read_since_spawn = entry["t"], False
            continue
        kind = entry.get("type")
        if kind is None:
            continue
        report.records += 1
        t = entry["t"]
        last_t = t
        if kind in ("event", "gap", "overflow", "reset"):
            read_since_spawn = True
        if kind == "event":
            seq, ident = entry["seq"], entry["id"]
            report.events_delivered += 1
            if ident in seen:
                report.duplicates += 1
                report.fail(f"{name}: event {ident} (seq {seq}) delivered twice")
            seen.add(ident)
            if seq < epoch.next:
                report.duplicates += 1
                report.fail(f"{name}: seq {seq} after {epoch.next - 1} (repeated or out of order)")
                continue
            if seq > epoch.next:
                report.lost_arena_tui += seq - epoch.next
                report.fail(f"{name}: seqs {epoch.next}-{seq - 1} skipped without a record")
            write = writes.get(ident)
            if write is None or write.run != run:
                report.fail(f"{name}: seq {seq} is {ident!r}, not a write of run {run}")
            elif write.seq is not None and write.seq != seq:
                report.fail(f"{name}: {ident} acked as seq {write.seq}, read as seq {seq}")
            elif write.gen is not None:
                epoch.gens.add(write.gen)
            epoch.items.append(("event", seq, seq, t))
            epoch.next = seq + 1
        elif kind == "gap":
            if entry["from_seq"] != epoch.next:
                report.fail(f"{name}: gap from {entry['from_seq']} while at {epoch.next}")
            epoch.items.append(("gap", entry["from_seq"], entry["to_seq"], t))
            epoch.next = max(epoch.next, entry["to_seq"] + 1)
        elif kind == "overflow":
            report.overflows += 1
            req, avail = entry["requested_seq"], entry["available_from"]
            if req != epoch.next:
                report.fail(f"{name}: overflow from {req} while at {epoch.next}")
            if epoch.items and wiped_between(run, epoch.items[-1][3], t, wipes):
                # a reset the tail could not tell from an overflow (follow() says so)
                epoch.ended_by, epoch.end_t = "reset-as-overflow", t
                epoch = Epoch(avail, avail, t)
                epochs.append(epoch)
            else:
                epoch.items.append(("overflow", req, avail - 1, t))
                epoch.next = max(epoch.next, avail)
        elif kind == "reset":
            report.resets += 1
            if entry["last_seen_seq"] != epoch.end:
                report.fail(
                    f"{name}: reset says last seen {entry['last_seen_seq']}, "
                    f"chain was at {epoch.end}"
                )
            if not wiped_between(run, epoch.first_t, t, wipes):
                report.fail(f"{name}: reset at {t:.1f} but run {run} was never wiped")
            epoch.ended_by, epoch.end_t = "reset", t
            epoch = Epoch(1, 1, t)
            epochs.append(epoch)
        elif kind == "reconnected":
            report.reconnects += 1
            report.max_reconnect_s = max(report.max_reconnect_s, float(entry["after_s"]))
        elif kind == "finished" and entry["last_seq"] != epoch.end:
            last = entry["last_seq"]
            if last < epoch.end and not read_since_spawn and wiped_between(run, 0.0, t, wipes):
                # the tail started (or restarted) at a --from-seq past the end of a run that
                # was wiped and regrown meanwhile: "finished at <its last seq>" is its answer.
                # Believed only if no seq above that was acked in the run's generation then.
                report.wiped_while_down += 1
                epoch.ended_by, epoch.end_t = "reset", spawned_at
                gen = sum(1 for w in wipes if w["run"] in ("*", run) and w["end"] < t)
                missed = [
                    w for w in by_run.get(run, {}).get(gen, [])
                    if w.seq is not None and w.seq > last and w.t_ack is not None
                    and w.t_ack < t - SLACK_S
                ]  # fmt: skip
                if missed:
                    report.lost_arena_tui += len(missed)
                    report.fail(f"{name}: finished at {last} but seq {missed[0].seq} was acked")
                epoch = Epoch(last + 1, last + 1, t)
                epochs.append(epoch)
            else:
                report.fail(f"{name}: finished at {last}, chain at {epoch.end}")
    report.chain_ends[ended.split(" ")[0] if not ended.startswith("exit") else ended] += 1
    gone = any("is not in the broker" in e.get("stderr", "") for e in lines if "exit" in e)
    if ended not in ALLOWED_ENDS and not (
        ended == "exit 1" and gone and wiped_between(run, 0.0, last_t + 30, wipes)
    ):
        report.fail(f"{name}: chain of {run} ended: {ended}")
    epoch.ended_by, epoch.end_t = ended, last_t
    account(name, run, epochs, by_run.get(run, {}), wipes, max_len, report)


def account(
    name: str,
    run: str,
    epochs: list[Epoch],
    gens: dict[int, list[Write]],
    wipes: list[dict[str, Any]],
    max_len: int,
    report: Report,
) -> None:
    known = [e for e in epochs if e.gen is not None]
    for epoch in epochs:
        if len(epoch.gens) > 1:
            report.fail(
                f"{name}: events of generations {sorted(epoch.gens)} in one epoch "
                "(a reset was missed)"
            )
    for before, after in itertools.pairwise(known):
        if before.gen == after.gen:
            report.fail(f"{name}: a reset between two epochs of the same generation {before.gen}")
        for gen in range(before.gen + 1, after.gen):  # type: ignore[operator, arg-type]
            report.lost_reset += sum(1 for _ in gens.get(gen, []))
    for epoch in known:
        group = gens.get(epoch.gen, [])  # type: ignore[arg-type]
        covering: dict[int, tuple[str, int, int, float]] = {}
        for item in epoch.items:
            if item[0] == "event":
                covering[item[1]] = item
        ranges = [item for item in epoch.items if item[0] != "event"]
        for item in ranges:
            if item[0] == "gap":
                report.gaps_unacked += item[2] - item[1] + 1
            if item[0] == "overflow":
                verify_overflow(name, item, group, max_len, report)
        for write in group:
            seq = write.seq
            assert seq is not None
            assert write.t_ack is not None
            if seq < epoch.start:
                continue
            report.checked += 1
            if seq <= epoch.end:
                hit = covering.get(seq)
                if hit is not None:
                    report.verified_events.add(write.id)
                    continue
                where = next((r for r in ranges if r[1] <= seq <= r[2]), None)
                if where is None:
                    report.lost_arena_tui += 1
                    report.fail(f"{name}: acked seq {seq} ({write.id}) not accounted for")
                elif where[0] == "gap":
                    report.gaps_unacked -= 1
                    report.lost_arena_tui += 1
                    report.fail(f"{name}: acked seq {seq} ({write.id}) reported as a hole")
                else:
                    report.trimmed += 1
                continue
            if epoch.ended_by in ("reset", "reset-as-overflow"):
                report.lost_reset += 1
            elif write.t_ack < epoch.end_t - SLACK_S:
                report.lost_arena_tui += 1
                report.fail(
                    f"{name}: acked seq {seq} ({write.id}, acked "
                    f"{epoch.end_t - write.t_ack:.1f} s before the chain's end: "
                    f"{epoch.ended_by}) never read"
                )
            else:
                report.checked -= 1  # acked after this chain stopped reading


def verify_overflow(
    name: str, item: tuple[str, int, int, float], group: list[Write], max_len: int, report: Report
) -> None:
    """Trimming is only believed if MAXLEN entries could sit at and above ``available_from``."""
    _, _req, last_lost, t = item
    avail = last_lost + 1
    later = [w.seq for w in group if w.t_try > t and w.seq is not None]
    if not later:
        report.overflow_unverifiable += 1
        return
    upper = min(later) - 1
    if upper - avail + 1 < max_len:
        report.fail(
            f"{name}: overflow to {avail} at {t:.1f}, but at most {upper - avail + 1} "
            f"entries (< MAXLEN {max_len}) could be above it: Redis still held them"
        )
