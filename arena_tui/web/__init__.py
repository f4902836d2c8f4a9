"""The browser face: the Textual app served to browser tabs through textual-serve."""
