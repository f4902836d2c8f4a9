"""The soak's checker on small hand-made histories: it passes a clean one and fails on every
kind of loss or duplicate it promises to catch (a checker that cannot fail proves nothing)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from soak.checker import check

MAXLEN = 10


class History:
    """One producer's ledger and consumer chains, written as the soak writes them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "ledgers").mkdir()
        (root / "consumers").mkdir()
        self.ledger: list[dict[str, Any]] = []
        self.t = 100.0
        self.n = 0
        self.wipes: list[dict[str, Any]] = []

    def tick(self) -> float:
        self.t += 0.01
        return self.t

    def publish(self, run: str, seqs: list[int] | None, *, k: int = 1) -> list[str]:
        """``k`` events acked at ``seqs[0]``.. (None: the outcome is unknown)."""
        n = self.n
        self.n += k
        self.ledger.append({"e": "try", "run": run, "n": n, "k": k, "t": self.tick()})
        if seqs is None:
            self.ledger.append({"e": "fail", "run": run, "n": n, "k": k, "t": self.tick()})
        else:
            self.ledger.append(
                {"e": "ack", "run": run, "n": n, "k": k, "seq": seqs[0], "t": self.tick()}
            )
        return [f"P1.1:{n + i}" for i in range(k)]

    def wipe(self, run: str = "*") -> None:
        self.wipes.append({"run": run, "start": self.tick(), "end": self.tick()})

    def chain(
        self,
        name: str,
        run: str,
        records: list[dict[str, Any]],
        *,
        from_seq: int = 0,
        end: str = "finished",
        started: float | None = None,
    ) -> None:
        """A chain whose records arrive now; it started at ``started`` (default: now)."""
        at = self.tick() if started is None else started
        lines: list[dict[str, Any]] = [{"chain": run, "from_seq": from_seq, "t": at}]
        lines.append({"spawn": 1, "from_seq": from_seq, "t": at})
        for record in records:
            lines.append({"t": self.tick(), "run_id": run, **record})
        lines.append({"end": end, "t": self.tick()})
        path = self.root / "consumers" / f"{name}.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in lines))

    def check(self) -> dict[str, Any]:
        path = self.root / "ledgers" / "P1.1.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in self.ledger))
        return check(self.root, self.wipes, MAXLEN).as_dict()


def ev(seq: int, ident: str) -> dict[str, Any]:
    return {"type": "event", "seq": seq, "id": ident}


def finished(seq: int) -> dict[str, Any]:
    return {"type": "finished", "last_seq": seq}


@pytest.fixture
def history(tmp_path: Path) -> History:
    return History(tmp_path)


def test_a_clean_history_passes_with_every_seq_checked(history: History) -> None:
    ids = [history.publish("r", [s])[0] for s in range(1, 4)]
    unknown = history.publish("r", None)[0]  # landed at seq 4 although the reply was lost
    ids += history.publish("r", [5, 6], k=2)
    history.chain(
        "c0",
        "r",
        [
            ev(1, ids[0]),
            ev(2, ids[1]),
            ev(3, ids[2]),
            ev(4, unknown),
            ev(5, ids[3]),
            ev(6, ids[4]),
            finished(6),
        ],
    )
    history.chain("c1", "r", [ev(5, ids[3]), ev(6, ids[4]), finished(6)], from_seq=5)
    result = history.check()
    assert result["failures"] == []
    assert result["passed"]
    assert result["acked_seqs_checked"] == 5 + 2
    assert result["lost_by_arena_tui"] == 0


def test_a_duplicated_event_fails(history: History) -> None:
    ids = [history.publish("r", [s])[0] for s in (1, 2)]
    history.chain("c0", "r", [ev(1, ids[0]), ev(2, ids[1]), ev(2, ids[1]), finished(2)])
    result = history.check()
    assert not result["passed"]
    assert result["duplicates"] >= 1
    assert any("twice" in f for f in result["failures"])


def test_an_acked_seq_skipped_silently_fails(history: History) -> None:
    ids = [history.publish("r", [s])[0] for s in (1, 2, 3)]
    history.chain("c0", "r", [ev(1, ids[0]), ev(3, ids[2]), finished(3)])
    result = history.check()
    assert not result["passed"]
    assert result["lost_by_arena_tui"] >= 1


def test_an_acked_seq_reported_as_a_hole_fails(history: History) -> None:
    ids = [history.publish("r", [s])[0] for s in (1, 2, 3)]
    gap = {"type": "gap", "from_seq": 2, "to_seq": 2, "reason": "hole"}
    history.chain("c0", "r", [ev(1, ids[0]), gap, ev(3, ids[2]), finished(3)])
    result = history.check()
    assert result["lost_by_arena_tui"] == 1
    assert any("reported as a hole" in f for f in result["failures"])


def test_a_hole_over_an_unacked_seq_is_fine(history: History) -> None:
    first = history.publish("r", [1])[0]
    history.publish("r", None)  # INCR landed, XADD did not: seq 2 never written
    third = history.publish("r", [3])[0]
    gap = {"type": "gap", "from_seq": 2, "to_seq": 2, "reason": "hole"}
    history.chain("c0", "r", [ev(1, first), gap, ev(3, third), finished(3)])
    assert history.check()["passed"]


def test_finished_before_an_acked_event_fails(history: History) -> None:
    ids = [history.publish("r", [s])[0] for s in (1, 2, 3)]
    history.t += 5  # the tail says finished well after seq 3 was acked
    history.chain("c0", "r", [ev(1, ids[0]), ev(2, ids[1]), finished(2)])
    result = history.check()
    assert result["lost_by_arena_tui"] == 1
    assert any("never read" in f for f in result["failures"])


def test_an_overflow_is_believed_only_when_maxlen_entries_could_be_above_it(
    history: History,
) -> None:
    ids = [history.publish("r", [s])[0] for s in range(1, 31)]
    overflow = {"type": "overflow", "requested_seq": 1, "available_from": 21, "lost": 20}
    records = [overflow, *(ev(s, ids[s - 1]) for s in range(21, 31)), finished(30)]
    history.chain("c0", "r", records, from_seq=1)
    # the overflow is read before seqs 25.. were even tried: at most 4 entries sat above 21
    lines = (history.root / "consumers" / "c0.jsonl").read_text().splitlines()
    early = json.loads(lines[2])
    early["t"] = 100.0 + 0.01 * 48  # between the tries of seq 24 and 25
    lines[2] = json.dumps(early)
    (history.root / "consumers" / "c0.jsonl").write_text("\n".join(lines) + "\n")
    result = history.check()
    assert any("Redis still held them" in f for f in result["failures"])


def test_a_trimmed_range_counts_as_lost_by_the_broker(history: History) -> None:
    ids = [history.publish("r", [s])[0] for s in range(1, 31)]
    overflow = {"type": "overflow", "requested_seq": 1, "available_from": 11, "lost": 10}
    records = [overflow, *(ev(s, ids[s - 1]) for s in range(11, 31)), finished(30)]
    history.chain("c0", "r", records, from_seq=1)
    # read after every try: 30 - 11 + 1 = 20 >= MAXLEN entries could be above seq 11, but the
    # bound needs a later try of the same generation
    history.publish("r", [31])
    result = history.check()
    assert result["failures"] == [] or all("never read" in f for f in result["failures"])
    assert result["lost_by_broker_trimmed"] == 10


def test_a_reset_after_a_wipe_counts_as_lost_by_the_broker(history: History) -> None:
    old = [history.publish("r", [s])[0] for s in (1, 2, 3)]
    history.wipe()
    new = [history.publish("r", [s])[0] for s in (1, 2)]
    reset = {"type": "reset", "last_seen_seq": 2, "new_last_seq": 2}
    history.chain(
        "c0",
        "r",
        [ev(1, old[0]), ev(2, old[1]), reset, ev(1, new[0]), ev(2, new[1]), finished(2)],
        started=100.0,
    )
    result = history.check()
    assert result["failures"] == []
    assert result["lost_by_broker_reset"] == 1  # seq 3 of the old generation


def test_a_reset_without_a_wipe_fails(history: History) -> None:
    ids = [history.publish("r", [s])[0] for s in (1, 2)]
    reset = {"type": "reset", "last_seen_seq": 1, "new_last_seq": 2}
    history.chain("c0", "r", [ev(1, ids[0]), reset, ev(2, ids[1]), finished(2)], started=100.0)
    assert any("never wiped" in f for f in history.check()["failures"])


def test_a_missed_reset_mixing_two_generations_fails(history: History) -> None:
    old = [history.publish("r", [s])[0] for s in (1, 2)]
    history.wipe("r")
    new = [history.publish("r", [s])[0] for s in (1, 2, 3)]
    history.chain("c0", "r", [ev(1, old[0]), ev(2, old[1]), ev(3, new[2]), finished(3)])
    result = history.check()
    assert any("a reset was missed" in f for f in result["failures"])


def test_an_event_nobody_wrote_fails(history: History) -> None:
    history.publish("r", [1])
    history.chain("c0", "r", [ev(1, "P9.1:0"), finished(1)])
    assert any("not a write of run" in f for f in history.check()["failures"])


def test_a_chain_that_died_fails(history: History) -> None:
    ids = [history.publish("r", [s])[0] for s in (1, 2)]
    history.chain("c0", "r", [ev(1, ids[0]), ev(2, ids[1])], end="exit 1")
    assert any("ended: exit 1" in f for f in history.check()["failures"])


def test_a_tail_started_past_the_end_of_a_wiped_and_regrown_run_may_say_finished_there(
    history: History,
) -> None:
    for s in range(1, 9):
        history.publish("r", [s])
    history.wipe("r")
    for s in (1, 2, 3):
        history.publish("r", [s])
    history.t += 2
    history.chain("c0", "r", [finished(3)], from_seq=6)  # picked before the wipe: seq 6
    result = history.check()
    assert result["failures"] == []
    assert result["restarted_past_a_wiped_end"] == 1


def test_finished_below_the_start_fails_when_a_higher_seq_was_acked(history: History) -> None:
    for s in range(1, 9):
        history.publish("r", [s])
    history.wipe("r")
    for s in range(1, 6):
        history.publish("r", [s])
    history.t += 2
    history.chain("c0", "r", [finished(3)], from_seq=6)
    assert any("but seq 4 was acked" in f for f in history.check()["failures"])


def test_finished_below_the_start_of_a_run_never_wiped_fails(history: History) -> None:
    for s in range(1, 9):
        history.publish("r", [s])
    history.chain("c0", "r", [finished(3)], from_seq=6)
    assert any("finished at 3, chain at 5" in f for f in history.check()["failures"])
