"""Pure view state for arena-tui: no Textual, no Rich, no I/O. The UI renders what this decides."""
