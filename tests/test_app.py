"""The app as staff meet it, driven through Pilot on real SQLite files."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import DataTable, Static

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor
from lobby_tui.screens.desk import DeskScreen
from lobby_tui.screens.help import HelpScreen
from lobby_tui.screens.lock import LockScreen
from lobby_tui.screens.note import NoteScreen
from lobby_tui.screens.setup import SetupScreen
from lobby_tui.screens.signin import SignInScreen
from lobby_tui.widgets.form import Form
from lobby_tui.widgets.hints import KeyHints
from lobby_tui.widgets.timeline import Timeline
from tests.conftest import ADMIN, LOBBY, settle, sign_in


def error_of(screen, field: str) -> str:
    return str(screen.query_one(f"#error-{field}", Static).content)


def notes_in(path: Path) -> list[str]:
    store = Store.open(str(path))
    try:
        return [entry.text for entry, _ in store.log.between(Actor.console(), None, None)]
    finally:
        store.close()


async def test_first_run_sets_up_the_branch_and_its_admin(tmp_path, make_app):
    path = tmp_path / "new.sqlite"
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        await pilot.press(*"SH0101", "enter")
        await pilot.press(*"Lujiazui", "enter", *"9001", "enter", *"Zhang", "enter")
        await pilot.press(*"999999", "enter", *"999999", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        said = [str(n.message) for n in app._notifications][-1]
        assert "until the branch names its own managers" in said
        assert "[lists] in ~/" in said or "[lists] in /" in said
        await sign_in(pilot, "9001", "999999")
        assert isinstance(app.screen, DeskScreen)
    store = Store.open(str(path))
    assert store.branches.get().code == "SH0101"
    assert store.staff.sign_in("9001", "999999").name == "Zhang"


async def test_setup_refuses_two_different_pins_and_keeps_what_was_typed(tmp_path, make_app):
    app = make_app(tmp_path / "new.sqlite")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*"SH0101", "enter", *"Lujiazui", "enter", *"9001", "enter")
        await pilot.press(*"Zhang", "enter", *"999999", "enter", *"999998", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SetupScreen)
        assert error_of(screen, "pin_again") == "The two PINs differ."
        assert screen.query_one(Form).values()["branch_name"] == "Lujiazui"
        assert app.focused.id == "input-pin_again"


async def test_a_wrong_pin_is_refused_next_to_the_field(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, LOBBY[0], "000000")
        assert isinstance(app.screen, SignInScreen)
        assert error_of(app.screen, "pin") == "The staff number or the PIN is wrong."
        assert app.screen.query_one(Form).values() == {"staff_no": LOBBY[0], "pin": ""}


async def test_five_wrong_pins_lock_the_staff_number(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, LOBBY[0], "000000")
        for _ in range(4):
            await pilot.press(*"000000", "enter")
            await settle(pilot)
        assert "locked until" in error_of(app.screen, "pin")
        await pilot.press(*LOBBY[1], "enter")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "locked until" in error_of(app.screen, "pin")


async def test_a_note_typed_on_the_desk_is_saved_shown_and_kept_after_a_restart(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        assert isinstance(app.screen, DeskScreen)
        await pilot.press("n")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"ATM swallowed a card", "ctrl+s")
        await settle(pilot)
        assert str(app.screen.query_one("#form-status", Static).content).startswith("saved #")
        assert app.screen.query_one(Form).values() == {"text": ""}
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert app.screen.query_one(Timeline).row_count == 1
    assert notes_in(db) == ["ATM swallowed a card"]

    again = make_app(db)
    async with again.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        timeline = again.screen.query_one(Timeline)
        assert timeline.row_count == 1
        assert "ATM swallowed a card" in timeline.get_row_at(0)[-1].plain


async def test_notes_typed_back_to_back_all_land_in_order(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("n")
        keys = []
        for number in range(1, 6):
            keys += [*f"customer {number}", "ctrl+s"]
        await pilot.press(*keys)
        await settle(pilot)
    assert notes_in(db) == [f"customer {number}" for number in range(1, 6)]


HOSTILE = "[bold]x[/] [link=x]y\x1b[2J\ttab 客户😀"


async def test_hostile_text_is_stored_as_typed_and_shown_literally(db, make_app):
    store = Store.open(str(db))
    store.entries.add_note(store.staff.sign_in(*LOBBY), HOSTILE)
    store.close()
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        cell = app.screen.query_one(Timeline).get_row_at(0)[-1]
        assert isinstance(cell, Text)
        assert cell.plain == "[bold]x[/] [link=x]y␛[2J⇥tab 客户😀"
        assert not any(span.style for span in cell.spans if "bold" in str(span.style))
        assert "\x1b" not in cell.plain
    assert notes_in(db) == [HOSTILE]


async def test_an_empty_note_is_refused_and_nothing_is_written(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("n", "ctrl+s")
        await settle(pilot)
        assert error_of(app.screen, "text") == "Write the note first."
    assert notes_in(db) == []


async def test_ctrl_l_locks_and_only_the_same_pin_unlocks(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("ctrl+l")
        assert isinstance(app.screen, LockScreen)
        await pilot.press("f2", "n")  # nothing behind the lock answers
        assert isinstance(app.screen, LockScreen)
        await pilot.press(*ADMIN[1], "enter")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert error_of(app.screen, "pin") == "The staff number or the PIN is wrong."
        await pilot.press(*LOBBY[1], "enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)


async def test_the_terminal_locks_itself_when_idle(db, make_app):
    app = make_app(db, idle_lock_minutes=0.004)  # a quarter of a second
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        assert app.actor is not None
        await pilot.pause(0.6)
        assert isinstance(app.screen, LockScreen)
        assert app.actor is not None  # locked, not signed out


async def test_f1_lists_every_key(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        described = {table.get_row_at(row)[1].plain for row in range(table.row_count)}
        for description in ("Help", "Guidance", "Note", "Lock", "Quit", "Checks"):
            assert description in described
        await pilot.press("escape")
        assert isinstance(app.screen, DeskScreen)


async def test_the_keymap_in_the_config_remaps_a_binding(db, make_app):
    app = make_app(db, keymap={"note": "ctrl+n"})
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        hint = str(app.screen.query_one(KeyHints).content)
        assert hint.startswith("Ctrl+N: write a note · F1: every key")
        await pilot.press("n")
        assert isinstance(app.screen, DeskScreen)
        await pilot.press("ctrl+n")
        assert isinstance(app.screen, NoteScreen)
        assert str(app.screen.query_one(KeyHints).content).startswith("Ctrl+S: save")


async def test_the_hints_in_chinese_follow_the_keymap_too(db, make_app):
    app = make_app(db, "zh", keymap={"note": "ctrl+n", "save": "ctrl+w"})
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        assert str(app.screen.query_one(KeyHints).content) == "Ctrl+N：写备注 · F1：全部按键"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert str(app.screen.query_one(KeyHints).content) == "Ctrl+W：保存 · Esc：回工作台"


async def test_the_command_palette_reaches_the_note_form(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("ctrl+p")
        await pilot.press(*"new note")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)


async def test_quitting_signs_the_shift_out(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("ctrl+q")
        await pilot.pause()
    import sqlite3

    with sqlite3.connect(db) as connection:
        actions = [row[0] for row in connection.execute("SELECT action FROM audit_event")]
        open_shifts = connection.execute(
            "SELECT count(*) FROM shift WHERE signed_out_at IS NULL"
        ).fetchone()[0]
    assert "sign_out" in actions
    assert open_shifts == 0
