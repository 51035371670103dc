"""The branches the snapshot scenes start from, built once per test process and copied.

Every moment in them is fixed: the data layer's clock (``utcnow``, imported by name in its
modules) reads ``NOW`` while a branch is built and while its scene runs, as the app's own clock
does, so no picture shows the day or the minute it was taken."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lobby_tui.data.store import Store
from lobby_tui.domain import clock
from lobby_tui.domain.kinds import Kind
from tests.branch_day import LOBBY, NOW, REVIEWER, a_branch_day, at

# The database as the scenes name it: relative to the test's own folder, the working directory
# while a scene runs, so the desk shows the same name on every machine.
DB_URL = "sqlite:///branch.sqlite"
DB_FILE = "branch.sqlite"

EXTRA = {
    "zh": {
        # Three masked values in one entry: its history asks which one to reveal.
        "masked": ("客户身份证110101199003078765", "请回电 13812345678", "13900001111"),
        "handover": "二号自助机吞卡一张，客户明日来领；王先生的投诉已登记，等待处理。",
        "draft": "客户等候时间较长，已安抚",
    },
    "en": {
        "masked": ("ID card 110101199003078765", "call back 13812345678", "13900001111"),
        "handover": "Machine two kept a card, collected tomorrow; Mr Wang's complaint is logged.",
        "draft": "The customer waited long; calmed down",
    },
}


def with_masked_enquiry(path: Path, language: str) -> None:
    """The newest entry of the day: an open enquiry holding an ID card and two phone numbers."""
    text, outcome, contact = EXTRA[language]["masked"]
    store = Store.open(str(path))
    try:
        lobby = store.staff.sign_in(*LOBBY)
        store.entries.add(
            lobby,
            Kind.ENQUIRY,
            at(10, 25),
            topic="loan",
            text=text,
            outcome=outcome,
            contact=contact,
            resolved=False,
        )
        store.staff.sign_out(lobby)
    finally:
        store.close()


def a_day(path: Path, language: str) -> None:
    a_branch_day(path, language)
    with_masked_enquiry(path, language)


def handed_over(path: Path, language: str) -> None:
    """The lobby manager's shift signed out with a handover note to read."""
    store = Store.open(str(path))
    try:
        store.shifts.hand_over(store.staff.sign_in(*LOBBY), EXTRA[language]["handover"])
    finally:
        store.close()


def a_draft_left(path: Path, language: str) -> None:
    """The reviewer's guidance form left half typed (a killed terminal)."""
    store = Store.open(str(path))
    try:
        reviewer = store.staff.sign_in(*REVIEWER)
        fields = {"ticket": "A031", "note": EXTRA[language]["draft"]}
        store.drafts.save(reviewer, "queue", fields)
        store.staff.sign_out(reviewer)
    finally:
        store.close()


def nothing(path: Path, language: str) -> None:
    """No database yet: the first run."""


# name → (the branch it is built on, what is done to it)
BRANCHES: dict[str, tuple[str | None, Callable[[Path, str], None]]] = {
    "empty": (None, nothing),
    "day": (None, a_day),
    "handed_over": ("day", handed_over),
    "draft": ("day", a_draft_left),
}


def _at_now() -> datetime:
    # Run as ``clock.utcnow``'s own code, so with that module's globals: NOW spelled out.
    return datetime(2026, 11, 29, 2, 30, tzinfo=UTC)


def freeze_data_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ``utcnow`` of the program reads ``NOW`` until the test ends: the function's code
    is swapped, which reaches the modules that imported it by name and the models' default
    factories alike. (Until the store takes the app's clock, issue 13.)"""
    assert _at_now() == NOW
    monkeypatch.setattr(clock.utcnow, "__code__", _at_now.__code__)


class Branches:
    """Each branch built once per language in this test process; a scene gets a copy."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built: dict[tuple[str, str], Path] = {}

    def copy(self, branch: str, language: str, into: Path) -> None:
        """The branch's database files into the folder ``into``."""
        key = (branch, language)
        if key not in self.built:
            base, build = BRANCHES[branch]
            folder = self.folder / f"{branch}-{language}"
            folder.mkdir()
            if base is not None:
                self.copy(base, language, folder)
            build(folder / DB_FILE, language)
            self.built[key] = folder
        for made in self.built[key].iterdir():  # the file, and a WAL left beside it if any
            shutil.copy(made, into / made.name)
