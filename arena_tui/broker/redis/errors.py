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

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from redis import exceptions as rex
from redis.asyncio.retry import Retry

from arena_tui.broker.errors import (
    BrokerAuthError,
    BrokerError,
    BrokerUnavailableError,
    url_display,
)

T = TypeVar("T")


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


@contextmanager
def translate_errors(url: str) -> Iterator[None]:
    """Re-raise any redis-py (or socket) error as the matching ``BrokerError``."""
    try:
        yield
    except BrokerError:
        raise
    except (rex.AuthenticationError, rex.AuthorizationError) as exc:
        # "NOPERM" (AuthorizationError) is an ACL user without rights: also a credentials issue
        raise BrokerAuthError(auth_message(url), url=url) from exc
    except rex.ResponseError as exc:
        text = str(exc)
        # without AUTH, Redis answers NOAUTH, or for a long command (a publish script call)
        # "Protocol error: unauthenticated multibulk length" and drops the connection
        if text.startswith(("NOAUTH", "WRONGPASS")) or "unauthenticated" in text:
            raise BrokerAuthError(auth_message(url), url=url) from exc
        raise BrokerError(f"Redis at {url_display(url)} refused a command: {text}") from exc
    except (rex.ConnectionError, rex.TimeoutError, OSError) as exc:
        raise BrokerUnavailableError(unavailable_message(url), url=url) from exc
    except rex.RedisError as exc:
        raise BrokerError(f"Redis at {url_display(url)}: {type(exc).__name__}: {exc}") from exc
