"""Plain Python rules of the duty log: no Textual, no SQL."""
