"""``DeferredBroker``: the app's Redis broker is made (and redis-py imported) on its first use.

The app paints its first frame before it asks the broker anything (bench figure 9); what the
real broker checks when it is made still fails at once, and a broker closed before its first
use stays closed.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from arena_tui.broker.deferred import DeferredBroker
from arena_tui.broker.errors import BrokerClosedError, BrokerConfigError
from arena_tui.broker.factory import BrokerSettings, make_broker
from arena_tui.broker.inprocess import InProcessBroker
from tests.support.events import event


def test_a_deferred_redis_broker_imports_no_redis_py_until_used() -> None:
    code = (
        "import sys\n"
        "from arena_tui.broker.factory import BrokerSettings, make_broker\n"
        "b = make_broker(BrokerSettings(backend='redis', redis_url='redis://:pw@h:1/0'),"
        " deferred=True)\n"
        "print(b.description, 'redis' in sys.modules)\n"
        "b.stream_batches('r')  # not a coroutine: makes the broker, reads nothing\n"
        "print('redis' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:2] == ["redis://h:1/0 (password hidden) False", "True"]


def test_a_bad_url_fails_when_the_broker_is_made_not_on_first_use() -> None:
    with pytest.raises(BrokerConfigError, match="not a redis:// or rediss:// URL"):
        make_broker(BrokerSettings(backend="redis", redis_url="http://h:1"), deferred=True)


def test_in_process_is_never_deferred() -> None:
    assert isinstance(make_broker(BrokerSettings(), deferred=True), InProcessBroker)


async def test_calls_reach_the_broker_made_on_first_use() -> None:
    made: list[InProcessBroker] = []

    def build() -> InProcessBroker:
        made.append(InProcessBroker())
        return made[-1]

    broker = DeferredBroker(build, "in-process")
    await broker.flush()  # nothing queued on a broker never made: still none made
    assert not made
    assert not broker.built
    await broker.open_run("r1")
    assert await broker.publish("r1", event("r1")) == 1
    assert [e.seq for e in (await broker.read_range("r1", 1)).envelopes] == [1]
    assert [info.run_id for info in await broker.list_runs()] == ["r1"]
    assert len(made) == 1
    await broker.aclose()
    with pytest.raises(BrokerClosedError):
        await made[0].list_runs()


async def test_closed_before_its_first_use_it_stays_closed() -> None:
    broker = DeferredBroker(InProcessBroker, "in-process")
    await broker.aclose()
    with pytest.raises(BrokerClosedError, match="the broker for in-process was closed"):
        await broker.list_runs()
    assert not broker.built
