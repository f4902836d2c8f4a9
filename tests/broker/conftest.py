"""Fixtures of the broker tests: one local Redis Cluster for the session.

``cluster`` is a 3-primary ``LocalCluster`` whose primary 0 has a replica (for the failover
test), shared by the cluster modules (starting one takes a few seconds); ``cluster_broker`` is a
broker on it (through node 1) under the test's key prefix. Tests find nodes by key
(``cluster.owner``), never by a fixed role, as a failover swaps primary 0 and its replica.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from arena_tui.broker.redis import RedisStreamsBroker
from tests.broker.cluster_support import LocalCluster


@pytest.fixture(scope="session")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(replicas=1) as running:
        yield running


@pytest.fixture
async def cluster_broker(
    cluster: LocalCluster, key_prefix: str
) -> AsyncIterator[RedisStreamsBroker]:
    instance = RedisStreamsBroker(cluster.url(1), key_prefix=key_prefix)
    yield instance
    await instance.aclose()
