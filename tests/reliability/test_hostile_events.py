"""Hostile and broken events, written raw into Redis, through the app and the CLI.

Nothing an agent writes may act on the terminal: markup shows as text, control and format
characters as visible escapes, broken entries are marked, and a 10 MB payload neither freezes
the app nor fills the detail pane.
"""

from __future__ import annotations

import asyncio
import json
import secrets

import pytest

from arena_tui.broker.redis import RedisStreamsBroker
from arena_tui.model.detail import PAYLOAD_LIMIT
from arena_tui.model.rows import EventRow
from arena_tui.ui.widgets.log.detail import DetailPane
from tests.support.cli import redis_env_for, run_cli
from tests.support.pilot import detail_text, live_app, pane, raw_control_chars, screen_text, until
from tests.support.redis_server import RedisServer
from tests.support.wire import Fields, WireWriter, entry

pytestmark = pytest.mark.redis

RUN = "hostile"
OSC52 = "\x1b]52;c;SGVsbG8gY2xpcGJvYXJk\x07"
HOSTILE = (
    f"[red]x[/red] [link=https://evil.example]y[/link] {OSC52} \x1b]0;pwned\x07 "
    "\x1b]2;title\x1b\\ \x1b[2J\x1b[31m esc\x1b bell\x07 back\x08 cr\r \u202eevil\u202c z\u200bw"
)
BIG = 10 * 1024 * 1024


def fields(kind: str, payload: bytes, *, t: bytes = b"1", agent: bytes = b"a") -> Fields:
    return entry(RUN, kind, payload, t=t, agent=agent)


def entries() -> list[tuple[str, dict[bytes, bytes]]]:
    hostile = json.dumps({"kind": "llm_prompt", "state_summary": HOSTILE}).encode()
    big = json.dumps({"kind": "llm_response", "actions": [], "reasoning": "A" * BIG,
                      "cost_usd": 0.1}).encode()  # fmt: skip
    return [
        ("markup and escapes", fields("llm_prompt", hostile, agent=b"\x1b[31m")),
        ("10 MB payload", fields("llm_response", big)),
        ("invalid UTF-8", fields("metric", b'{"kind":"metric","name":"\xff\xfe","value":1}')),
        ("invalid JSON", fields("metric", b'{"kind": "metric", "name": ')),
        ("missing fields", {b"k": b"action", b"p": b"{}"}),
        ("unknown kind", fields("telepathy", b'{"kind":"telepathy","strength":3}')),
        ("non-numeric turn", fields("metric", b'{"kind":"metric","name":"n","value":1}', t=b"x")),
    ]


@pytest.fixture(scope="module")
def prefix(redis_server: RedisServer) -> str:
    """The hostile run, written once for the module under its own prefix on the session server."""
    prefix = f"hostile:{secrets.token_hex(4)}"
    raw = redis_server.client()
    producer = WireWriter(raw, prefix, RUN)
    producer.open(sentinel=b"1")
    for seq, (_, written) in enumerate(entries(), start=1):
        producer.write(seq, written)
    producer.write("*", fields("metric", b'{"kind":"metric"}'))  # a foreign id, after them
    raw.set(producer.seq_key, str(len(entries())).encode())
    raw.close()
    return prefix


async def test_app_shows_everything_literally_marks_broken_and_stays_responsive(
    redis_server: RedisServer, prefix: str
) -> None:
    app = live_app(RedisStreamsBroker(redis_server.url, key_prefix=prefix), run_id=RUN)
    async with app.run_test(size=(220, 40)) as pilot:

        def rows() -> list[EventRow]:
            return [r for r in pane(app).view.rows if isinstance(r, EventRow)]

        # a 10 MB entry among them: on a loaded machine the first read takes a while
        await until(pilot, lambda: len(rows()) == len(entries()) + 1, 30, "all entries")
        text = screen_text(app)
        assert raw_control_chars(app) == set()
        assert "[red]x[/red] [link=https://evil.example]y[/link]" in text
        assert "\\x1b]52;c;SGVsbG8gY2xpcGJvYXJk\\x07" in text
        assert "\\x1b]0;pwned\\x07" in text
        broken = {r.seq for r in rows() if r.envelope.problems}
        assert broken >= {3, 4, 5, 7}, broken  # invalid UTF-8/JSON, missing fields, bad turn
        assert len(broken) == 5  # ... and the entry whose id is not <seq>-0
        assert text.count("⚠") >= 5
        assert "telepathy" in text

        pane(app).focus()
        await pilot.press("home")
        await until(pilot, lambda: pane(app).view.cursor_seq == 1)
        await pilot.press("enter")  # the whole of the hostile event, escaped
        detail = app.screen.query_one(DetailPane)
        await until(pilot, lambda: "evil" in detail_text(app))
        body = detail_text(app)
        escaped_forms = ("\\u001b]52;c;", "\\u202eevil\\u202c", "back\\b", "cr\\r", "z\\u200bw")
        for escaped in (*escaped_forms, "bell\\u0007", "[red]x[/red]"):
            assert escaped in body
        assert raw_control_chars(app) == set()
        await pilot.press("enter")
        await pilot.press("down")  # onto the 10 MB event
        await until(pilot, lambda: pane(app).view.cursor_seq == 2)
        await pilot.press("enter")
        await until(pilot, lambda: detail.has_class("-open"))
        body = detail_text(app)
        assert len(body) < 1.1 * PAYLOAD_LIMIT  # capped (plus line wrapping), not 10 MB
        assert "more characters" in body
        await pilot.press("down")  # still responsive after the 10 MB event
        await until(pilot, lambda: pane(app).view.cursor_seq == 3, within=5)
        await pilot.press("up", "up")
        await until(pilot, lambda: pane(app).view.cursor_seq == 1)
        await pilot.pause(0.1)
        assert raw_control_chars(app) == set()
        assert "\x1b" not in detail_text(app)


@pytest.mark.parametrize("jsonl", [False, True], ids=["human", "jsonl"])
def test_cli_output_has_no_raw_escape_or_bell(
    redis_server: RedisServer, prefix: str, jsonl: bool
) -> None:
    args = ("tail", RUN, "--no-follow", *(("--jsonl",) if jsonl else ()))
    result = run_cli(*args, env=redis_env_for(redis_server, prefix), timeout=60)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # every entry and the finished notice; the XADD * entry's id is a clock value, not a seq
    # jump, so no absurd "seq 8–1,795,639,379,985 missing" gap
    assert len(out.splitlines()) == len(entries()) + 1
    assert "┄┄" not in out  # no gap line in the human output
    assert '"gap"' not in out
    assert "looks generated by Redis (XADD *)" in out
    for byte in ("\x1b", "\x07", "\x08", "\r", "\u202e", "\u200b", "\x9b"):
        assert byte not in out
    assert "[red]x[/red]" in out
    if jsonl:
        records = [json.loads(line) for line in out.splitlines()]
        assert sum(1 for r in records if r.get("problems")) == 5
        assert records[0]["payload"]["state_summary"] == HOSTILE  # exact, once decoded


async def test_follow_delivers_the_broken_entries_too(
    redis_server: RedisServer, prefix: str
) -> None:
    from arena_tui.broker.follow import read_to_end

    broker = RedisStreamsBroker(redis_server.url, key_prefix=prefix)
    try:
        items = [item async for item in read_to_end(broker, RUN)]
    finally:
        await broker.aclose()
    seqs = [e.seq for item in items for e in getattr(item, "envelopes", ())]
    assert seqs[: len(entries())] == list(range(1, len(entries()) + 1))
    await asyncio.sleep(0)
