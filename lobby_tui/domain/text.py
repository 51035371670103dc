"""Making typed text safe to show: never markup, never a control character on the terminal."""

from __future__ import annotations

import unicodedata

_VISIBLE = {
    "\t": "⇥",
    "\n": "↵",
    "\r": "␍",
    "\x1b": "␛",
}


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """Replace control characters with visible symbols, so they never reach the terminal.

    Markup characters are left alone: callers pass the result as plain text, never as markup.
    """
    out: list[str] = []
    for ch in text:
        if keep_newlines and ch == "\n":
            out.append(ch)
        elif ch in _VISIBLE:
            out.append(_VISIBLE[ch])
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch not in "\u200d":
            out.append("\ufffd" if ord(ch) > 0x20 else chr(0x2400 + ord(ch)))
        else:
            out.append(ch)
    return "".join(out)


def one_line(text: str, width: int = 80) -> str:
    """A single visible line of at most ``width`` characters, for timelines and tables."""
    shown = visible(text)
    return shown if len(shown) <= width else shown[: width - 1] + "…"
