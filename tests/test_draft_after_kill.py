"""A form typed half-way, then the terminal killed with kill -9: the draft comes back."""

from __future__ import annotations

import time

from lobby_tui.widgets.form import Form
from tests.conftest import LOBBY, settle, sign_in
from tests.store_fixtures import rows
from tests.terminal import Terminal

F2 = "\x1bOQ"  # what the F2 key sends on an xterm


async def test_a_form_killed_half_way_comes_back_with_its_content(db, make_app, tmp_path):
    terminal = Terminal("--db", str(db), "--lang", "en", home=tmp_path)
    try:
        terminal.wait_for("Staff number")
        terminal.type(f"{LOBBY[0]}\r{LOBBY[1]}\r")
        terminal.wait_for("Today's duty log")
        terminal.type(F2)
        terminal.wait_for("Queue guidance")
        terminal.type("b107\r4")
        terminal.wait_for("B107")
        time.sleep(1.0)  # the draft is written after 0.3 s of quiet; a person pauses longer
    finally:
        terminal.kill()

    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await settle(pilot)
        assert app.screen.id == "queue"
        values = app.screen.query_one(Form).values()
        assert values["ticket"] == "B107"
        assert values["business"] == app.settings.lists.business[3].code


async def test_a_handover_note_killed_half_way_comes_back_at_the_next_sign_out(
    db, make_app, tmp_path
):
    terminal = Terminal("--db", str(db), "--lang", "en", home=tmp_path)
    try:
        terminal.wait_for("Staff number")
        terminal.type(f"{LOBBY[0]}\r{LOBBY[1]}\r")
        terminal.wait_for("Today's duty log")
        terminal.type("\x10")  # Ctrl+P, the command palette
        time.sleep(0.5)
        terminal.type("sign out")
        time.sleep(0.5)
        terminal.type("\r")
        terminal.wait_for("Handover note")
        terminal.type("Ticket paper half gone")
        terminal.wait_for("paper half gone")
        time.sleep(1.0)  # the draft is written after 0.3 s of quiet
    finally:
        terminal.kill()

    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await settle(pilot)
        assert app.screen.id == "desk"  # a note is not an entry: it waits for the sign-out
        await app.run_action("sign_out")
        await settle(pilot)
        assert app.screen.query_one(Form).values() == {"note": "Ticket paper half gone"}
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert rows(db, "SELECT handover_note FROM shift WHERE handover_note != ''") == [
        ("Ticket paper half gone",)
    ]
    assert rows(db, "SELECT form FROM draft") == []
