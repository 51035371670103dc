"""Rebuild the catalogs: extract every marked string, merge it into the .po files, compile .mo.

Run with ``make locale`` after changing a user-visible string, then translate the new empty
entries of ``zh_CN/LC_MESSAGES/lobby_tui.po`` and run it again. English is the source language:
its catalog is filled with the msgids themselves.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from lobby_tui.locale import _CATALOG_DIRS, DOMAIN, LOCALE_DIR

PACKAGE_DIR = LOCALE_DIR.parent
KEYWORDS = {"_": None, "N_": None}


def extract() -> Catalog:
    """Every string marked with ``_`` or ``N_`` in the package."""
    template = Catalog(project="lobby-tui")
    for filename, lineno, message, _comments, _context in extract_from_dir(
        PACKAGE_DIR, keywords=KEYWORDS, comment_tags=()
    ):
        if filename.startswith(("locale/", "locale\\")):
            continue
        template.add(message, locations=[(filename, lineno)])
    return template


def po_path(language: str) -> Path:
    return LOCALE_DIR / _CATALOG_DIRS[language] / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(path: Path, locale: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=locale, project="lobby-tui")
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def build() -> dict[str, list[str]]:
    """Update both catalogs; return the msgids still untranslated per language."""
    template = extract()
    untranslated: dict[str, list[str]] = {}
    for language, locale in _CATALOG_DIRS.items():
        path = po_path(language)
        catalog = read(path, locale)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        for message in catalog:
            if message.id and language == "en":
                message.string = message.id
            message.flags.discard("fuzzy")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, omit_header=False, sort_output=True)
        with path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog)
        untranslated[language] = [m.id for m in catalog if m.id and not m.string]
    return untranslated


if __name__ == "__main__":
    for language, missing in build().items():
        print(f"{language}: {len(missing)} untranslated")
        for message in missing:
            print(f"  {message}")
