"""Translation of every user-visible string through gettext (catalogs: zh_CN and en).

``_`` looks the message up in the language installed at the time of the call, so a screen built
after ``install()`` speaks that language. ``N_`` marks a string for extraction where it is
defined (labels of codes, validation messages) and is translated where it is shown.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "lobby_tui"
LOCALE_DIR = Path(__file__).parent
LANGUAGES = ("zh", "en")
_CATALOG_DIRS = {"zh": "zh_CN", "en": "en"}

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"
# Messages asked for in Chinese that the catalog lacks; the tests fail on any.
missing: set[str] = set()


def install(language: str) -> None:
    """Make ``language`` (``zh`` or ``en``) the language of every later ``_`` call."""
    global _translation, _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: choose zh or en")
    _translation = gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[_CATALOG_DIRS[language]]
    )
    _language = language


def language() -> str:
    return _language


def _(message: str) -> str:
    translated = _translation.gettext(message)
    if _language == "zh" and translated == message and message:
        missing.add(message)
    return translated


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it here."""
    return message


def language_from_environment(environ: Mapping[str, str] = os.environ) -> str | None:
    """``zh`` when the locale variables ask for Chinese, ``en`` for another set locale."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return None
