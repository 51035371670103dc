"""F7 and F8 of several branches in one database (issue 12), driven through Pilot on a real
SQLite file: a head-office reviewer moves through the branches granted with ``b``; a branch's
own staff see their branch only, and ``b`` tells them why it does nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor
from lobby_tui.domain.roles import Role
from tests.conftest import LOBBY, settle, sign_in
from tests.screen_text import screen_text

pytestmark = pytest.mark.sqlite_only

OTHER, HEAD = "SH0202", "HO"
HEAD_STAFF = ("HO/7001", "777777")
MINE, THEIRS = "甲行的记录", "乙行的秘密"


@pytest.fixture(name="branches_db")
def branches_db_fixture(db: Path) -> Path:
    """The first branch (its lobby manager 1001 wrote MINE), a second branch whose 1001 wrote
    THEIRS, and a head office whose reviewer 7001 is granted both."""
    store = Store.open(str(db))
    console = Actor.console()
    for code, name in ((OTHER, "张江支行"), (HEAD, "分行")):
        store.branches.add(
            console, code=code, name=name, admin_no="9001", admin_name="管理员", pin="999999"
        )
    other, head = store.branches.by_code(OTHER), store.branches.by_code(HEAD)
    store.staff.add(Actor.console(other.id), "1001", "乙行大堂", Role.LOBBY, "222222")
    store.staff.add(Actor.console(head.id), "7001", "总行审阅", Role.HEAD_OFFICE, HEAD_STAFF[1])
    store.branches.grant(Actor.console(head.id), "7001", ["SH0101", OTHER])
    store.entries.add_note(store.staff.sign_in(f"SH0101/{LOBBY[0]}", LOBBY[1]), MINE)
    store.entries.add_note(store.staff.sign_in(f"{OTHER}/1001", "222222"), THEIRS)
    store.close()
    return db


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_head_office_reads_each_branch_in_f7_and_f8(make_app, branches_db, size):
    app = make_app(branches_db)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, *HEAD_STAFF)
        await pilot.press("f7")
        await settle(pilot)
        assert "(HO)" in screen_text(app)
        seen = []
        for _ in range(3):  # HO, SH0101, SH0202, and round to HO
            await pilot.press("b")
            await settle(pilot)
            seen.append(screen_text(app))
        assert MINE in seen[0] and THEIRS not in seen[0] and "(SH0101)" in seen[0]
        assert THEIRS in seen[1] and MINE not in seen[1] and f"({OTHER})" in seen[1]
        assert MINE not in seen[2] and THEIRS not in seen[2]
        await pilot.press("f8", "b")
        await settle(pilot)
        assert "(SH0101)" in screen_text(app)
        await pilot.press("b")
        await settle(pilot)
        assert OTHER in screen_text(app)


async def test_branch_staff_see_their_own_branch_only(make_app, branches_db):
    app = make_app(branches_db, "zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, f"{OTHER}/1001", "222222")
        await pilot.press("f7")
        await settle(pilot)
        assert THEIRS in screen_text(app) and MINE not in screen_text(app)
        await pilot.press("b")
        await settle(pilot)
        shown = screen_text(app)
        assert THEIRS in shown and MINE not in shown
        assert app.actor.branch_id == app.store.branches.by_code(OTHER).id
        await pilot.press("f8")
        await settle(pilot)
        assert OTHER in screen_text(app)
