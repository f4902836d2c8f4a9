"""``arena-tui serve`` without a browser: the page it serves, its warning, its errors.

The browser itself is in ``tests/e2e/test_browser.py``; these check what can be checked fast.
"""

from __future__ import annotations

import re
import shlex
import socket
from collections.abc import Iterator

import pytest

from arena_tui.web import serve
from tests.support.cli import Cli


def test_the_page_loads_nothing_from_other_hosts() -> None:
    page = serve.page_template()
    assert "fonts.googleapis.com" not in page
    assert re.findall(r"https?://[^\s\"']+", page) == ["http://www.w3.org/2000/svg"]
    assert '@font-face {\n        font-family: "Roboto Mono"' in page
    assert 'href="/static/css/xterm.css"' in page
    assert "{{ config.static.url }}" not in page
    assert "location.host" in page, "the websocket URL comes from where the page was loaded"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("demo-box.example", False),
    ],
)
def test_loopback(host: str, loopback: bool) -> None:
    assert serve.is_loopback(host) is loopback
    assert (serve.exposure_warning(host, None) is None) is loopback


def test_the_warning_names_the_risk_and_the_redis_it_reads_through() -> None:
    warning = serve.exposure_warning("0.0.0.0", "redis://db:6379/0 (password hidden)")
    assert warning is not None
    assert "anyone who can reach this port can open the app and watch every run" in warning
    assert "reading redis://db:6379/0 (password hidden) with the configured credentials" in warning
    assert "--host 127.0.0.1" in warning


def test_public_url_for_a_wildcard_bind_is_this_machines_name() -> None:
    assert serve.default_public_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert serve.default_public_url("::1", 8001) == "http://[::1]:8001"
    assert serve.default_public_url("0.0.0.0", 80) == f"http://{socket.gethostname()}:80"


def test_each_tab_execs_the_app_with_a_quoted_interpreter() -> None:
    command = serve.tab_command("/opt/my python/bin/python3", ["--run", "abc"])
    expected = ["exec", "/opt/my python/bin/python3", "-m", "arena_tui", "--run", "abc"]
    assert shlex.split(command) == expected


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port bound (not listening: nothing is served) on every address, so serve cannot bind."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("0.0.0.0", 0))
        yield int(sock.getsockname()[1])


def test_a_taken_port_is_one_error_line(cli: Cli, taken_port: int) -> None:
    result = cli("serve", "--port", str(taken_port), timeout=60)
    assert result.returncode == 1, result
    assert result.stderr.splitlines() == [
        f"arena-tui: error: cannot listen on 127.0.0.1:{taken_port}: address already in use; "
        "pick another with --port, or --host"
    ]


def test_binding_elsewhere_warns_first(cli: Cli, taken_port: int) -> None:
    env = {
        "ARENA_BROKER_BACKEND": "redis",
        "REDIS_URL": "redis://:s3cret-pw@db.internal:6379/0",
    }
    result = cli("serve", "--host", "0.0.0.0", "--port", str(taken_port), env=env, timeout=60)
    assert result.returncode == 1, result
    warning, error = result.stderr.splitlines()
    assert warning.startswith("arena-tui: warning: serving on 0.0.0.0, not loopback: anyone")
    assert "redis://db.internal:6379/0 (password hidden)" in warning
    assert "s3cret-pw" not in result.stderr + result.stdout
    assert error.startswith(f"arena-tui: error: cannot listen on 0.0.0.0:{taken_port}")


@pytest.mark.parametrize("port", ["0", "70000", "x"])
def test_bad_ports_are_usage_errors(cli: Cli, port: str) -> None:
    result = cli("serve", "--port", port)
    assert result.returncode == 2
    assert "--port" in result.stderr
    assert "Traceback" not in result.stderr
