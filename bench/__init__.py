"""Benchmarks for arena-tui: every figure measured beside its baseline, against a real Redis.

``python -m bench`` (or ``just bench``) starts a private ``redis-server`` (never the machine's
port 6379), runs each figure several times with its baseline interleaved, prints a table of
medians with min and max, and writes the same figures as JSON (``bench/results/latest.json``).
``--quick`` shrinks every size so the harness itself can be checked in CI in under a minute;
its numbers mean nothing. See ``bench.figures`` for what each figure measures and what
"painted" means there.
"""
