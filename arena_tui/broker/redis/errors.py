"""The one place where redis-py's exceptions become ``BrokerError``s.

Every Redis call of the backend runs inside ``translate_errors(url)``, so no
``redis.exceptions`` type escapes ``arena_tui.broker``. Messages name the masked URL and say
what to do. The original exception is chained as ``__cause__`` for debugging; that is safe
because the backend parses URLs itself and hands redis-py only host, port and password, so
redis-py's own messages cannot contain the password.

The retry policy lives here too: redis-py 8 retries ``ConnectionError`` with backoff, and
``AuthenticationError`` is a subclass of it, so a wrong password is retried ~11 times over ~4-5 s
(the connect retry nested in the command retry). ``NoAuthRetry`` keeps the retries for transient
failures but lets an authentication error surface at once.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from redis import exceptions as rex
from redis.asyncio.retry import Retry

from arena_tui.broker.errors import (
    BrokerAuthError,
    BrokerError,
    BrokerPermissionError,
    BrokerUnavailableError,
    url_display,
)

T = TypeVar("T")
E = TypeVar("E", bound=BaseException)


class NoAuthRetry(Retry):
    """redis-py's async ``Retry`` that never retries an authentication failure."""

    async def call_with_retry(
        self,
        do: Callable[[], Awaitable[T]],
        fail: Callable[..., Any],
        is_retryable: Callable[[Exception], bool] | None = None,
        with_failure_count: bool = False,
    ) -> T:
        def retryable(error: Exception) -> bool:
            if isinstance(error, rex.AuthenticationError | rex.AuthorizationError):
                return False
            if _ssl_cause(error) is not None:
                return False  # a certificate is not going to change between attempts
            return is_retryable is None or is_retryable(error)

        return await super().call_with_retry(do, fail, retryable, with_failure_count)


def auth_message(url: str) -> str:
    return (
        f"authentication failed for {url_display(url)}: "
        "set REDIS_PASSWORD or REDIS_URL to the server's password"
    )


def unavailable_message(url: str) -> str:
    return (
        f"cannot reach Redis at {url_display(url)}: is it running? "
        "start it with `just arena-infra-up`, or check REDIS_URL"
    )


def permission_message(url: str, text: str, user: str | None = None) -> tuple[str, str]:
    """The one line for an ACL refusal (NOPERM), and the refused command (upper case)."""
    user = user or _username(url) or "default"
    where = url_display(url)
    found = re.search(r"'([\w|]+)' command", text)
    if found is None:  # a key outside the user's ~patterns
        return (
            f"Redis user {user!r} at {where} may not access the arena's keys (NOPERM): "
            f"its key patterns must cover ARENA_KEY_PREFIX, e.g. ACL SETUSER {user} ~arena:*",
            "",
        )
    command = found.group(1).replace("|", " ").upper()
    grant = "+" + found.group(1).lower()
    need = f"{command} needs the {_category(command)} permission; " if _category(command) else ""
    return (
        f"Redis user {user!r} at {where} lacks the permission to run {command} (NOPERM): "
        f"{need}grant it with ACL SETUSER {user} {grant} (README: Using it against Redis)",
        command,
    )


def _category(command: str) -> str:
    if command in {"EVALSHA", "EVAL", "SCRIPT LOAD", "FCALL"}:
        return "@scripting"
    if command in {"SET", "DEL", "INCR", "INCRBY", "XADD", "EXPIRE", "UNLINK"}:
        return "@write"
    return ""


def _tls_option(url: str, name: str) -> str | None:
    from arena_tui.broker.redis.url import parse_redis_url

    try:
        value = parse_redis_url(url).tls.get(name)
    except BrokerError:
        return None
    return str(value) if value is not None else None


def _username(url: str) -> str | None:
    from arena_tui.broker.redis.url import parse_redis_url

    try:
        return parse_redis_url(url).username
    except BrokerError:
        return None


def cluster_unseen_message(url: str, user: str | None, answer: str) -> str:
    """A cluster node answered MOVED (or CROSSSLOT) to a client that took it for a single
    server, because the user may not run INFO (how ``Connections.ready`` tells them apart)."""
    user = user or _username(url) or "default"
    return (
        f"Redis at {url_display(url)} is a Redis Cluster node (it answered {answer}), but Redis "
        f"user {user!r} may not run INFO, which tells a cluster from a single server: grant it "
        f"with ACL SETUSER {user} +info +cluster|slots on every node (README: Redis Cluster)"
    )


def readonly_message(url: str) -> str:
    return (
        f"Redis at {url_display(url)} is a read-only replica: it refused a write. "
        "Viewing works on a replica; produce and smoke must point REDIS_URL at the primary"
    )


def tls_message(url: str, error: ssl.SSLError) -> str:
    """What a TLS failure means, in words a user can act on."""
    where = url_display(url)
    if isinstance(error, ssl.SSLCertVerificationError):
        reason = error.verify_message or error.reason or "verification failed"
        ca = _tls_option(url, "ssl_ca_certs")
        checked = f"checked against {ca}" if ca else "checked against the system's CAs"
        return (
            f"TLS: the certificate of {where} was not accepted ({reason}; {checked}): set "
            "ssl_ca_certs=/path/to/ca.pem in the rediss:// URL to the CA that signed it"
        )
    reason = (error.reason or str(error)).lower()
    if "certificate required" in reason or "handshake failure" in reason:
        return (
            f"TLS: {where} requires a client certificate: add ssl_certfile=/path/to/client.crt "
            "and ssl_keyfile=/path/to/client.key to the rediss:// URL"
        )
    if "wrong version number" in reason or "record layer" in reason or "packet length" in reason:
        return plain_server_message(url)
    return f"TLS with {where} failed ({error.reason or error}): check the URL's ssl_* options"


def plain_server_message(url: str) -> str:
    return (
        f"TLS expected but not offered: {url_display(url)} answers plain Redis, not TLS. "
        "Use redis:// for it, or the port where the server listens for TLS (tls-port)"
    )


def tls_server_message(url: str) -> str:
    return (
        f"{url_display(url)} expects TLS and closed the plain connection: use rediss:// "
        "(with ssl_ca_certs=/path/to/ca.pem unless a public CA signed its certificate)"
    )


def cluster_down_message(url: str, text: str) -> str:
    return (
        f"Redis Cluster at {url_display(url)} cannot serve every slot now ({text}): "
        "a primary is down and its replica not yet promoted; waiting for the failover"
    )


def unblocked_message(url: str) -> str:
    return (
        f"Redis at {url_display(url)} ended a waiting read (UNBLOCKED): the node became a "
        "replica, a failover; reconnecting to the new primary"
    )


class Unblocked(BrokerUnavailableError):
    """Redis ended a blocking read: its node became a replica (a failover), and it closes the
    connection after this reply. Unavailable, so ``follow()`` reconnects: a fresh private
    client (on a cluster, a fresh slot map: the new primary) from the same cursor, after its
    check that the run was not reset (an automatic failover may lose the last writes)."""


class SuspectTLS(BrokerUnavailableError):
    """Unreachable in a way that a TLS mismatch explains; ``connection`` probes to be sure."""


@contextmanager
def translate_errors(url: str, user: str | None = None) -> Iterator[None]:
    """Re-raise any redis-py (or socket) error as the matching ``BrokerError``.

    ``user`` names the ACL user in messages when the URL names none (``REDIS_USERNAME``).
    """
    try:
        yield
    except BrokerError:
        raise
    except (rex.AuthenticationError, rex.AuthorizationError) as exc:
        raise BrokerAuthError(auth_message(url), url=url) from exc
    except rex.NoPermissionError as exc:
        message, command = permission_message(url, str(exc), user)
        raise BrokerPermissionError(message, url=url, command=command) from exc
    except rex.ReadOnlyError as exc:
        raise BrokerError(readonly_message(url)) from exc
    except (rex.ClusterDownError, rex.TryAgainError) as exc:  # a failover under way
        raise BrokerUnavailableError(cluster_down_message(url, str(exc)), url=url) from exc
    except (rex.AskError, rex.ClusterCrossSlotError) as exc:  # to the standalone client: a
        # cluster node taken for a single server, as the user may not run INFO
        answer = "CROSSSLOT" if isinstance(exc, rex.ClusterCrossSlotError) else "MOVED"
        message = cluster_unseen_message(url, user, answer)
        raise BrokerPermissionError(message, url=url, command="INFO") from exc
    except rex.ResponseError as exc:
        text = str(exc)
        if text.startswith("UNBLOCKED"):  # a blocking read ended by a failover
            raise Unblocked(unblocked_message(url), url=url) from exc
        # without AUTH, Redis answers NOAUTH, or for a long command (a publish script call)
        # "Protocol error: unauthenticated multibulk length" and drops the connection
        if text.startswith(("NOAUTH", "WRONGPASS")) or "unauthenticated" in text:
            raise BrokerAuthError(auth_message(url), url=url) from exc
        raise BrokerError(f"Redis at {url_display(url)} refused a command: {text}") from exc
    except (rex.ConnectionError, rex.TimeoutError, OSError) as exc:
        cause = _ssl_cause(exc)
        if cause is not None:
            raise BrokerUnavailableError(tls_message(url, cause), url=url) from exc
        if _suspect_tls(url, exc):
            raise SuspectTLS(unavailable_message(url), url=url) from exc
        raise BrokerUnavailableError(unavailable_message(url), url=url) from exc
    except rex.RedisError as exc:
        raise BrokerError(f"Redis at {url_display(url)}: {type(exc).__name__}: {exc}") from exc
    except rex.RedisClusterException as exc:  # not a RedisError: no node reachable, no slot map
        refused = _in_chain(exc, rex.NoPermissionError)  # CLUSTER SLOTS, which finds the nodes
        if refused is not None:
            message, command = permission_message(url, str(refused), user)
            raise BrokerPermissionError(message, url=url, command=command) from exc
        raise BrokerUnavailableError(
            f"Redis Cluster at {url_display(url)}: {exc}; check that its nodes are up", url=url
        ) from exc


def _in_chain(exc: BaseException, kind: type[E]) -> E | None:
    """The first ``kind`` among ``exc`` and its causes (or contexts), if any."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _ssl_cause(exc: BaseException) -> ssl.SSLError | None:
    return _in_chain(exc, ssl.SSLError)


def _suspect_tls(url: str, exc: BaseException) -> bool:
    """A TLS handshake that timed out, or a plain connection the server reset.

    A TLS-only port resets a plain connection (it reads a few bytes of the first command,
    finds no TLS record and closes with the rest unread). A clean close ("Connection closed
    by server": CLIENT KILL, a timeout, a restart) is no TLS mismatch and is not probed: the
    probe would wait its full timeout on a plain server that ignores a TLS hello."""
    if url.strip().lower().startswith("rediss://"):
        return isinstance(exc, rex.TimeoutError | TimeoutError)
    return _in_chain(exc, ConnectionResetError) is not None or "Connection reset" in str(exc)
