"""The reading floor: broker reads that both faces need, above ``model`` and below ``ui`` and
``headless``.

Everything here talks to an ``EventBroker`` and returns plain data or reports through plain
callbacks; nothing imports Textual or Rich, and nothing here knows which face called it (the
app runs these in its workers, the CLI awaits them directly):

* ``tail``: a run in seq order as events and notices (``arena-tui tail``, the export);
* ``fetch``: the range read the log view asks for, retried while the broker is unreachable;
* ``seek``: one bisection over single-event reads, for ``g t41`` (turns) and ``g 19:42`` (times);
* ``scans``: whole-run work in chunks: search hits, the kind tally's history;
* ``export``: the retained run (or a seq range) as ``tail --jsonl`` lines in a file;
* ``charts``: the chart series of a run's retained history, page by page.
"""
