"""A Jepsen-style soak of arena-tui: many clients, seeded faults for a long time, a checker.

``python -m soak --minutes 30`` (``just soak``) starts a private Redis (AOF, then a phase
without persistence), 5 producers that keep ledgers of every seq Redis acked, 3 real apps in
tmux and 3 ``arena-tui tail --jsonl`` consumers, injects the faults of a seeded schedule, then
checks every consumer's output against the ledgers (``checker``), the apps' screens against
Redis, and the processes for leaks, and writes ``soak/results/<name>.json`` and ``.svg``.
``--short`` is the test suite's minute-long version.
"""
