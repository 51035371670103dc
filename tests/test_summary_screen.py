"""F8 as the branch uses it at the end of the day, driven through Pilot on real SQLite files.

The lobby manager has guided three customers and handed one over this morning; the reviewer
reads the day, its hourly flow, and signs it off; lobby staff can read it but not sign it.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.widgets import Input, Static

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, CheckAnswer
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.roles import Role
from lobby_tui.screens.desk import DeskScreen
from lobby_tui.screens.summary import SignOffScreen, SummaryScreen
from lobby_tui.widgets.hints import KeyHints
from lobby_tui.widgets.hour_chart import HourChart, columns
from tests.conftest import LOBBY, settle, sign_in

REVIEWER = ("2001", "222222")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> datetime:
    return datetime.now(UTC).astimezone(SHANGHAI)


@pytest.fixture(name="day_db")
def day_db_fixture(db: Path) -> Path:
    """The branch database with a reviewer, and this morning's four entries at 09:00–10:30."""
    store = Store.open(str(db))
    store.staff.add(Actor.console(), REVIEWER[0], "陈审阅", Role.REVIEWER, REVIEWER[1])
    lobby = store.staff.sign_in(*LOBBY)
    morning = today().replace(hour=9, minute=0, second=0, microsecond=0)
    for minutes in (0, 20, 40):
        store.entries.add(
            lobby, Kind.QUEUE, occurred_at=morning + timedelta(minutes=minutes), business="deposit"
        )
    store.entries.add(
        lobby, Kind.HANDOFF, occurred_at=morning + timedelta(minutes=90), target="vip_room"
    )
    store.close()
    return db


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def sign_offs(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT staff.staff_no, review.comment FROM review "
            "JOIN staff ON staff.id = review.reviewer_id ORDER BY review.id"
        ).fetchall()


async def open_summary(pilot) -> SummaryScreen:
    await pilot.press("f8")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SummaryScreen)
    return pilot.app.screen


async def test_a_reviewer_reads_the_day_and_signs_it_off(day_db, make_app):
    app = make_app(day_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *REVIEWER)
        screen = await open_summary(pilot)
        assert today().date().isoformat() in text_of(screen, "#summary-title")
        entries = text_of(screen, "#summary-section-0")
        assert "guidance           3" in entries and "total              4" in entries
        assert "not signed off yet" in text_of(screen, "#summary-sign-off")
        chart = str(screen.query_one(HourChart).render())
        assert chart.splitlines()[0].startswith("3 ┤")  # three at nine, the tallest column

        await pilot.press("s")
        assert isinstance(app.screen, SignOffScreen)
        await pilot.press(*"Read, paper restocked", "enter")
        await settle(pilot)

        assert app.screen is screen
        signed = text_of(screen, "#summary-sign-off")
        assert "陈审阅 (2001)" in signed and "Read, paper restocked" in signed
    assert sign_offs(day_db) == [("2001", "Read, paper restocked")]


async def test_lobby_staff_read_the_summary_but_cannot_sign_it_off(day_db, make_app):
    app = make_app(day_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        screen = await open_summary(pilot)
        shown = [b.binding.key for b in screen.active_bindings.values() if b.binding.show]
        assert "s" not in shown and "p" in shown
        hint = str(screen.query_one(KeyHints).content)
        assert hint == "←/p: previous day · →/n: next day · t: today · d: go to a day"
        await pilot.press("f1")
        listed = [str(cell) for cell in app.screen.query_one("#help-keys").get_column_at(1)]
        assert "Previous day" in listed and "Sign off" not in listed
        await pilot.press("escape")
        screen = await open_summary(pilot)

        await pilot.press("s")
        await settle(pilot)

        assert app.screen is screen
        assert any("Only reviewers" in str(n.message) for n in app._notifications)
        assert "total              4" in text_of(screen, "#summary-section-0")
    assert sign_offs(day_db) == []


async def test_entries_changed_after_the_sign_off_are_flagged_to_the_reviewer(day_db, make_app):
    store = Store.open(str(day_db))
    reviewer = store.staff.sign_in(*REVIEWER)
    store.summary.sign_off(reviewer, today().date(), "ok")
    lobby = store.staff.sign_in(*LOBBY)
    note = store.entries.add_note(lobby, "补记")
    store.entries.revise(lobby, note.id, {"text": "补记：取号机换纸"}, "写错")
    store.close()
    app = make_app(day_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *REVIEWER)
        screen = await open_summary(pilot)
        assert f"#{note.id} revised after the sign-off" in text_of(screen, "#summary-sign-off")

        await pilot.press("s")
        changed = str(app.screen.query_one("#sign-off-changed", Static).render())
        assert changed == "1 entries changed since the last sign-off."


async def test_the_reviewer_steps_through_the_days_and_types_one(day_db, make_app):
    app = make_app(day_db)
    this_day = today().date()
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *REVIEWER)
        screen = await open_summary(pilot)

        await pilot.press("p")
        await settle(pilot)
        assert screen.day == this_day - timedelta(days=1)
        assert "total              0" in text_of(screen, "#summary-section-0")

        await pilot.press("right", "right")  # today, then a day not yet come: refused
        await settle(pilot)
        assert screen.day == this_day
        assert any("not come yet" in str(n.message) for n in app._notifications)

        await pilot.press("d", *"-7", "enter")
        await settle(pilot)
        assert screen.day == this_day - timedelta(days=7)
        assert screen.query_one("#summary-day", Input).value == screen.day.isoformat()

        await pilot.press("d", *"13-45", "enter")
        await settle(pilot)
        assert screen.day == this_day - timedelta(days=7)
        assert text_of(screen, "#summary-day-error").startswith("Write a day as")

        await pilot.press("backspace", "enter")  # emptied: back to the day shown
        assert screen.query_one("#summary-day", Input).value == screen.day.isoformat()
        await pilot.press("t")
        await settle(pilot)
        assert screen.day == this_day
        assert "total              4" in text_of(screen, "#summary-section-0")

        await pilot.press("escape")
        assert isinstance(app.screen, DeskScreen)


def test_the_chart_draws_each_hour_in_eighths_of_a_cell():
    assert columns([8, 4, 1, 0], height=1) == ["██ ▄▄ ▁▁   "]
    assert columns([2, 1], height=2) == ["██   ", "██ ██"]
    assert columns([0, 0], height=2) == ["     ", "     "]


async def test_f8_shows_the_complaint_cases_and_the_checklists_walked_today(day_db, make_app):
    store = Store.open(str(day_db))
    lobby = store.staff.sign_in(*LOBBY)
    card = {
        "channel": "on_site",
        "business": "bank_cards",
        "cause": "facilities",
        "severity": "yellow",
        "complainant_name": "王先生",
        "facts": "ATM吞卡",
    }
    store.complaints.register(lobby, **card)
    store.complaints.register(lobby, received_at=datetime.now(UTC) - timedelta(days=20), **card)
    store.checklists.record(
        lobby, "opening", [CheckAnswer("ticket_paper", "取号机纸", False, "纸不足")]
    )
    store.close()
    app = make_app(day_db, "zh")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *REVIEWER)
        screen = await open_summary(pilot)
        complaints = text_of(screen, "#summary-section-4").splitlines()
        checks = text_of(screen, "#summary-section-6").splitlines()

    # Received today: one; the one of twenty days ago is five days past its due day.
    assert [line.split() for line in complaints] == [
        ["投诉"],
        ["新受理", "1"],
        ["已办结", "0"],
        ["已逾期", "1"],
    ]
    assert [line.split() for line in checks] == [
        ["检查"],
        ["营业前", "✓", "·", "问题：1"],
        ["营业中", "–"],
        ["营业后", "–"],
    ]
