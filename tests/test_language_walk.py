"""Both languages, all the way: every screen at 80×24, read as the terminal shows it, speaks
the staff member's language only — our words, Textual's own words and the key names alike.

The data is written in the language of the walk (tests/branch_day.py), so a word of the other
language on screen can only be the program's. What both languages share is listed below.
"""

from __future__ import annotations

import re

import pytest

from lobby_tui import locale
from lobby_tui.data.demo_entries import SCENES
from lobby_tui.domain.lists import default_lists
from tests.branch_day import NOW, REVIEWER, a_branch_day
from tests.conftest import settle, sign_in
from tests.screen_text import screen_text

# Written the same in a Chinese and an English screen: the program's name, codes and units
# printed on the keyboard, the machines and the database a branch names in Latin letters.
SHARED_WORDS = {
    "TS",  # complaint numbers TS-20261129-001
    "SH",  # the branch code SH0101
    "PIN",
    "ATM",
    "LED",
    "VIP",
    "Esc",
    "Enter",
    "Tab",
    "Shift",
    "Ctrl",
    "PgUp",
    "PgDn",
    "Home",
    "End",
    "TOML",
    "URL",
}
PROGRAM = "lobby-tui"  # the program's name, in its header
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
CHINESE = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def foreign_words(text: str, language: str, allowed: set[str]) -> list[str]:
    """What on the screen belongs to the other language."""
    text = text.replace(PROGRAM, "")
    if language == "en":
        return sorted({match.group() for match in CHINESE.finditer(text)})
    found = {match.group() for match in ENGLISH_WORD.finditer(text)}
    return sorted(found - SHARED_WORDS - allowed)


# Each stop: a name for the failure message, the keys that reach it from the one before, the
# screen it shows.
WALK = [
    ("sign-in", None, "SignInScreen"),
    ("desk", "sign in", "DeskScreen"),
    ("F1 on the desk", ("f1",), "HelpScreen"),
    ("Ctrl+C on the desk", ("escape", "ctrl+c"), "DeskScreen"),
    ("an entry's history", ("escape", *["down"] * 5, "enter"), "EntryDetailScreen"),
    ("F2 guidance", ("escape", "f2"), "QueueScreen"),
    ("F3 enquiry", ("f3",), "EnquiryScreen"),
    ("F4 hand-off", ("f4",), "HandoffScreen"),
    ("F5 complaint", ("f5",), "ComplaintScreen"),
    ("F5 again: the complaint list", ("f5",), "ComplaintListScreen"),
    ("the complaint case", ("enter",), "CaseScreen"),
    ("F1 on the case", ("f1",), "HelpScreen"),
    ("a complaint step", ("escape", "x"), "StepDialog"),
    ("F6 open items", ("escape", "f6"), "OpenItemsScreen"),
    ("F7 log browser", ("f7",), "LogBrowserScreen"),
    ("F7's kind filter", ("ctrl+f", "enter"), "LogBrowserScreen"),
    ("F1 on F7", ("escape", "escape", "f1"), "HelpScreen"),
    ("F8 day summary", ("escape", "f8"), "SummaryScreen"),
    ("F8 sign-off", ("s",), "SignOffScreen"),
    ("F9 checklists", ("escape", "f9"), "ChecklistsScreen"),
    ("the opening check", ("1",), "ChecklistsScreen"),
    ("sign-out", "sign out", "HandoverNoteScreen"),
]


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_every_screen_speaks_one_language_at_80_columns(tmp_path, make_app, language):
    path = a_branch_day(tmp_path / "branch.sqlite", language)
    # The database's path is on the desk: its letters are the machine's, not the program's.
    allowed = set(ENGLISH_WORD.findall(str(path)))
    app = make_app(path, language, clock=lambda: NOW)
    heard: dict[str, list[str]] = {}
    visited: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        for stop, keys, _screen in WALK:
            if keys == "sign in":
                await sign_in(pilot, *REVIEWER)
            elif keys == "sign out":
                await app.run_action("sign_out")
            elif keys:
                await pilot.press(*keys)
            await settle(pilot)
            await pilot.pause(0.1)
            visited.append(type(app.screen).__name__)
            shown = screen_text(app)
            if keys is not None:
                assert function_keys_in_order(shown), stop
            foreign = foreign_words(shown, language, allowed)
            if foreign:
                heard[stop] = foreign
    assert visited == [screen for _stop, _keys, screen in WALK]
    assert heard == {}
    assert sorted(locale.missing) == []


def function_keys_in_order(text: str) -> bool:
    """F1 to F9 all on one line of the screen, in their order."""
    for line in text.splitlines():
        places = [line.find(f"F{number}") for number in range(1, 10)]
        if -1 not in places and places == sorted(places):
            return True
    return False


def test_the_walk_tells_english_in_a_chinese_screen_and_chinese_in_an_english_one():
    assert foreign_words("lobby-tui F1 帮助 ^Q 退出 Esc：关闭 TS-20261129-001", "zh", set()) == []
    assert foreign_words("李娜 · 1001 · lobby", "zh", set()) == ["lobby"]
    assert foreign_words("F1 帮助 Cursor up 向上", "zh", set()) == ["Cursor", "up"]
    assert foreign_words("F1 Help F2 Guidance TS-20261129-001", "en", set()) == []
    assert foreign_words("F1 Help 今日", "en", set()) == ["今", "日"]
    assert foreign_words("/tmp/pytest/branch.sqlite", "zh", {"tmp", "pytest", "branch"}) == [
        "sqlite"
    ]


def test_the_function_keys_are_found_only_all_and_in_order():
    assert function_keys_in_order(" F1 帮助 F2 引导 F3 F4 F5 F6 F7 F8 F9 检查\n n 备注")
    assert not function_keys_in_order(" F1 帮助 F2 引导 F3 F4 F5 F6 F7 F8 f▏")
    assert not function_keys_in_order(" F2 F1 F3 F4 F5 F6 F7 F8 F9")


def test_the_demo_names_only_topics_and_business_types_its_branch_has():
    # A code the branch's list lacks is shown as the code: "documents" on a Chinese desk.
    lists = default_lists()
    for scene in SCENES:
        assert scene.topic is None or lists.find("topic", scene.topic), scene.topic
        assert scene.business is None or lists.find("business", scene.business), scene.business
