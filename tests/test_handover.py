"""The shift handover: the note written at sign-out, read and acknowledged at the next sign-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import Static

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, PermissionDenied, StoreError
from lobby_tui.domain.kinds import Kind
from lobby_tui.screens.desk import DeskScreen
from lobby_tui.screens.handover import HandoverNoteScreen, HandoverReadScreen
from lobby_tui.screens.signin import SignInScreen
from lobby_tui.widgets.form import Form
from tests.conftest import ADMIN, LOBBY, settle, sign_in, type_back_to_back

# The *_fixture names are pytest fixtures (db_path, store, lobby): pytest finds them here.
from tests.store_fixtures import (  # noqa: F401
    ADMIN_NO,
    ADMIN_PIN,
    CARD_COMPLAINT,
    LOBBY_NO,
    LOBBY_PIN,
    REFUSED,
    REVIEWER_NO,
    REVIEWER_PIN,
    add_staff,
    audit_actions,
    change,
    db_path_fixture,
    lobby_fixture,
    rows,
    store_fixture,
)

NOTE = "A023 still waiting for 王芳; call 13812345678 back about the card"
NOTE_SHOWN = "A023 still waiting for 王芳; call 138****5678 back about the card"
CARD = {**CARD_COMPLAINT, "facts": "ATM吞卡，客户要求当天取回"}


def register(store: Store, lobby: Actor, days_ago: int) -> int:
    received = datetime.now(UTC) - timedelta(days=days_ago)
    return store.complaints.register(lobby, received_at=received, **CARD).case.id


def shift_row(path: Path, shift_id: int) -> tuple:
    return rows(
        path,
        "SELECT handover_note, signed_out_at IS NOT NULL, acknowledged_by_id, acknowledged_at "
        "FROM shift WHERE id = ?",
        shift_id,
    )[0]


# -- the store -------------------------------------------------------------------------------


def test_the_evening_note_is_read_and_acknowledged_by_the_morning_staff(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    store.entries.add(lobby, Kind.HANDOFF, ticket="A023", target="manager:wealth")

    assert store.shifts.hand_over(lobby, NOTE) is True
    morning = store.staff.sign_in(ADMIN_NO, ADMIN_PIN)
    handover = store.shifts.last_handover(morning)
    read = store.shifts.acknowledge(morning, handover.shift_id)

    assert (handover.note, handover.staff_no, handover.acknowledged_by_no) == (
        NOTE_SHOWN,
        LOBBY_NO,
        None,
    )
    assert (read.acknowledged_by_no, read.acknowledged_at is not None) == (ADMIN_NO, True)
    note, signed_out, by, at = shift_row(db_path, lobby.shift_id)
    assert (note, signed_out, by, at is not None) == (NOTE, 1, morning.staff_id, True)
    assert [detail for _, _, detail in audit_actions(db_path, "handover_acknowledged")] == [
        f'{{"handover_shift_id": {lobby.shift_id}}}'
    ]
    assert store.shifts.still_open(morning).counts == {"handoff": 1}


def test_the_handover_lists_open_complaints_nearest_due_first_without_the_withdrawn(
    store: Store, lobby: Actor
) -> None:
    fresh = register(store, lobby, 1)
    overdue = register(store, lobby, 20)
    withdrawn = register(store, lobby, 3)
    store.complaints.withdraw(lobby, withdrawn, "客户撤回")
    store.entries.add(lobby, Kind.HANDOFF, ticket="A023", target="manager:wealth")

    summary = store.shifts.still_open(lobby)

    assert summary.counts == {"handoff": 1, "complaint": 2}
    assert [case.id for case in summary.complaints] == [overdue, fresh]
    assert summary.overdue == 1  # the case received twenty days ago, five days past due
    assert [item.kind for item in summary.oldest] == ["handoff"]


def test_a_second_reader_does_not_replace_the_first_acknowledgement(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    add_staff(store, REVIEWER_NO, REVIEWER_PIN)
    store.shifts.hand_over(lobby, NOTE)
    first = store.staff.sign_in(ADMIN_NO, ADMIN_PIN)
    store.shifts.acknowledge(first, lobby.shift_id)
    before = shift_row(db_path, lobby.shift_id)

    second = store.staff.sign_in(REVIEWER_NO, REVIEWER_PIN)
    shown = store.shifts.last_handover(second)
    read = store.shifts.acknowledge(second, lobby.shift_id)

    assert shown.acknowledged_by_no == ADMIN_NO  # the second reader sees who read it first
    assert read.acknowledged_by_no == ADMIN_NO
    assert shift_row(db_path, lobby.shift_id) == before
    readers = [staff_id for _, staff_id, _ in audit_actions(db_path, "handover_read")]
    assert readers == [second.staff_id]
    # Having acknowledged it, the first reader is not asked again at their next sign-in.
    assert store.shifts.last_handover(store.staff.sign_in(ADMIN_NO, ADMIN_PIN)) is None


def test_the_database_keeps_a_note_and_its_first_acknowledgement_as_written(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    store.shifts.hand_over(lobby, NOTE)
    store.shifts.acknowledge(store.staff.sign_in(ADMIN_NO, ADMIN_PIN), lobby.shift_id)

    for rewrite in ("handover_note = 'rewritten'", "acknowledged_by_id = NULL"):
        with pytest.raises(REFUSED, match="kept as written"):
            change(db_path, f"UPDATE shift SET {rewrite} WHERE id = ?", lobby.shift_id)

    assert shift_row(db_path, lobby.shift_id)[0] == NOTE


def test_a_note_left_empty_on_purpose_is_still_a_handover(store: Store, lobby: Actor) -> None:
    store.shifts.hand_over(lobby, "")

    handover = store.shifts.last_handover(store.staff.sign_in(ADMIN_NO, ADMIN_PIN))

    assert (handover.shift_id, handover.note) == (lobby.shift_id, "")


def test_no_handover_is_shown_to_its_author_nor_when_there_is_none(
    store: Store, lobby: Actor
) -> None:
    assert store.shifts.last_handover(lobby) is None
    store.shifts.hand_over(lobby, NOTE)
    again = store.staff.sign_in(LOBBY_NO, LOBBY_PIN)

    assert store.shifts.last_handover(again) is None
    with pytest.raises(StoreError, match="You wrote this handover"):
        store.shifts.acknowledge(again, lobby.shift_id)


def test_a_shift_already_closed_signs_out_without_keeping_a_note(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    store.staff.sign_out(lobby)  # closed as a locked-out terminal closes it

    assert store.shifts.hand_over(lobby, NOTE) is False
    assert shift_row(db_path, lobby.shift_id)[0] is None
    assert '"handover": "no_shift"' in audit_actions(db_path, "sign_out")[-1][2]


def test_the_console_reads_no_handover_and_a_stranger_acknowledges_none(
    store: Store, lobby: Actor
) -> None:
    store.shifts.hand_over(lobby, NOTE)

    assert store.shifts.last_handover(Actor.console()) is None
    with pytest.raises(PermissionDenied):
        store.shifts.acknowledge(Actor.console(), lobby.shift_id)


# -- the app ---------------------------------------------------------------------------------


async def test_signing_out_asks_for_the_note_and_the_next_sign_in_shows_it(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f4", *"A023", "enter", "1", "1", *"fund", "ctrl+s", "escape")
        await settle(pilot)
        await app.run_action("sign_out")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, HandoverNoteScreen)
        assert "pending hand-offs: 1" in str(dialog.query_one("#handover-open", Static).content)
        assert "empty" in str(dialog.query_one("#handover-empty", Static).content)
        await pilot.press(*"A023 waits for Wang", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert app.actor is None

        await sign_in(pilot, *ADMIN)
        reading = app.screen
        assert isinstance(reading, HandoverReadScreen)
        assert str(reading.query_one("#handover-note", Static).content) == "A023 waits for Wang"
        assert "A023" in str(reading.query_one("#handover-open", Static).content)
        await pilot.press("f2", "escape")  # nothing gets past the handover but its key
        assert app.screen is reading
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)

    [(note, by)] = rows(
        db, "SELECT handover_note, acknowledged_by_id FROM shift WHERE handover_note IS NOT NULL"
    )
    [(admin_id,)] = rows(db, "SELECT id FROM staff WHERE staff_no = ?", ADMIN[0])
    assert (note, by) == ("A023 waits for Wang", admin_id)


async def test_the_evening_shift_hands_over_an_open_complaint_with_its_time_left(db, make_app):
    store = Store.open(str(db))
    try:
        evening = store.staff.sign_in(*LOBBY)
        fresh = store.complaints.register(
            evening, received_at=datetime.now(UTC) - timedelta(days=1), **CARD
        ).case
        late = store.complaints.register(
            evening,
            received_at=datetime.now(UTC) - timedelta(days=20),
            **{**CARD, "facts": "客户来电13812345678投诉吞卡"},
        ).case
        store.staff.sign_out(evening)
    finally:
        store.close()
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await app.run_action("sign_out")
        await settle(pilot)
        leaving = open_text(app)
        assert leaving.splitlines()[0] == "open complaints: 2  1 overdue"
        # The nearest due first, each with its number and time left; a phone number masked.
        assert f"complaint {late.number} 5 days overdue" in leaving.splitlines()[1]
        assert f"complaint {fresh.number} due in 14 days" in leaving.splitlines()[2]
        assert "13812345678" not in leaving
        await pilot.press("ctrl+s")
        await settle(pilot)

        await sign_in(pilot, *ADMIN)
        assert isinstance(app.screen, HandoverReadScreen)
        arriving = open_text(app)
        assert f"complaint {late.number} 5 days overdue" in arriving
        assert f"complaint {fresh.number} due in 14 days" in arriving


def open_text(app) -> str:
    content = app.screen.query_one("#handover-open", Static).render()
    return content.plain if isinstance(content, Text) else str(content)


async def test_an_empty_note_is_said_and_esc_keeps_the_shift_open(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await app.run_action("sign_out")
        await settle(pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, DeskScreen)
        assert app.actor is not None
        await app.run_action("sign_out")
        await settle(pilot)
        assert app.screen.query_one(Form).values() == {"note": ""}
        type_back_to_back(app, ["ctrl+s", "ctrl+s"])  # an impatient second press
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
    assert rows(db, "SELECT handover_note FROM shift") == [("",)]
    assert len(rows(db, "SELECT id FROM audit_event WHERE action = 'sign_out'")) == 1
