"""The admin's day one: after the first-run setup the desk is empty and nobody else can sign
in until the admin adds them, from the staff screen (F10, or "staff" in the palette)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from textual.widgets import DataTable, Static

from lobby_tui.data.store import Store
from lobby_tui.data.views import SignInRefused
from lobby_tui.screens.desk import DeskScreen
from lobby_tui.screens.staff import AddStaffDialog, StaffScreen
from lobby_tui.widgets.hints import KeyHints
from tests.conftest import ADMIN, LOBBY, settle, sign_in
from tests.store_fixtures import audit_actions, rows


def said(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def state_of(app, staff_no: str) -> str:
    return app.screen.query_one(DataTable).get_row(staff_no)[3].plain


async def open_staff_by_palette(pilot, words: str) -> None:
    await pilot.press("ctrl+p", *words)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(pilot)


async def test_the_admin_adds_a_reviewer_with_a_pin_typed_twice_and_the_reviewer_signs_in(
    db, make_app
):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *ADMIN)
        assert "F10: staff" in str(app.screen.query_one(KeyHints).content)
        await open_staff_by_palette(pilot, "staff")
        assert isinstance(app.screen, StaffScreen)
        table = app.screen.query_one(DataTable)
        assert [table.get_row_at(n)[0] for n in range(table.row_count)] == ["1001", "9001"]

        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AddStaffDialog)
        assert app.screen.query_one("#input-pin").password  # masked as typed
        await pilot.press(*"2001", "enter", *"陈审阅", "enter", "2")  # reviewer
        await pilot.press(*"222222", "enter", *"222223", "ctrl+s")
        await settle(pilot)
        error = str(app.screen.query_one("#error-pin_again", Static).content)
        assert error == "The two PINs differ."
        await pilot.press("ctrl+u", *"222222", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)
        assert state_of(app, "2001") == "active"
        assert app.screen.query_one(DataTable).get_row("2001")[2] == "reviewer"

    store = Store.open(str(db))
    try:
        assert store.staff.sign_in("2001", "222222").role == "reviewer"
    finally:
        store.close()
    (who, _, detail) = audit_actions(db, "staff_add")[-1]
    assert (who, json.loads(detail)) == (ADMIN[0], {"staff_no": "2001", "role": "reviewer"})


async def test_the_admin_lifts_a_lock_resets_a_pin_and_disables_an_account(db, make_app):
    store = Store.open(str(db))
    try:
        for _ in range(5):
            with pytest.raises(SignInRefused):
                store.staff.sign_in(LOBBY[0], "000000")
    finally:
        store.close()
    app = make_app(db, "zh")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *ADMIN)
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)
        assert state_of(app, "1001").startswith("锁定至")
        await pilot.press("u")
        await settle(pilot)
        assert state_of(app, "1001") == "在岗"
        await pilot.press("u")  # not locked now: said at once
        await settle(pilot)
        assert said(app)[-1] == "该账户未被锁定。"

        await pilot.press("p", *"135790", "enter", *"135790", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)

        await pilot.press("d", *"1002", "ctrl+s")  # the wrong number: nothing disabled
        await settle(pilot)
        assert not isinstance(app.screen, StaffScreen)
        await pilot.press("ctrl+u", *"1001", "ctrl+s")
        await settle(pilot)
        assert state_of(app, "1001") == "已停用"
        await pilot.press("down", "d")  # the admin's own account: refused before typing
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)
        assert said(app)[-1] == "不能停用自己的账户。"

    changes = "SELECT action FROM audit_event WHERE action LIKE 'staff_%' ORDER BY id"
    assert [action for (action,) in rows(db, changes)][-3:] == [
        "staff_unlock",
        "staff_reset_pin",
        "staff_disable",
    ]
    assert rows(db, "SELECT active FROM staff WHERE staff_no = '1001'") == [(0,)]


async def test_lobby_staff_find_no_staff_screen_and_f10_says_why(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        assert "F10" not in str(app.screen.query_one(KeyHints).content)
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert said(app)[-1] == "Only an admin can manage staff."
        await open_staff_by_palette(pilot, "staff")
        assert not isinstance(app.screen, StaffScreen)


async def test_the_palette_finds_the_staff_screen_by_its_english_name_in_chinese_too(db, make_app):
    app = make_app(db, "zh", clock=lambda: datetime.now(UTC))
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *ADMIN)
        await open_staff_by_palette(pilot, "staff")
        assert isinstance(app.screen, StaffScreen)
        await pilot.press("escape")
        await settle(pilot)
        await open_staff_by_palette(pilot, "员工")
        assert isinstance(app.screen, StaffScreen)
