"""Drive ``arena-tui serve`` in a real headless Chromium and read the app's screen back.

Chromium is Debian's ``chromium`` (``.ci/run`` installs it with apt), driven by Playwright for
Python through ``executable_path``: Playwright's own browser download is not reachable
everywhere. xterm.js draws on a canvas, so the screen's text is in neither the DOM nor the
accessibility tree, and the page keeps its terminal object to itself; an init script puts a
setter for ``terminal`` on ``Object.prototype`` that catches the object when the page's script
assigns it, and ``buffer.active.getLine(y)`` then gives each screen line.
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, Route, sync_playwright

from tests.support.cli import CliProc

CHROMIUM = os.environ.get("ARENA_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [  # the probe's flags (shared/browser-demo.md), plus ARENA_TEST_CHROMIUM_FLAGS
    *os.environ.get("ARENA_TEST_CHROMIUM_FLAGS", "").split(),
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

CAPTURE_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {
      value, writable: true, configurable: true, enumerable: true,
    });
    window.__arenaTerminal = value;
  },
});
"""

READ_LINES = """() => {
  const term = window.__arenaTerminal;
  if (!term) return null;
  const lines = [];
  for (let y = 0; y < term.rows; y++) {
    const line = term.buffer.active.getLine(y);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines;
}"""

COUNT_COLOURS = """async (dataUrl) => {
  const image = new Image();
  image.src = dataUrl;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height).data;
  const seen = new Set();
  for (let i = 0; i < pixels.length; i += 4 * 7) {
    seen.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
  }
  return seen.size;
}"""


class ServeProcess:
    """``arena-tui serve`` in its own process group, so the test can Ctrl-C all of it."""

    def __init__(self, port: int, env: dict[str, str], cwd: Path) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.cli = CliProc("serve", "--port", str(port), env=env, cwd=cwd, new_session=True)
        self.process = self.cli.proc
        first = self.cli.line(within=30)
        assert f"serving the app on {self.url}" in first, first + self.output()

    def apps(self) -> list[int]:
        """The PIDs of the tabs' app processes (children of the server)."""
        found = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        )
        return [int(pid) for pid in found.stdout.split()]

    def alive(self) -> bool:
        return self.process.poll() is None

    def interrupt(self, within: float) -> float:
        """Ctrl-C (SIGINT to the server alone); the seconds it took to exit."""
        start = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=within)
        return time.monotonic() - start

    def output(self) -> str:
        """What the server wrote after its first line (stdout, then stderr), once it ended."""
        return "" if self.alive() else self.cli.rest()

    def close(self) -> None:
        """Kill whatever is left of the server and its apps; close the pipes."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.cli.__exit__()


class AppPage:
    """One browser tab on the served app: its screen lines, keys and screenshots."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url

    def lines(self) -> list[str]:
        lines = self.page.evaluate(READ_LINES)
        return list(lines) if lines else []

    def screen(self) -> str:
        return "\n".join(self.lines())

    def wait_for(self, check: Callable[[str], bool], within: float = 30.0) -> str:
        deadline = time.monotonic() + within
        screen = self.screen()
        while not check(screen):
            if time.monotonic() > deadline:
                raise AssertionError(f"the page never showed it; the screen is:\n{screen}")
            self.page.wait_for_timeout(100)
            screen = self.screen()
        return screen

    def press(self, *keys: str) -> None:
        """Type into the terminal (xterm.js reads keys from its hidden textarea)."""
        self.page.focus("textarea.xterm-helper-textarea")
        for key in keys:
            self.page.keyboard.press(key)
            if key == "Escape":  # Escape then a key at once reaches Textual as Alt+key
                self.page.wait_for_timeout(300)

    def closed(self) -> bool:
        """Whether the page shows textual-serve's "Session ended" (the app is gone)."""
        return bool(self.page.evaluate("document.body.classList.contains('-closed')"))

    def screenshot(self, path: Path) -> int:
        """Save a PNG of the tab; the number of distinct colours in it (1: blank)."""
        png = self.page.screenshot(path=str(path))
        data_url = "data:image/png;base64," + base64.b64encode(png).decode()
        return int(self.page.evaluate(COUNT_COLOURS, data_url))


@contextmanager
def browser_tab(url: str, user_data_dir: Path) -> Iterator[tuple[AppPage, list[str]]]:
    """A headless Chromium tab on ``url`` that may load nothing from other hosts.

    Yields the tab and the list of outside URLs it tried to load (each one was refused).
    """
    if not Path(CHROMIUM).exists():
        raise AssertionError(
            f"no Chromium at {CHROMIUM}: apt-get install chromium (as .ci/run does), "
            "or set ARENA_TEST_CHROMIUM"
        )
    outside: list[str] = []
    origin = url.split("://", 1)[1]

    def only_this_server(route: Route) -> None:
        if route.request.url.split("://", 1)[1].startswith(origin):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(user_data_dir),
            executable_path=CHROMIUM,
            args=CHROMIUM_FLAGS,
            headless=True,
            viewport={"width": 1280, "height": 800},
        )
        try:
            context.route("**/*", only_this_server)
            page = context.new_page()
            page.add_init_script(CAPTURE_TERMINAL)
            page.goto(url)
            yield AppPage(page, url), outside
        finally:
            context.close()
