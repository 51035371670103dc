"""lobby-tui: the duty log of a bank branch's lobby manager."""

__version__ = "0.1.0"
