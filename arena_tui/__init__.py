"""arena-tui: a terminal viewer for the Synthetic Arena's event broker."""

__version__ = "0.1.0"
