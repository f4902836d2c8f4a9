"""``u`` opens a fork's parent at the turn it forked from: live (Redis-like) and from the logs."""

from __future__ import annotations

from pathlib import Path

import pytest

from arena_tui.broker.cold import with_logs
from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.broker.models import Event, RunMeta
from arena_tui.broker.redis import RedisStreamsBroker
from arena_tui.model.groups import RunRow
from arena_tui.model.rows import EventRow
from arena_tui.ui.app import ArenaApp
from tests.cold.cold_helpers import compact, log_path, turn_rows, write_log
from tests.support.events import T0, turn_loop
from tests.support.pilot import app_for, pane, seed_run, toasts, until, watch
from tests.support.redis_server import RedisServer

PARENT = "a1" * 16
FORK = "f0" * 16


def cursor_event(app: ArenaApp) -> Event | None:
    view = pane(app).view
    row = view.rows[view.cursor] if view.rows and view.cursor is not None else None
    return row.envelope.event if isinstance(row, EventRow) else None


async def test_on_a_live_forks_fork_event_u_opens_the_parent_at_that_turn() -> None:
    broker = InProcessBroker()
    await seed_run(broker, PARENT, 100, label="race")  # 5 events a turn: turn 12 starts at 56
    await broker.open_run(FORK, RunMeta(None, T0))
    fork = {"kind": "fork", "parent_run_id": PARENT, "parent_t": 12}
    await broker.publish(FORK, Event(FORK, "", 12, "fork", fork, T0))
    await broker.publish_many(FORK, [turn_loop(FORK, s) for s in range(1, 11)])
    app = app_for(broker, run_id=FORK, seq=1)
    async with app.run_test(size=(120, 32)) as pilot:
        await until(pilot, lambda: (e := cursor_event(app)) is not None and e.kind == "fork")
        await pilot.press("u")
        await until(pilot, lambda: pane(app).view.run_id == PARENT and pane(app).view.loaded)
        await until(pilot, lambda: pane(app).view.cursor_seq == 56)
        event = cursor_event(app)
        assert event is not None
        assert (event.kind, event.t) == ("turn_start", 12)
        assert watch(app).sidebar.runs.opened == PARENT
        assert any("turn 12" in text for text in toasts(app))


async def test_on_a_cold_fork_in_the_sidebar_u_opens_its_cold_parent(tmp_path: Path) -> None:
    write_log(log_path(tmp_path, "race"), turn_rows(PARENT, "ag", range(1, 21)))
    fork_row = (FORK, "", 7, "fork", compact({**{"kind": "fork"}, "parent_run_id": PARENT,
                "parent_t": 7}), T0, 1)  # fmt: skip
    write_log(log_path(tmp_path, "fork"), [fork_row, *turn_rows(FORK, "ag2", range(1, 4))])
    broker = with_logs(InProcessBroker(), tmp_path)
    app = app_for(broker, run_id=FORK)
    async with app.run_test(size=(120, 32)) as pilot:
        sidebar = watch(app).sidebar
        await until(pilot, lambda: len(sidebar.runs.runs) == 2)
        rows = [(r.row_id, r.depth) for r in sidebar.runs.rows if isinstance(r, RunRow)]
        assert rows == [(PARENT, 0), (FORK, 1)]  # the fork under its parent
        sidebar.focus()
        await until(pilot, lambda: sidebar.runs.highlighted == FORK)
        await pilot.press("u")
        await until(pilot, lambda: pane(app).view.run_id == PARENT and pane(app).view.loaded)
        await until(pilot, lambda: pane(app).view.cursor_seq == 37)  # 6 a turn: turn 7 at 37
        event = cursor_event(app)
        assert event is not None
        assert (event.kind, event.t) == ("turn_start", 7)


async def test_u_on_a_run_that_is_no_fork_says_so() -> None:
    broker = InProcessBroker()
    await seed_run(broker, PARENT, 10)
    app = app_for(broker, run_id=PARENT)
    async with app.run_test(size=(120, 32)) as pilot:
        await until(pilot, lambda: pane(app).view.loaded)
        await pilot.press("u")
        await until(pilot, lambda: any("is not a fork" in t for t in toasts(app)))
        assert pane(app).view.run_id == PARENT


@pytest.mark.redis
async def test_a_live_fork_on_redis_is_listed_under_its_parent(
    redis_server: RedisServer, key_prefix: str
) -> None:
    """No log holds either run: the link is learned from the fork's first entry, which the
    listing's summary of the run reads anyway."""
    broker = RedisStreamsBroker(redis_server.url, key_prefix=key_prefix)
    await broker.open_run(PARENT, RunMeta("race", T0))
    await broker.publish_many(PARENT, [turn_loop(PARENT, s) for s in range(1, 61)])
    await broker.open_run(FORK, RunMeta(None, T0))
    fork = {"kind": "fork", "parent_run_id": PARENT, "parent_t": 12}
    await broker.publish(FORK, Event(FORK, "", 12, "fork", fork, T0))
    await broker.publish_many(FORK, [turn_loop(FORK, s) for s in range(1, 11)])
    app = app_for(broker, run_id=FORK)
    async with app.run_test(size=(120, 32)) as pilot:
        sidebar = watch(app).sidebar
        await until(pilot, lambda: len(sidebar.runs.runs) == 2)
        rows = [(r.row_id, r.depth) for r in sidebar.runs.rows if isinstance(r, RunRow)]
        assert rows == [(PARENT, 0), (FORK, 1)]  # the fork under its parent
