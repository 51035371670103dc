"""Making typed text safe to show: never markup, never a control character on the terminal."""

from __future__ import annotations

import unicodedata

from rich.cells import cell_len, set_cell_size

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


_SKIN_TONES = frozenset(chr(code) for code in range(0x1F3FB, 0x1F400))


def one_line(text: str, width: int = 80) -> str:
    """A single visible line of at most ``width`` terminal cells (a Chinese character takes
    two), cut with an ellipsis, for timelines and tables."""
    return fit_cells(visible(text), width)


def fit_cells(text: str, width: int, *, ellipsis: bool = True) -> str:
    """``text`` cut to at most ``width`` terminal cells, never in the middle of a wide
    character; with ``ellipsis`` the cut is marked with "…"."""
    if cell_len(text) <= width:
        return text
    if not ellipsis or width < 1:
        return set_cell_size(text, max(0, width)).rstrip() if width > 0 else ""
    cut = set_cell_size(text, width - 1)
    # A wide character that did not fit leaves a padding space: the ellipsis takes its place.
    return cut.rstrip(" ") + "…"
