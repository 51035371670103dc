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


def _control_symbol(code: int) -> str:
    char = chr(code)
    if char in _VISIBLE:
        return _VISIBLE[char]
    if code < 0x20:
        return chr(0x2400 + code)  # the control pictures: ␀ … ␇ (BEL) … ␟
    return "␡" if code == 0x7F else "\ufffd"


# Every control character (C0, DEL, C1) to its visible symbol; multi-line fields keep tab and LF.
_ONE_LINE = {code: _control_symbol(code) for code in (*range(0x20), *range(0x7F, 0xA0))}
_MULTI_LINE = {code: symbol for code, symbol in _ONE_LINE.items() if chr(code) not in "\t\n"}


def typed(text: str, *, multi_line: bool = False) -> str:
    """Text as it enters a field, typed or pasted: each control character replaced, in place,
    by the symbol ``visible`` shows for it (ESC ␛, BEL ␇), so none is stored or exported raw.
    A multi-line field keeps tabs and line breaks, a CR LF or a lone CR becoming LF."""
    if multi_line:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text.translate(_MULTI_LINE)
    return text.translate(_ONE_LINE)
