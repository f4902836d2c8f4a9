"""The soak's verdict on the apps' final views: a run deleted under an app that had seen it
finish must be said gone (the 30-minute run's follow app still said "finished at seq 231")."""

from __future__ import annotations

from typing import Any

from soak.report import verdict


def outcome(view: dict[str, Any]) -> dict[str, Any]:
    return {
        "check": {"failures": []},
        "leaks": {"failures": []},
        "problems": [],
        "end": {
            "settled": {"apps": {}},
            "apps_final": [view],
            "drained": {"stuck": {}},
            "clients": {"unexplained": []},
        },
    }


def final(gone: dict[str, Any] | None) -> dict[str, Any]:
    status = "● finished at seq 98 · FOLLOWING · seq 98 / 98"
    return {
        "role": "follow",
        "run": "b" * 32,
        "status_line": status,
        "cursor_seq": 98,
        "newest_seq": 98,
        "bad_state": None,
        "gone_run": gone,
        "redis_last_seq": 98,
    }


def test_an_app_started_again_after_saying_its_run_is_gone_passes() -> None:
    said = "● gone from the broker (finished at seq 231) · seq 231 / 231"
    assert verdict(outcome(final({"run": "a" * 32, "status_line": said, "said": True}))) == []


def test_an_app_still_saying_finished_on_a_deleted_run_fails() -> None:
    stale = "● finished at seq 231 · FOLLOWING · seq 231 / 231"
    failures = verdict(outcome(final({"run": "a" * 32, "status_line": stale, "said": False})))
    assert len(failures) == 1
    assert "did not say so" in failures[0]


def test_an_app_whose_live_run_was_reset_to_nothing_need_not_say_gone() -> None:
    reset = "● idle 12 s · FOLLOWING · seq 0 / 0"
    assert verdict(outcome(final({"run": "a" * 32, "status_line": reset, "said": False}))) == []
