"""The collector is off while the app starts (``cli.app.run_app``) and on again after.

Importing Textual and building the screen allocate ~100,000 long-lived objects, and collecting
them on the way cost 16 ms of a 250 ms start (bench figure 9). Off is only for that stretch: the
app turns the collector back on with its first frame, and the CLI does whatever happens.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from arena_tui.broker.inprocess import InProcessBroker
from arena_tui.cli.app import run_app
from arena_tui.cli.edge import EXIT_USAGE
from arena_tui.config import Settings
from tests.support.pilot import app_for, until


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    yield
    gc.enable()


async def test_the_app_turns_the_collector_back_on_with_its_first_frame() -> None:
    app = app_for(InProcessBroker())
    gc.disable()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, gc.isenabled)


def test_the_cli_turns_it_back_on_when_the_app_never_starts() -> None:
    settings = Settings.from_mapping({"ARENA_BROKER_BACKEND": "inprocess"})
    assert run_app(settings, run_id=None, seq=None, force_demo=False) == EXIT_USAGE  # no tty
    assert gc.isenabled()
