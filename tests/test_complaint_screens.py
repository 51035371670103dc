"""Complaints at the terminal, driven through Pilot: registering with F5, working the case from
F6 and its detail screen, recusal said next to the field, overdue cases on the desk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.text import Text
from textual.widgets import DataTable, Static

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor
from lobby_tui.screens.complaint import ComplaintScreen
from lobby_tui.screens.complaint_case import CaseScreen
from lobby_tui.screens.complaint_list import ComplaintListScreen
from lobby_tui.screens.desk import DeskScreen
from lobby_tui.screens.open_items import OpenItemsScreen
from tests.conftest import LOBBY, settle, sign_in
from tests.store_fixtures import CARD_COMPLAINT, rows

CARD = {**CARD_COMPLAINT, "facts": "ATM吞卡，客户要求当天取回"}


def cases_in(path: Path):
    store = Store.open(str(path))
    try:
        return store.complaints.cases(Actor.console())
    finally:
        store.close()


def with_cases(path: Path, *received_days_ago: int) -> Path:
    """The lobby manager registered cases received that many days ago."""
    store = Store.open(str(path))
    try:
        lobby = store.staff.sign_in(*LOBBY)
        now = datetime.now(UTC)
        for days in received_days_ago:
            store.complaints.register(lobby, received_at=now - timedelta(days=days), **CARD)
        store.staff.sign_out(lobby)
    finally:
        store.close()
    return path


def shown(app, selector: str) -> str:
    content = app.screen.query_one(selector, Static).render()
    return content.plain if isinstance(content, Text) else str(content)


async def test_staff_registers_a_swallowed_card_complaint_with_f5_and_sees_its_number(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintScreen)
        await pilot.press("enter", "1", "3", "2", "2")  # now, on site, cards, facilities, yellow
        await pilot.press(*"Wang", "enter", *"13812345678", "enter", "1", "enter")
        await pilot.press(*"A023", "enter", *"ATM swallowed the card", "ctrl+s")
        await settle(pilot)

        status = shown(app, "#form-status")
        [case] = cases_in(db)
        assert status.startswith(f"registered {case.number}: due ")
        assert (case.channel, case.business, case.cause, case.severity) == (
            "on_site",
            "bank_cards",
            "facilities",
            "yellow",
        )
        assert (case.handler_no, case.respondent_no, case.ticket) == (LOBBY[0], None, "A023")
        assert case.complainant_contact == "138****5678"  # the view, masked
        assert rows(db, "SELECT complainant_contact FROM complaint_case") == [("13812345678",)]
        assert app.screen.form.is_blank()  # ready for the next customer

        await pilot.press("f5")  # F5 again: the list of cases
        await settle(pilot)
        assert isinstance(app.screen, ComplaintListScreen)
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert "Complaints open: 1" in shown(app, "#desk-open")


async def test_a_complaint_about_oneself_is_refused_next_to_the_handler(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("enter", "1", "3", "1", "3", *"Zhao", "enter", "enter")
        # The staff list: 1 nobody, 2 李娜 (1001, signed in), 3 the admin.
        await pilot.press("2", "enter", "enter", *"rude at counter 3", "ctrl+s")
        await settle(pilot)

        error = shown(app, "#error-handler_no")
        assert "recusal" in error and "reassign" in error
        assert cases_in(db) == []
        assert app.screen.form.values()["complainant_name"] == "Zhao"  # nothing typed is lost


async def test_the_case_is_extended_paused_and_resumed_from_open_items(db, make_app):
    with_cases(db, 2)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, OpenItemsScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("x", *"CCTV needed", "ctrl+s")
        await settle(pilot)
        await pilot.press("p", *"ATM vendor appraisal", "ctrl+s")
        await settle(pilot)
        await pilot.press("p")  # already paused: said at once, no dialog
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("r", "ctrl+s")
        await settle(pilot)

        [case] = cases_in(db)
        assert case.status == "extended"
        assert (case.deadline.extensions, case.deadline.pauses, case.deadline.paused) == (
            1,
            1,
            False,
        )
        timeline = shown(app, "#case-timeline")
        assert "extended" in timeline and "CCTV needed" in timeline
        assert "paused for appraisal" in timeline and "resumed" in timeline
        assert "138****5678" in shown(app, "#case-fields")


async def test_overdue_complaints_are_on_the_desk_and_first_in_open_items_in_red(db, make_app):
    with_cases(db, 1, 20, 14)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)

        desk = app.screen.query_one("#desk-open", Static).render()
        assert "Complaints open: 3" in desk.plain
        overdue = [span for span in desk.spans if "red" in str(span.style)]
        assert overdue and "5 days overdue" in desk.plain[overdue[0].start : overdue[0].end]
        await pilot.press("f6")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        left = [table.get_row_at(row)[3] for row in range(table.row_count)]
        assert [cell.plain for cell in left] == ["5 days overdue", "due tomorrow", "due in 14 days"]
        assert ["red" in str(cell.style) for cell in left] == [True, True, False]


async def test_a_half_typed_complaint_is_kept_with_its_respondent_when_staff_step_away(
    db, make_app
):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("enter", "2", "1", "1", "3", *"Qian", "enter", "enter", "3")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)

        values = app.screen.form.values()
        assert (values["channel"], values["complainant_name"], values["respondent_no"]) == (
            "phone",
            "Qian",
            "9001",
        )
        assert values["handler_no"] == LOBBY[0]


async def test_the_desk_timeline_names_the_case_and_its_step(db, make_app):
    with_cases(db, 0)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)

        [case] = cases_in(db)
        row = app.screen.query_one("#timeline", DataTable).get_row_at(0)
        assert row[4].plain.startswith(f"{case.number} registered: ATM")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)


async def test_esc_steps_back_from_a_step_dialog_to_the_case_then_the_list(db, make_app):
    from lobby_tui.screens.complaint_step import StepDialog

    with_cases(db, 3)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f5", "f5")
        await settle(pilot)
        await pilot.press("enter", "x")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        for back_to in (CaseScreen, ComplaintListScreen, DeskScreen):
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, back_to)


async def test_e_on_a_complaint_step_says_it_is_changed_on_its_case_without_a_dialog(db, make_app):
    with_cases(db, 0)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        assert isinstance(app.screen, DeskScreen)
        for key in ("e", "v"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, DeskScreen)
        assert [str(n.message) for n in app._notifications][-2:] == [
            "A step of a complaint case is recorded on the case, not changed here."
        ] * 2


async def test_keys_a_person_may_not_use_on_a_case_say_why_at_once_without_a_dialog(db, make_app):
    from tests.conftest import REVIEWER, add_reviewer

    store = Store.open(str(db))
    try:
        add_reviewer(store)
        reviewer = store.staff.sign_in(*REVIEWER)
        now = datetime.now(UTC)
        store.complaints.register(
            reviewer, received_at=now - timedelta(days=1), **{**CARD, "respondent_no": LOBBY[0]}
        )
        store.complaints.register(reviewer, received_at=now - timedelta(days=36), **CARD)
        store.staff.sign_out(reviewer)
    finally:
        store.close()
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f5", "f5")
        await settle(pilot)
        await pilot.press("enter")  # the overdue case comes first
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("escape", "down", "enter")
        await settle(pilot)
        for key in ("t", "a"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, CaseScreen)

    said = [str(n.message) for n in app._notifications]
    assert "past its due day" in said[-3]
    assert (
        said[-2:] == ["You are the staff member complained about: ask the handler to do this."] * 2
    )


async def test_the_complaint_list_of_a_branch_with_2000_cases_reads_on_as_the_cursor_goes_down(
    db, make_app
):
    from tests.conftest import REVIEWER, add_reviewer
    from tests.test_complaints import a_branch_with_2000_cases

    store = Store.open(str(db))
    try:
        add_reviewer(store)
        a_branch_with_2000_cases(store, None, None)
    finally:
        store.close()
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *REVIEWER)
        await pilot.press("f5", "f5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ComplaintListScreen)
        assert screen.cases[0].number == "TS-X-1999"  # the most overdue first
        assert len(screen.cases) == 10
        await pilot.press(*"s" * 8)  # on to every status
        await settle(pilot)
        assert len(screen.cases) == 10 + 100
        await pilot.press(*["pagedown"] * 4)
        await settle(pilot)
        assert len(screen.cases) == 10 + 200
        assert len({case.id for case in screen.cases}) == 210
