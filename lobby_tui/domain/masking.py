"""Masking of personal data: mainland mobile numbers and resident ID numbers.

Applied wherever stored text leaves the database for a person (screen, export), including when
the number is typed inside free text.
"""

from __future__ import annotations

import re

# An 18-character resident ID (17 digits then a digit or X); not part of a longer digit run.
_ID_RE = re.compile(r"(?<![0-9])([1-9][0-9]{5}(?:18|19|20)[0-9]{9}[0-9Xx])(?![0-9A-Za-z])")
# A mainland mobile: 1[3-9] then 9 digits, optionally +86 / 86 before it, optionally written in
# groups (138 1234 5678, 138-1234-5678).
_MOBILE_RE = re.compile(
    r"(?<![0-9])((?:\+?86[- ]?)?)(1[3-9][0-9])[- ]?([0-9]{4})[- ]?([0-9]{4})(?![0-9])"
)


def mask(text: str | None) -> str | None:
    """``text`` with ID numbers cut to their last 4 characters and mobiles shown as 138****1234."""
    if not text:
        return text
    text = _ID_RE.sub(lambda m: "*" * 14 + m.group(1)[-4:], text)
    return _MOBILE_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}****{m.group(4)}", text)


def mask_name(name: str | None) -> str | None:
    """A person's name cut to its first character: 王先生 → 王**, Wang Wei → W*******."""
    if not name:
        return name
    name = name.strip()
    return name[:1] + "*" * max(1, len(name) - 1)
