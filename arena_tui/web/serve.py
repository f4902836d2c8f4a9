"""``arena-tui serve``: the same app in browser tabs, through Textualize's textual-serve.

textual-serve answers each browser tab's websocket by starting the app as a subprocess with
Textual's web driver and relaying its screen to xterm.js in the page. Three things about it
need care here, and this module is where they are handled:

- **Offline.** Its page links a web font from a public font host and opens the websocket in
  ``window.onload``, which waits for that font; with no internet (demo rooms, CI) the app
  connects late or never. The page served here is textual-serve's own template with that link
  replaced by the Roboto Mono files textual-serve ships in its static folder, so nothing is
  fetched from outside this server.
- **Addresses.** The page builds its websocket and static URLs from the server's public URL,
  which by default is the bind address: ``ws://0.0.0.0:8000/ws`` is refused by browsers. Here
  the page takes both from the address the browser used to load it, so any address that
  reaches the server works; ``public_url`` is only what the startup line prints.
- **Stopping.** Closing a tab sends the app a quit message and then waits, with no time limit,
  for the app's stdout to close; stopping the server waits for every tab. Each tab's command
  starts with ``exec`` (one process per tab, not a shell and the app), and on shutdown every
  app gets the quit message, then SIGTERM after ``QUIT_GRACE_S``, then SIGKILL, so Ctrl-C (to
  the process group from a terminal, or SIGINT/SIGTERM to the server alone) stops them all.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import re
import shlex
import socket
from collections.abc import Callable, Sequence
from importlib.metadata import version
from importlib.resources import files
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

QUIT_GRACE_S = 2.0
"""How long an app has to quit by itself before it is sent SIGTERM (then SIGKILL as long)."""

_FONT_LINK = re.compile(r"<link[^>]*https://fonts\.googleapis\.com/[^>]*>")
_FONT_FACES = """<style>
      @font-face {
        font-family: "Roboto Mono";
        src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf") format("truetype");
        font-weight: 100 700;
        font-style: normal;
      }
      @font-face {
        font-family: "Roboto Mono";
        src: url("/static/fonts/RobotoMono-Italic-VariableFont_wght.ttf") format("truetype");
        font-weight: 100 700;
        font-style: italic;
      }
    </style>"""
_WS_ATTRIBUTE = 'data-session-websocket-url="{{ app_websocket_url }}"'
_WS_FROM_LOCATION = """<script>
      // The websocket of the address this page was loaded from (not the bind address).
      document.getElementById("terminal").dataset.sessionWebsocketUrl =
        (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
    </script>
  </body>"""


class PageTemplateError(RuntimeError):
    """textual-serve's page template is not the one this module knows how to adapt."""


def page_template() -> str:
    """textual-serve's page, adapted to load nothing from outside this server (see above)."""
    source = (files("textual_serve") / "templates" / "app_index.html").read_text("utf-8")
    replacements = [
        (_FONT_LINK, _FONT_FACES),
        (re.compile(re.escape("{{ config.static.url }}")), "/static/"),
        (re.compile(re.escape(_WS_ATTRIBUTE)), ""),
        (re.compile("</body>"), _WS_FROM_LOCATION),
    ]
    for old, new in replacements:
        source, found = old.subn(_literally(new), source)
        if not found:
            raise PageTemplateError(
                f"textual-serve {version('textual-serve')}'s page changed ({old.pattern[:40]!r} "
                "is gone): update arena_tui/web/serve.py for it, or install the pinned version"
            )
    if re.search(r"https?://(?!www\.w3\.org/2000/svg)", source):
        raise PageTemplateError("textual-serve's page still loads something from another host")
    return source


def _literally(text: str) -> Callable[[re.Match[str]], str]:
    return lambda _: text


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the server to this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def default_public_url(host: str, port: int) -> str:
    """The address to print: the bind host, or this machine's name for a wildcard bind."""
    if host in {"0.0.0.0", "::", ""}:
        host = socket.gethostname()
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def exposure_warning(host: str, redis_url_shown: str | None) -> str | None:
    """The warning to print before binding ``host``, or None for a loopback address."""
    if is_loopback(host):
        return None
    through = (
        f", reading {redis_url_shown} with the configured credentials" if redis_url_shown else ""
    )
    return (
        f"warning: serving on {host}, not loopback: anyone who can reach this port can open "
        f"the app and watch every run{through}; use --host 127.0.0.1 unless that is intended"
    )


def tab_command(python: str, app_args: Sequence[str]) -> str:
    """The shell command each tab runs: ``exec`` so the tab's process is the app itself."""
    return shlex.join(["exec", python, "-m", "arena_tui", *app_args])


class _TabService(AppService):
    """One tab's app process, which can also be made to stop within a time limit."""

    async def stop_within(self, grace_s: float) -> None:
        process = self._process
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.send_meta({"type": "quit"}), grace_s)
        if process is None:
            return
        await self._stop_process(process, grace_s)
        await self._finish_relay(grace_s)

    @staticmethod
    async def _stop_process(process: asyncio.subprocess.Process, grace_s: float) -> None:
        for signal_it in (process.terminate, process.kill):
            try:
                await asyncio.wait_for(process.wait(), grace_s)
                return
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    signal_it()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), grace_s)

    async def _finish_relay(self, grace_s: float) -> None:
        """Let the relay of the app's output end; a child that kept its stdout open cannot."""
        task = self._task
        if task is None:
            return
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(asyncio.shield(task), grace_s)
        task.cancel()


class ArenaServer(Server):
    """textual-serve's server with an offline page, relative URLs and a bounded shutdown."""

    def __init__(self, command: str, *, host: str, port: int, public_url: str, title: str):
        super().__init__(command, host=host, port=port, title=title, public_url=public_url)
        self._tabs: dict[_TabService, web.WebSocketResponse] = {}

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        loader = jinja2.DictLoader({"app_index.html": page_template()})
        aiohttp_jinja2.setup(app, loader=loader)
        return app

    def initialize_logging(self) -> None:
        """Warnings and errors only: no line per request, no banner."""
        logging.basicConfig(level=logging.WARNING, format="arena-tui serve: %(message)s")

    async def on_startup(self, app: web.Application) -> None:
        print(
            f"arena-tui: serving the app on {self.public_url} (each browser tab runs its own "
            "app; Ctrl-C stops them all)",
            flush=True,
        )

    async def on_shutdown(self, app: web.Application) -> None:
        tabs = list(self._tabs.items())
        await asyncio.gather(*(tab.stop_within(QUIT_GRACE_S) for tab, _ in tabs))
        for _, websocket in tabs:
            with contextlib.suppress(Exception):
                await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopped")

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One tab: its own app process, relayed until the tab or the app goes away."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = _int(request.query.get("width"), 80)
        height = _int(request.query.get("height"), 24)
        await websocket.prepare(request)

        async def close() -> None:
            await websocket.close()

        tab = _TabService(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close,
            download_manager=self.download_manager,
            debug=self.debug,
        )
        self._tabs[tab] = websocket
        try:
            await tab.start(width, height)
            await self._process_messages(websocket, tab)
        except (asyncio.CancelledError, ConnectionError):
            pass
        finally:
            await tab.stop_within(QUIT_GRACE_S)
            self._tabs.pop(tab, None)
            with contextlib.suppress(Exception):
                await websocket.close()
        return websocket


def _int(text: Any, default: int) -> int:
    try:
        return max(1, int(text))
    except (TypeError, ValueError):
        return default


class ServeError(RuntimeError):
    """The server could not start (the message says what to do)."""


def serve(command: str, *, host: str, port: int, public_url: str) -> None:
    """Serve ``command`` (one app per tab) on ``host:port`` until Ctrl-C, SIGINT or SIGTERM."""
    server = ArenaServer(command, host=host, port=port, public_url=public_url, title="arena-tui")
    try:
        server.serve()
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise ServeError(
            f"cannot listen on {host}:{port}: {reason.lower()}; pick another with --port, or --host"
        ) from None
