"""The staff screen as an admin sees it, at 80×24 and 120×40, in both languages.

It does not show the database's path, so each test has a folder of its own: a shared fixed
folder is emptied by any other run of the snapshot tests on the same machine."""

from __future__ import annotations

import pytest

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor
from lobby_tui.domain.roles import Role
from tests.conftest import ADMIN, branch_db, settle, sign_in
from tests.test_snapshots import app_for, steady


def a_branch_with_its_staff(path):
    branch_db(path)
    store = Store.open(str(path))
    try:
        console = Actor.console()
        store.add_staff(console, "2001", "陈审阅", Role.REVIEWER, "222222")
        store.add_staff(console, "1002", "Wang Fang", Role.LOBBY, "333333")
        store.disable_staff(console, "1002")
    finally:
        store.close()
    return path


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_staff_screen(snap_compare, make_app, tmp_path, language, size):
    app = app_for(make_app, a_branch_with_its_staff(tmp_path / "branch.sqlite"), language)

    async def staff(pilot):
        await sign_in(pilot, *ADMIN)
        await pilot.press("f10")
        await settle(pilot)
        await steady(pilot)

    assert snap_compare(app, terminal_size=size, run_before=staff)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("language", ["en", "zh"])
def test_adding_a_staff_member(snap_compare, make_app, tmp_path, language, size):
    app = app_for(make_app, a_branch_with_its_staff(tmp_path / "branch.sqlite"), language)

    async def adding(pilot):
        await sign_in(pilot, *ADMIN)
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("a", *"1003", "enter", *"李娜", "enter", "1", *"123456")
        await steady(pilot)

    assert snap_compare(app, terminal_size=size, run_before=adding)
