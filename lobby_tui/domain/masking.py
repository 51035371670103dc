"""Masking of personal data: mainland mobile numbers, resident ID numbers and bank card numbers,
also when typed inside free text.

Applied where stored text leaves the database for a person: the data layer builds its views
(``lobby_tui.data.views``) with masked text, so screens, exports and reports never hold the
clear value; only the audited reveal returns it.

Numbers are recognised however they were typed: full-width digits (１３８…) and other
compatibility forms are folded with NFKC first, and groups may be split by a space, a dot or a
hyphen (138.1234.5678, 110101 19900307 8768, 6222 0212 3456 7890 123). What must stay readable
stays: tickets (A023), amounts (200,000, 12345.67), dates, times, counters, case numbers
(TS-20261129-003), staff numbers. The worked examples are the table in tests/test_masking.py.

- mobile 1[3-9]x xxxx xxxx, with +86 / 0086 / 86 before it or not → ``138****5678``;
- resident ID, 18 characters (second generation) or 15 digits (first), with a real birth date →
  its last 4 characters after a star for each one hidden;
- a bank card, 16 to 19 digits, Luhn-valid or in UnionPay's range (62…, whose older cards do not
  all carry a Luhn check digit) → likewise its last 4 digits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from itertools import compress, count

from stdnum import luhn
from stdnum.cn import ric

_SEP = r"[ .\-]?"
# Second-generation ID: 6-digit region, birth date, 3-digit sequence, check digit (or X).
_ID18 = re.compile(
    rf"(?<![0-9])[1-9][0-9]{{5}}{_SEP}(?:18|19|20)[0-9]{{2}}{_SEP}[01][0-9][0-3][0-9]{_SEP}"
    rf"[0-9]{{3}}[0-9Xx](?![0-9A-Za-z])"
)
# First-generation ID: 6-digit region, birth date without its century, 3-digit sequence.
_ID15 = re.compile(
    rf"(?<![0-9])[1-9][0-9]{{5}}{_SEP}[0-9]{{2}}[01][0-9][0-3][0-9]{_SEP}[0-9]{{3}}(?![0-9])"
)
# A card: one run of 16–19 digits, or groups of four split by a space or a hyphen.
_CARD = re.compile(
    r"(?<![0-9])(?:[0-9]{16,19}|[0-9]{4}(?:[ \-][0-9]{4}){3}(?:[ \-][0-9]{1,3})?)(?![0-9])"
)
_MOBILE = re.compile(
    rf"(?<![0-9])((?:(?:\+|00)?86{_SEP})?)(1[3-9][0-9]){_SEP}([0-9]{{4}}){_SEP}([0-9]{{4}})(?![0-9])"
)
# The shortest number masked is a mobile's 11 digits: a text with fewer digits (any script's,
# full-width ones too) is left as it is at once. Anchored, so one linear pass; possessive, as a
# run of non-digits given back could never be a digit (twice as quick on a page of the log).
_ELEVEN_DIGITS = re.compile(r"(?:\D*+\d){11}")
# Whether a (non-empty) text may hold a number to mask: when not, ``mask`` leaves it as it is.
# For a caller masking many texts, most of them without (a page of the log): no call of ``mask``.
may_hold_number = _ELEVEN_DIGITS.match
_SEPARATORS = str.maketrans("", "", " .-")
# The characters that ``_fold`` turns into an ASCII digit, as ranges of code points: ASCII and
# full-width digits, super- and subscripts, circled, mathematical and segmented digits
# (tests/test_masking.py checks the list against the whole of Unicode).
DIGIT_LIKE = (
    (0x30, 0x39),
    (0xB2, 0xB3),
    (0xB9, 0xB9),
    (0x2070, 0x2070),
    (0x2074, 0x2079),
    (0x2080, 0x2089),
    (0x2460, 0x2468),
    (0x24EA, 0x24EA),
    (0xFF10, 0xFF19),
    (0x1D7CE, 0x1D7FF),
    (0x1FBF0, 0x1FBF9),
)
_DIGIT = "[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in DIGIT_LIKE) + "]"
# Every number masked is 11 or more of them with at most one separator between two: a text
# without such a run has nothing to mask, however many digits it holds (200,000 yuan, 50,000).
_NOT_DIGIT = "[^" + _DIGIT[1:]
_RUN = re.compile(rf"{_DIGIT}(?:{_NOT_DIGIT}?+{_DIGIT}){{10}}")
# An ID or card number is 15 of them or more (an 18-character ID ending in X holds 17): a text
# without such a run is only looked at for mobile numbers, one pattern rather than four.
_LONG_RUN = re.compile(rf"{_DIGIT}(?:{_NOT_DIGIT}?+{_DIGIT}){{14}}")
# For many texts at once (``may_hold_numbers``): their UTF-8 bytes, less every byte but the
# ASCII digits, the first byte of the other digit-like characters, and the NUL between texts.
_KEPT_BYTES = {0} | {chr(c).encode()[0] for low, high in DIGIT_LIKE for c in range(low, high + 1)}
_DROPPED_BYTES = bytes(b for b in range(256) if b not in _KEPT_BYTES)
# A text that keeps 11 bytes or more: found from the NUL before it, which a search finds quickly.
_ELEVEN_KEPT = re.compile(rb"\x00[^\x00]{11}")


def may_hold_numbers(texts: Sequence[str | None]) -> list[int]:
    """Where in ``texts`` a text may hold a number to mask; ``mask`` leaves any other as it is.

    For many texts at once (the free text of a page of the log): in a few calls, rather than a
    match for each. A text may hold a number when it holds 11 or more characters that could
    be digits, counted on its UTF-8 bytes: no Python work for each text.
    """
    present = list(compress(count(), texts))  # where the texts are, of those not None or empty
    joined = "\0".join(compress(texts, texts))
    if joined.count("\0") != len(present) - 1:  # a NUL inside a text: each on its own
        return [at for at in present if may_hold_number(texts[at])]
    kept = ("\0" + joined).encode("utf-8", "surrogatepass").translate(None, _DROPPED_BYTES)
    return [present[kept.count(0, 0, found.start())] for found in _ELEVEN_KEPT.finditer(kept)]


def mask(text: str | None) -> str | None:
    """``text`` with mobile numbers shown as 138****5678 and ID and card numbers cut to their
    last 4 characters; everything else exactly as it was."""
    if not text or _ELEVEN_DIGITS.match(text) is None:  # most text: no call of _numbers
        return text
    numbers = _numbers(text)
    if not numbers:
        return text
    out: list[str] = []
    at = 0
    for start, end, shown in numbers:
        out += (text[at:start], shown)
        at = end
    out.append(text[at:])
    return "".join(out)


def unmasked(edited: str | None, clear: str | None) -> str | None:
    """``edited``, a masked text as a person changed it, with each masked number it kept put
    back as it stands in ``clear`` (the text it was masked from), in order: correcting a word of
    a note keeps its customer's number whole, though the number was never shown."""
    if not edited or not clear:
        return edited
    out: list[str] = []
    at = 0
    for start, end, shown in _numbers(clear):
        found = edited.find(shown, at)
        if found >= 0:
            out += (edited[at:found], clear[start:end])
            at = found + len(shown)
    out.append(edited[at:])
    return "".join(out)


def _numbers(text: str) -> list[tuple[int, int, str]]:
    """Where ``text`` holds a number to mask, in order: (start, end, the number as shown)."""
    if _ELEVEN_DIGITS.match(text) is None or _RUN.search(text) is None:
        return []
    folded = _fold(text)
    found: list[tuple[int, int, str]] = []
    long_numbers = _LONG_NUMBERS if _LONG_RUN.search(text) else ()
    for pattern, masked in long_numbers:
        for match in pattern.finditer(folded):
            shown = masked(match.group())
            if shown is not None and not _overlaps(found, match.start(), match.end()):
                found.append((match.start(), match.end(), shown))
    for match in _MOBILE.finditer(folded):
        if not _overlaps(found, match.start(), match.end()):
            prefix, head, _middle, tail = match.groups()
            found.append((match.start(), match.end(), f"{prefix}{head}****{tail}"))
    return sorted(found)


def mask_name(name: str | None) -> str | None:
    """A person's name cut to its first character: 王先生 → 王**, Wang Wei → W*******."""
    if not name:
        return name
    name = name.strip()
    return name[:1] + "*" * max(1, len(name) - 1)


class _Folded(dict[int, str]):
    """A ``str.translate`` table: each character to its NFKC form where that is one character,
    else to itself; filled as characters are first met."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        self[code] = folded = folded if len(folded) == 1 else char
        return folded


_FOLDED = _Folded()


def _fold(text: str) -> str:
    """``text`` with each character NFKC-normalised where that gives one character (１ → 1,
    ｘ → x, the ideographic space → a space): the same length, so a match's place in it is its
    place in ``text``, and what is not masked is shown as it was typed."""
    return text if text.isascii() else text.translate(_FOLDED)


def _overlaps(found: list[tuple[int, int, str]], start: int, end: int) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end, _ in found)


def _last_four(number: str) -> str:
    return "*" * (len(number) - 4) + number[-4:]


def _masked_id(candidate: str) -> str | None:
    number = candidate.translate(_SEPARATORS)
    try:
        if len(number) == 18:
            ric.get_birth_date(number)  # a real date, else not an ID number
        else:
            date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    except ValueError:
        return None
    return _last_four(number)


def _masked_card(candidate: str) -> str | None:
    number = candidate.translate(_SEPARATORS)
    if number.startswith("62") or luhn.is_valid(number):
        return _last_four(number)
    return None


# The numbers of 15 digits or more, each with its pattern and how it is shown (``_numbers``).
_LONG_NUMBERS = ((_ID18, _masked_id), (_ID15, _masked_id), (_CARD, _masked_card))
