"""Types of the broker fixtures in ``tests/conftest.py``, importable by the tests that use them."""

from __future__ import annotations

from collections.abc import Callable

from arena_tui.broker import EventBroker

BrokerFactory = Callable[..., EventBroker]
"""The ``broker_factory`` fixture: ``make(max_len=...)`` gives another broker of the test's
backend on the test's keyspace (closed at teardown)."""
