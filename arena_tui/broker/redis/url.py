"""Parse a ``redis://`` URL ourselves, so redis-py never sees a password inside a URL.

redis-py's ``from_url`` goes through ``urllib``: a password with a raw ``/`` or ``#`` breaks the
parse and leaks part of itself into the error text, and before 7.4 ``repr()`` of a client
printed it. Here the userinfo is cut at the LAST ``@`` (like ``errors.mask_url``), so any
character may appear in the password, raw or percent-encoded; the client is then built from
host, port, db, username and password. Only ``redis://`` and ``rediss://`` are accepted.

A ``rediss://`` URL takes redis-py's own TLS query parameters, as redis-py users already write
them: ``ssl_ca_certs``, ``ssl_ca_path``, ``ssl_certfile``, ``ssl_keyfile``, ``ssl_cert_reqs``
(``none``, ``optional``, ``required``) and ``ssl_check_hostname``. Files named must exist;
anything else in the query is an error naming what is accepted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

from arena_tui.broker.errors import BrokerConfigError, mask_url

DEFAULT_PORT = 6379
_FILES = ("ssl_ca_certs", "ssl_ca_path", "ssl_certfile", "ssl_keyfile")
_CERT_REQS = ("none", "optional", "required")
_BOOLS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
TLS_OPTIONS = (*_FILES, "ssl_cert_reqs", "ssl_check_hostname")


@dataclass(frozen=True, slots=True)
class RedisAddress:
    host: str
    port: int = DEFAULT_PORT
    db: int = 0
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ssl: bool = False
    tls: dict[str, Any] = field(default_factory=dict)
    """redis-py keyword arguments from the URL's TLS query parameters."""


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
    rest, _, query = rest.partition("?")
    hostport, _, path = rest.partition("/")
    if "#" in path or "#" in query:
        raise BrokerConfigError(f"REDIS_URL {shown!r}: a '#' fragment is not supported")
    tls = _tls_options(query, shown, scheme == "rediss")
    host, port = _split_host_port(hostport, shown)
    db_text = path.strip()
    try:
        db = int(db_text) if db_text else 0
    except ValueError:
        raise BrokerConfigError(
            f"REDIS_URL {shown!r}: database {db_text!r} is not a number"
        ) from None
    return RedisAddress(
        host=host,
        port=port,
        db=db,
        username=username,
        password=password,
        ssl=scheme == "rediss",
        tls=tls,
    )


def _tls_options(query: str, shown: str, ssl: bool) -> dict[str, Any]:
    """redis-py's TLS keyword arguments from the query; ``BrokerConfigError`` for anything else."""
    options: dict[str, Any] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name not in TLS_OPTIONS:
            raise BrokerConfigError(
                f"REDIS_URL {shown!r}: unknown option {name!r}; "
                f"a rediss:// URL takes {', '.join(TLS_OPTIONS)}"
            )
        if not ssl:
            raise BrokerConfigError(
                f"REDIS_URL {shown!r}: {name} is a TLS option; use rediss:// for TLS"
            )
        if name in _FILES:
            path = os.path.expanduser(value)
            if not os.path.exists(path):
                raise BrokerConfigError(f"REDIS_URL {shown!r}: {name} {value!r} does not exist")
            options[name] = path
        elif name == "ssl_cert_reqs":
            if value.lower() not in _CERT_REQS:
                raise BrokerConfigError(
                    f"REDIS_URL {shown!r}: ssl_cert_reqs={value!r}; "
                    f"use one of {', '.join(_CERT_REQS)}"
                )
            options[name] = value.lower()
        else:
            if value.lower() not in _BOOLS:
                raise BrokerConfigError(
                    f"REDIS_URL {shown!r}: ssl_check_hostname={value!r} is not true or false"
                )
            options[name] = _BOOLS[value.lower()]
    return options


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
