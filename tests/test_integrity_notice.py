"""A reviewer who signs in is told, in red, when the duty log was changed behind the app's back;
the check runs in the background and says nothing when the chain holds."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.roles import Role
from lobby_tui.screens.desk import DeskScreen
from tests.conftest import LOBBY, REVIEWER, add_reviewer, settle, sign_in

NOTICE = "changed outside the app"


@pytest.fixture
def logged(db: Path) -> Path:
    """The branch with its reviewer, and a morning's entries written through the store."""
    store = Store.open(str(db))
    try:
        add_reviewer(store)
        lobby = store.staff.sign_in(*LOBBY)
        for ticket in ("A001", "A002"):
            store.entries.add(lobby, Kind.QUEUE, ticket=ticket, business="deposit", text="存款")
    finally:
        store.close()
    return db


def change_a_text(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("DROP TRIGGER entry_no_update")
        connection.execute("UPDATE entry SET text = '取款' WHERE ticket = 'A002'")
        connection.commit()


def notices(app) -> list[tuple[str, str]]:
    return [(str(n.message), n.severity) for n in app._notifications if NOTICE in str(n.message)]


async def test_a_reviewer_signing_in_is_told_in_red_that_an_entry_was_changed(
    logged: Path, make_app
) -> None:
    change_a_text(logged)
    app = make_app(logged)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *REVIEWER)

        assert isinstance(app.screen, DeskScreen)
        [(message, severity)] = notices(app)
        assert severity == "error"
        assert "2 problems" in message and "entry_no_update" in message


async def test_lobby_staff_are_not_shown_the_check(logged: Path, make_app) -> None:
    change_a_text(logged)
    app = make_app(logged)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)

        assert isinstance(app.screen, DeskScreen)
        assert notices(app) == []


async def notices_after_the_check(path: Path, make_app) -> list[tuple[str, str]]:
    """The notices on the desk once the reviewer signed in and the check ran."""
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *REVIEWER)
        await settle(pilot)

        assert isinstance(app.screen, DeskScreen)
        return notices(app)


async def test_an_intact_log_shows_the_reviewer_no_notice(logged: Path, make_app) -> None:
    assert await notices_after_the_check(logged, make_app) == []


async def test_a_change_in_another_branch_is_not_shown_to_this_branch_s_reviewer(
    logged: Path, make_app
) -> None:
    store = Store.open(str(logged))
    try:
        other = store.branches.add(
            Actor.console(),
            code="SH0202",
            name="张江支行",
            admin_no="9001",
            admin_name="王",
            pin="222222",
        )
        store.staff.add(Actor.console(other.id), "2001", "乙行员工", Role.LOBBY, "222222")
        theirs = store.entries.add_note(store.staff.sign_in("SH0202/2001", "222222"), "乙行")
    finally:
        store.close()
    with closing(sqlite3.connect(logged)) as connection:
        [(guard,)] = connection.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'entry_no_update'"
        ).fetchall()
        connection.execute("DROP TRIGGER entry_no_update")  # put back below: none left missing
        connection.execute(f"UPDATE entry SET text = 'x' WHERE id = {theirs.id}")
        connection.execute(guard)
        connection.commit()
    assert await notices_after_the_check(logged, make_app) == []
