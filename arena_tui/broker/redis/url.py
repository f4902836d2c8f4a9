"""Parse a ``redis://`` URL ourselves, so redis-py never sees a password inside a URL.

redis-py's ``from_url`` goes through ``urllib``: a password with a raw ``/`` or ``#`` breaks the
parse and leaks part of itself into the error text, and before 7.4 ``repr()`` of a client
printed it. Here the userinfo is cut at the LAST ``@`` (like ``errors.mask_url``), so any
character may appear in the password, raw or percent-encoded; the client is then built from
host, port, db, username and password. Only ``redis://`` and ``rediss://`` are accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote

from arena_tui.broker.errors import BrokerConfigError, mask_url

DEFAULT_PORT = 6379


@dataclass(frozen=True, slots=True)
class RedisAddress:
    host: str
    port: int = DEFAULT_PORT
    db: int = 0
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ssl: bool = False


def parse_redis_url(url: str) -> RedisAddress:
    """Split ``redis[s]://[[user]:password@]host[:port][/db]``; ``BrokerConfigError`` if not."""
    shown = mask_url(url)
    scheme, sep, rest = url.strip().partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in ("redis", "rediss"):
        raise BrokerConfigError(
            f"REDIS_URL {shown!r} is not a redis:// or rediss:// URL "
            "(like redis://:PASSWORD@localhost:6379/0)"
        )
    username: str | None = None
    password: str | None = None
    at = rest.rfind("@")
    if at >= 0:
        userinfo, rest = rest[:at], rest[at + 1 :]
        user, colon, secret = userinfo.partition(":")
        if colon:
            username = unquote(user) or None
            password = unquote(secret)
        else:  # "redis://secret@host": redis-py reads a lone userinfo as the password
            password = unquote(user)
    hostport, _, path = rest.partition("/")
    if "?" in path or "?" in hostport or "#" in path:
        raise BrokerConfigError(f"REDIS_URL {shown!r}: query options are not supported")
    host, port = _split_host_port(hostport, shown)
    db_text = path.strip()
    try:
        db = int(db_text) if db_text else 0
    except ValueError:
        raise BrokerConfigError(
            f"REDIS_URL {shown!r}: database {db_text!r} is not a number"
        ) from None
    return RedisAddress(
        host=host, port=port, db=db, username=username, password=password, ssl=scheme == "rediss"
    )


def _split_host_port(hostport: str, shown: str) -> tuple[str, int]:
    if hostport.startswith("["):  # [::1]:6379
        host, _, tail = hostport[1:].partition("]")
        port_text = tail.removeprefix(":")
    else:
        host, _, port_text = hostport.partition(":")
    if not host:
        raise BrokerConfigError(f"REDIS_URL {shown!r} has no host")
    try:
        port = int(port_text) if port_text else DEFAULT_PORT
    except ValueError:
        raise BrokerConfigError(
            f"REDIS_URL {shown!r}: port {port_text!r} is not a number"
        ) from None
    if not 0 < port < 65536:
        raise BrokerConfigError(f"REDIS_URL {shown!r}: port {port} is out of range")
    return host, port
