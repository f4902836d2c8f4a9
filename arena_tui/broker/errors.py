"""One error tree for everything the broker layer raises.

::

    BrokerError                      anything below; catch this at the UI/CLI edge
    ├── BrokerConfigError            bad ARENA_BROKER_BACKEND, bad URL, bad option
    ├── BrokerUnavailableError       cannot reach the server (refused, timeout, reset, TLS)
    │   └── BrokerAuthError          wrong or missing password (never retried)
    │       └── BrokerPermissionError  the user may not run a command (ACL NOPERM)
    ├── BrokerOverflowError          stream(): the next seq wanted was trimmed away
    ├── RunNotFoundError             no key of that run exists
    └── BrokerClosedError            the broker was closed (aclose) and cannot be used

Backends translate their transport's exceptions into this tree at one place each, so no
``redis.exceptions`` type ever escapes ``arena_tui.broker``. Messages say what happened and
what to do, and never contain a password: URLs in them are masked with ``mask_url``.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def mask_url(url: str) -> str:
    """Return ``url`` with any password replaced by ``***``; safe on malformed input.

    Works on the raw text rather than a parsed URL, because a password containing ``/``, ``#``
    or ``@`` breaks parsers and would leak part of itself into whatever they produce.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url if "@" not in url else "***@" + url.rsplit("@", 1)[1]
    at = rest.rfind("@")
    if at < 0:
        return url
    userinfo, hostpart = rest[:at], rest[at + 1 :]
    user = userinfo.split(":", 1)[0] if ":" in userinfo else ""
    if ":" not in userinfo:
        # "redis://secret@host" — redis-py treats a lone userinfo as the password
        user = ""
    masked = f"{user}:***" if user or userinfo else ""
    return f"{scheme}://{masked}@{hostpart}"


def url_display(url: str) -> str:
    """``mask_url`` plus a hint that a password is configured, for headers and messages.

    The query (a ``rediss://`` URL's TLS file paths) is left out: it says nothing of where.
    """
    masked = mask_url(url)
    try:
        parts = urlsplit(masked)
        clean = urlunsplit(parts._replace(netloc=parts.netloc.split("@")[-1], query=""))
    except ValueError:
        return masked
    return f"{clean} (password hidden)" if masked != url else clean


class BrokerError(Exception):
    """Base of every error the broker layer raises."""


class BrokerConfigError(BrokerError):
    """The configuration cannot work (unknown backend, malformed URL, bad option)."""


class BrokerUnavailableError(BrokerError):
    """The broker server cannot be reached right now; retrying later may help."""

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message)
        self.url = mask_url(url) if url else ""


class BrokerAuthError(BrokerUnavailableError):
    """The server refused our credentials. Retrying without changing them will not help."""


class BrokerPermissionError(BrokerAuthError):
    """The server's ACL refused a command to our user (NOPERM). Retrying will not help.

    ``command`` is the refused command in upper case (``""`` when the server refused keys
    rather than a command).
    """

    def __init__(self, message: str, *, url: str = "", command: str = "") -> None:
        super().__init__(message, url=url)
        self.command = command


class BrokerOverflowError(BrokerError):
    """The next seq a reader wanted is below the first one the stream still holds.

    Recover by reading again from ``available_from`` and accepting that
    ``[requested_seq, available_from)`` is lost.
    """

    def __init__(self, run_id: str, requested_seq: int, available_from: int) -> None:
        self.run_id = run_id
        self.requested_seq = requested_seq
        self.available_from = available_from
        super().__init__(
            f"run {run_id}: seq {requested_seq} was trimmed by the broker; "
            f"the first available seq is {available_from} "
            f"({available_from - requested_seq} events lost)"
        )

    @property
    def lost(self) -> int:
        return max(0, self.available_from - self.requested_seq)


class RunNotFoundError(BrokerError):
    """No key of the run exists in the broker (never opened, reaped, or wrong prefix)."""

    def __init__(self, run_id: str, hint: str = "") -> None:
        self.run_id = run_id
        msg = f"run {run_id!r} is not in the broker"
        super().__init__(f"{msg}; {hint}" if hint else msg)


class BrokerClosedError(BrokerError):
    """The broker object was closed; make a new one."""
