"""The entry forms as staff use them: picks, refusals kept next to the field, drafts, hostile
text stored as typed and shown literally, revisions, voids and hand-off outcomes."""

from __future__ import annotations

import sqlite3

import pytest
from rich.text import Text
from textual import events
from textual.widgets import DataTable, Static

from lobby_tui.data.export import export_rows
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor
from lobby_tui.domain.roles import Role
from lobby_tui.screens.desk import DeskScreen
from lobby_tui.widgets.form import Form
from lobby_tui.widgets.timeline import Timeline
from tests.conftest import LOBBY, settle, sign_in

HOSTILE = "[bold]x[/] [link=x]y\x1b[2J\ttab\nline 客户😀 13812345678"
# A pasted control character is stored as its visible symbol; tab and newline stay in free text.
TYPED = HOSTILE.replace("\x1b", "␛")
SHOWN = "[bold]x[/] [link=x]y␛[2J⇥tab↵line 客户😀 138****5678"


def exported(path) -> list[dict]:
    store = Store.open(str(path))
    try:
        return list(export_rows(store, Actor.console(), None, None))
    finally:
        store.close()


def error_of(screen, field: str) -> str:
    return str(screen.query_one(f"#error-{field}", Static).content)


async def paste(pilot, text: str) -> None:
    """Paste ``text`` into the focused field, as from the clipboard (tabs and newlines too)."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


# (form key, keys before the free text, the free-text field, keys after, the exported field)
FORMS = [
    ("f2", [*"A001", "enter", "1", "1", "1"], "note", [], "text"),
    ("f3", ["1", "enter"], "question", [], "text"),
    ("f4", [*"A001", "enter", "1", "2"], "need", [], "text"),
]


@pytest.mark.parametrize(("key", "before", "field", "after", "column"), FORMS)
async def test_hostile_text_is_stored_as_typed_and_shown_literally(
    db, make_app, key, before, field, after, column
):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press(key, *before)
        assert app.focused.id == f"input-{field}"
        await paste(pilot, HOSTILE)
        await pilot.press(*after, "ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        cell = app.screen.query_one(Timeline).get_row_at(0)[-1]
        assert isinstance(cell, Text)
        assert SHOWN in cell.plain
        assert "\x1b" not in cell.plain
        assert all("bold" not in str(span.style) or span.start == 0 for span in cell.spans)
    [row] = exported(db)
    assert row[column] == TYPED.replace("13812345678", "138****5678")
    with sqlite3.connect(db) as connection:
        stored = connection.execute(f"SELECT {column} FROM entry").fetchone()[0]
    assert stored == TYPED


async def test_ten_thousand_characters_are_kept_and_one_more_is_refused(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("n")
        await paste(pilot, "客" * 10_001)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_of(app.screen, "text") == "The note is longer than 10,000 characters."
        assert app.screen.query_one(Form).values()["text"] == "客" * 10_001
        await pilot.press("backspace", "ctrl+s")
        await settle(pilot)
    [row] = exported(db)
    assert row["text"] == "客" * 10_000


async def test_a_wrong_ticket_is_explained_next_to_the_field_and_kept(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f2", *"a23", "enter", "1", "1", "ctrl+s")
        await settle(pilot)
        assert error_of(app.screen, "ticket") == (
            "A ticket is 1–2 letters then 3–4 digits, like A023."
        )
        assert app.screen.query_one(Form).values()["ticket"] == "A23"
        assert app.focused.id == "input-ticket"
    assert exported(db) == []


async def test_after_a_save_the_form_is_ready_for_the_next_customer(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f2", *"A001", "enter", "4", "2", "ctrl+s")
        await settle(pilot)
        form = app.screen.query_one(Form)
        assert app.focused.id == "input-ticket"
        assert str(app.screen.query_one("#form-status", Static).content).startswith("saved #")
        values = form.values()
        assert values["ticket"] == ""
        assert values["business"] == app.settings.lists.business[3].code  # kept for the next
        assert values["target"] == ""


async def test_esc_keeps_the_draft_and_the_form_brings_it_back(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f4", *"V009", "enter", "2")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.id == "desk"
        await pilot.press("f4")
        assert app.screen.query_one(Form).values()["ticket"] == "V009"
    store = Store.open(str(db))
    assert store.drafts.load(store.staff.sign_in(*LOBBY))["handoff"]["ticket"] == "V009"


async def test_an_enquiry_left_open_needs_a_date_and_a_contact(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f3", "2", "enter", *"card fee?", "tab", "tab", "2", "ctrl+s")
        await settle(pilot)
        assert error_of(app.screen, "due") == "Not resolved: when will the customer hear back?"
        assert error_of(app.screen, "contact") == "Not resolved: how can the customer be reached?"
        await pilot.press(*"+3", "enter", *"13812345678", "ctrl+s")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        assert "138****5678" in table.get_row_at(0)[4].plain
        await pilot.press("d")
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 0


async def test_a_hand_off_is_accepted_then_completed_with_a_sale_from_open_items(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f4", *"V010", "enter", "9", "1", *"fund", "ctrl+s")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        await pilot.press("a")
        await settle(pilot)
        assert "accepted" in app.screen.query_one(DataTable).get_row_at(0)[3].plain
        await pilot.press("s")
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 0
    store = Store.open(str(db))
    entry_id = exported(db)[0]["id"]
    history = store.entries.history(store.staff.sign_in(*LOBBY), entry_id)
    assert [(e.event, e.product_sold, e.staff_no) for e in history.events] == [
        ("accepted", None, LOBBY[0]),
        ("completed", True, LOBBY[0]),
    ]


async def test_an_entry_revised_and_another_voided_keep_their_old_values(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("n", *"first", "ctrl+s", *"second", "ctrl+s", "escape")
        await settle(pilot)
        # The newest entry is on top: revise it, then void the one below.
        await pilot.press("e", "ctrl+s")
        await settle(pilot)
        assert error_of(app.screen, "reason") == "Give the reason."
        app.screen.query_one(Form).widget_for("text").load_text("second, corrected")
        await pilot.press(*"typo", "ctrl+s")
        await settle(pilot)
        await pilot.press("down", "v", *"wrong customer", "enter")
        await settle(pilot)
        rows = app.screen.query_one(Timeline)
        assert rows.get_row_at(0)[-1].plain.startswith("[revised] second, corrected")
        assert rows.get_row_at(1)[-1].plain.startswith("[void] first")
        await pilot.press("up", "enter")
        await settle(pilot)
        history = str(app.screen.query_one("#detail-history", Static).content)
        assert "typo" in history and "second → second, corrected" in history
    rows = exported(db)
    assert [(r["text"], r["revision"], r["voided"]) for r in rows] == [
        ("first", 1, True),
        ("second, corrected", 2, False),
    ]


async def test_a_reviewer_reveals_a_masked_number_and_the_reveal_is_audited(db, make_app):
    store = Store.open(str(db))
    store.staff.add(Actor.console(), "2001", "陈审阅", Role.REVIEWER, "222222")
    store.entries.add_note(store.staff.sign_in(*LOBBY), "call back 13812345678")
    store.close()
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "2001", "222222")
        await pilot.press("enter")
        await settle(pilot)
        assert "138****5678" in str(app.screen.query_one("#detail-fields", Static).content)
        await pilot.press("r")
        await settle(pilot)
        assert "13812345678" in str(app.screen.query_one("#detail-revealed", Static).content)
    with sqlite3.connect(db) as connection:
        reveals = connection.execute(
            "SELECT actor FROM audit_event WHERE action = 'reveal'"
        ).fetchall()
    assert reveals == [("2001",)]


async def test_lobby_staff_have_no_reveal_key(db, make_app):
    store = Store.open(str(db))
    store.entries.add_note(store.staff.sign_in(*LOBBY), "call back 13812345678")
    store.close()
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("enter")
        await settle(pilot)
        shown = {b.binding.id for b in app.active_bindings.values() if b.binding.show}
        assert "reveal" not in shown
        await pilot.press("r")
        await settle(pilot)
        assert str(app.screen.query_one("#detail-revealed", Static).content) == ""
        assert [str(n.message) for n in app._notifications][-1] == "Only reviewers can do this."


async def test_lobby_staff_are_told_at_once_an_earlier_shifts_entry_is_not_theirs_to_change(
    db, make_app
):
    store = Store.open(str(db))
    lobby = store.staff.sign_in(*LOBBY)
    store.entries.add_note(lobby, "yesterday's shift")
    store.staff.sign_out(lobby)
    store.close()
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        for key in ("e", "v"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, DeskScreen)
        said = [str(n.message) for n in app._notifications][-2:]
        assert (
            said
            == ["Only its author during the same shift, or a reviewer, can change this entry."] * 2
        )


async def test_a_pasted_name_longer_than_its_field_keeps_what_fits_and_says_what_was_cut(
    db, make_app
):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f5")
        await settle(pilot)
        field = app.screen.query_one("#input-complainant_name")
        field.focus()
        await pilot.pause()
        await paste(pilot, "王" * 45)

        assert field.value == "王" * 40
        assert error_of(app.screen, "complainant_name") == (
            "5 characters cut: this field takes 40."
        )


async def test_a_no_show_pressed_by_mistake_is_corrected_from_the_entrys_history(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f4", *"V010", "enter", "9", "1", *"fund", "ctrl+s")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("x")  # one key, at once: the customer was in fact served
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 0
        await pilot.press("escape", "enter")  # the desk's newest entry: its history
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("3", *"pressed x on the wrong row", "ctrl+s")  # completed, sold
        await settle(pilot)
        history = str(app.screen.query_one("#detail-history", Static).content)
        assert "no-show" in history
        assert "outcome corrected to completed" in history
        assert "pressed x on the wrong row" in history
    [row] = exported(db)
    assert (row["handoff_outcome"], row["product_sold"]) == ("completed", True)
