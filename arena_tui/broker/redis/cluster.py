"""Redis Cluster: the same keys read through redis-py's cluster client.

The arena's key layout uses no hash tags, so a run's ``:open``, ``:seq`` and ``:events`` hash to
different slots and usually sit on different nodes. On a cluster, therefore:

* listing SCANs every primary (the cluster client's ``scan_iter``) and sums their ``DBSIZE``;
  per-run reads are single-key commands in a cluster pipeline, grouped per node, never MGET;
* the atomic publish scripts cannot run (their two keys are in different slots), so publishing
  is the arena's own two steps, ``INCR :seq`` then ``XADD :events``, and ``produce``/``smoke``
  say so (``PUBLISH_NOTE``): a crash between the two leaves a hole, as with the arena;
* a tail's private cluster client follows MOVED and ASK itself (a slot migrated under it);
  a failover ends its blocking read (``UNBLOCKED``, then the old primary closes the connection),
  and ``follow()`` reconnects with a fresh client, hence a fresh slot map.

A cluster has only database 0.
"""

from __future__ import annotations

from typing import Any

from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry

from arena_tui.broker.errors import BrokerConfigError, url_display

PUBLISH_NOTE = (
    "Redis Cluster: publishing the arena's way, INCR :seq then XADD :events as two steps "
    "(a run's keys sit in different slots, so the atomic publish script cannot run there)"
)


def cluster_client(
    kwargs: dict[str, Any], url: str, *, retry: Retry, max_connections: int = 50
) -> RedisCluster:
    """A ``RedisCluster`` from the standalone client's keyword arguments."""
    options = dict(kwargs)
    if options.pop("db", 0):
        raise BrokerConfigError(
            f"REDIS_URL {url_display(url)} names a database, but a Redis Cluster has only "
            "database 0: drop the /N from the URL"
        )
    return RedisCluster(**options, retry=retry, max_connections=max_connections)


async def close_client(client: Any) -> None:
    """``client.aclose()``, and for a ``RedisCluster`` its nodes' connections too.

    redis-py's cluster client skips its ``aclose()`` when a failed command has marked it for
    re-initialization (a node unreachable: a primary killed), and every connection it holds
    (its startup node's, those of the nodes it found again) is then left to the GC, which warns
    (ResourceWarning) and closes the sockets at some later time.
    """
    await client.aclose()
    if isinstance(client, RedisCluster):
        await client.nodes_manager.aclose()
        await client.nodes_manager.aclose("startup_nodes")
