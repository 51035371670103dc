"""A pasted escape sequence keeps its order, and every control character pasted is stored as its
visible symbol (ESC ␛, BEL ␇), never raw: from the terminal's bytes (bracketed paste) through
the fields, one-line and multi-line, to the database."""

from __future__ import annotations

import time

import pytest
from textual import events

from lobby_tui.domain.text import typed
from lobby_tui.driver import GuardedParser
from tests.conftest import LOBBY, settle, sign_in
from tests.store_fixtures import rows
from tests.terminal import Terminal
from tests.test_checklists import OPENING

START, END = "\x1b[200~", "\x1b[201~"
# (pasted, stored)
PASTES = [
    ("AB\x1b[31mCD", "AB␛[31mCD"),
    ("X\x1b]0;t\x07Y", "X␛]0;t␇Y"),
    ("a\x08b\x7fc\x1fd", "a␈b␡c␟d"),
]


@pytest.mark.parametrize(("pasted", "stored"), PASTES)
def test_the_terminal_delivers_a_paste_whole_and_in_order(pasted: str, stored: str) -> None:
    parser = GuardedParser()
    events_ = [*parser.feed(START + pasted + END + "z"), *parser.feed("")]

    assert [type(event) for event in events_] == [events.Paste, events.Key]
    assert typed(events_[0].text) == stored
    assert events_[1].key == "z"


@pytest.mark.parametrize("cut", range(1, len(START + "AB\x1b[31mCD" + END)))
def test_a_paste_read_in_two_chunks_arrives_the_same(cut: int) -> None:
    wire = START + "AB\x1b[31mCD" + END + "z"
    parser = GuardedParser()

    found = [*parser.feed(wire[:cut]), *parser.feed(wire[cut:]), *parser.feed("")]

    paste, key = found
    assert isinstance(paste, events.Paste) and paste.text == "AB␛[31mCD"
    assert key.key == "z"


def test_keys_outside_a_paste_are_read_as_before() -> None:
    parser = GuardedParser()

    found = [*parser.feed("\x1b[A"), *parser.feed("\x1bOQ"), *parser.feed("x"), *parser.feed("")]

    assert [event.key for event in found] == ["up", "f2", "x"]


@pytest.mark.parametrize(
    ("text", "multi_line", "stored"),
    [
        ("a\tb\nc", True, "a\tb\nc"),
        ("a\r\nb\rc", True, "a\nb\nc"),
        ("a\tb\nc", False, "a⇥b↵c"),
        ("\x1b\x07\x9b", True, "␛␇\ufffd"),
        ("客户 13812345678", False, "客户 13812345678"),
    ],
)
def test_typed_text_keeps_its_order_and_shows_each_control(
    text: str, multi_line: bool, stored: str
) -> None:
    assert typed(text, multi_line=multi_line) == stored


async def paste_into_focused(pilot, text: str) -> None:
    pilot.app.post_message(events.Paste(text))  # the App hands it to the focused field
    await pilot.pause()


@pytest.mark.parametrize(("pasted", "stored"), PASTES)
async def test_a_paste_into_a_multi_line_field_is_stored_in_order(
    db, make_app, pasted: str, stored: str
) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f2", *"A001", "enter", "1", "1", "1")
        assert app.focused.id == "input-note"
        await paste_into_focused(pilot, pasted)
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert rows(db, "SELECT text FROM entry") == [(stored,)]


@pytest.mark.parametrize(("pasted", "stored"), PASTES)
async def test_a_paste_into_a_one_line_field_is_stored_in_order(
    db, make_app, pasted: str, stored: str
) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        # Not resolved: a follow-up in 3 days, and the contact to call back.
        await pilot.press("f3", "1", "enter", *"ATM", "tab", "tab", "2", *"+3", "tab")
        assert app.focused.id == "input-contact"
        await paste_into_focused(pilot, pasted)
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert rows(db, "SELECT contact FROM entry") == [(stored,)]


async def test_a_paste_from_the_real_terminal_keeps_its_order(db, tmp_path) -> None:
    terminal = Terminal("--db", str(db), "--lang", "en", home=tmp_path)
    try:
        terminal.wait_for("Staff number")
        terminal.type(f"{LOBBY[0]}\r{LOBBY[1]}\r")
        terminal.wait_for("Today's duty log")
        terminal.type("\x1bOQ")  # F2
        terminal.wait_for("Queue guidance")
        terminal.type("A001\r111")
        time.sleep(0.5)
        terminal.type(START + "AB\x1b[31mCD" + END)
        terminal.wait_for("AB␛[31mCD")
        terminal.type("\x13")  # Ctrl+S
        terminal.wait_for("saved #")
    finally:
        terminal.kill()

    assert rows(db, "SELECT text FROM entry") == [("AB␛[31mCD",)]


async def test_a_paste_into_a_checklist_problem_note_is_stored_in_order(db, make_app) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("1", "o", "enter", "p")  # the opening check: the third item a problem
        assert app.focused.id == "checks-note"
        await paste_into_focused(pilot, "X\x1b]0;t\x07Y")
        await pilot.press("enter", *"o" * (len(OPENING) - 3))
        await settle(pilot)

    assert rows(db, "SELECT note FROM check_result WHERE ok = 0") == [("X␛]0;t␇Y",)]
