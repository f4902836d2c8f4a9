"""The pipe-friendly twins of the app's views: ``runs``, ``tail``, ``produce``, ``smoke``.

Nothing here imports Textual; ``cli`` parses arguments and calls ``commands``."""
