"""``diagnose``: a TLS mismatch told from a server that is down, by one short probe of the port.

redis-py says the same for both (a handshake that times out, a connection reset at once); the
shared clients and every tail's reader call this when ``errors.translate_errors`` suspects TLS.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl

from arena_tui.broker.errors import BrokerUnavailableError
from arena_tui.broker.redis.errors import SuspectTLS, plain_server_message, tls_server_message
from arena_tui.broker.redis.url import RedisAddress

PROBE_TIMEOUT_S = 1.0
"""How long ``diagnose`` waits for a port to show which protocol it speaks."""


async def diagnose(error: SuspectTLS, address: RedisAddress, url: str) -> BrokerUnavailableError:
    """Tell a TLS mismatch from a server that is down, with one short probe of the port.

    ``rediss://`` whose handshake timed out: does the port answer a plain ``PING``? Then it
    is a plain server. ``redis://`` whose connection was reset at once: does the port complete
    a TLS handshake (certificate unchecked: this only asks whether it speaks TLS)? Then it
    wants TLS. Anything else keeps the ordinary "cannot reach" message.
    """
    plain_reply = b""
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_S):
            if address.ssl:
                stream, writer = await asyncio.open_connection(address.host, address.port)
                writer.write(b"PING\r\n")
                plain_reply = await stream.read(64)
            else:
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                _, writer = await asyncio.open_connection(address.host, address.port, ssl=context)
    except (OSError, TimeoutError):
        return BrokerUnavailableError(str(error), url=url)
    finally:
        if writer is not None:  # closed on every path: no socket is left to the GC
            writer.close()
            with contextlib.suppress(OSError, TimeoutError):
                async with asyncio.timeout(PROBE_TIMEOUT_S):
                    await writer.wait_closed()
    if address.ssl and plain_reply[:1] in (b"+", b"-"):
        return BrokerUnavailableError(plain_server_message(url), url=url)
    if not address.ssl:
        return BrokerUnavailableError(tls_server_message(url), url=url)
    return BrokerUnavailableError(str(error), url=url)
