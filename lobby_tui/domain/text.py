"""Making typed text safe to show: never markup, never a control character on the terminal."""

from __future__ import annotations

import unicodedata

_SKIN_TONES = frozenset(chr(code) for code in range(0x1F3FB, 0x1F400))
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
        if ch in _SKIN_TONES:
            # Terminals draw 👍🏽 in the two cells of 👍, Rich counts four: a row drawn with the
            # tone would be pushed out of line. The emoji stays, its tone is left out.
            continue
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
    """A single visible line of at most ``width`` characters, for reports; on the terminal,
    where a Chinese character takes two cells, ``widgets.cells.cell_line`` cuts by cells."""
    shown = visible(text)
    return shown if len(shown) <= width else shown[: width - 1] + "…"
