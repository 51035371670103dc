"""The store through a lobby manager's day: first run, signing in, the lock, roles, notes."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lobby_tui.data.areas import staff as staff_commands
from lobby_tui.data.pins import verify_pin
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, BranchInfo, PermissionDenied, SignInRefused, StoreError
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.roles import Role
from lobby_tui.domain.validation import ValidationError

# The *_fixture names are pytest fixtures (db_path, store, lobby, admin): pytest finds them here.
from tests.store_fixtures import (  # noqa: F401
    ADMIN_NO,
    BRANCH_CODE,
    BRANCH_NAME,
    LOBBY_NO,
    LOBBY_PIN,
    REFUSED,
    REVIEWER_NO,
    REVIEWER_PIN,
    WRONG_PIN,
    add_staff,
    admin_fixture,
    audit_actions,
    change,
    db_path_fixture,
    failed_attempts,
    is_postgresql,
    lobby_fixture,
    raw,
    refusal,
    rows,
    store_fixture,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIVE_MINUTES = timedelta(minutes=5)


def lock_out(store: Store, staff_no: str) -> None:
    """Five wrong PINs in a row, as a confused colleague at the terminal would type them."""
    for _ in range(5):
        refusal(store, staff_no, WRONG_PIN)


def staff_table(path: Path) -> list[tuple]:
    return rows(path, "SELECT staff_no, role, active, pin_hash FROM staff ORDER BY staff_no")


def is_utc(moment: datetime | None) -> bool:
    return moment is not None and moment.tzinfo is not None and moment.utcoffset() == timedelta(0)


# -- first run --------------------------------------------------------------------------------


def test_a_new_database_has_no_branch_until_the_first_run_setup(db_path: Path) -> None:
    store = Store.open(str(db_path))
    assert store.branches.get() is None

    info = store.setup(
        branch_code=BRANCH_CODE,
        branch_name=BRANCH_NAME,
        admin_no=ADMIN_NO,
        admin_name="张主管",
        pin="999999",
    )

    assert isinstance(info, BranchInfo)
    assert (info.code, info.name, info.time_zone) == (BRANCH_CODE, BRANCH_NAME, "Asia/Shanghai")
    assert store.branches.get() == info
    store.close()


def test_a_second_setup_is_refused_and_changes_nothing(store: Store, db_path: Path) -> None:
    before = store.branches.get()

    with pytest.raises(StoreError):
        store.setup(
            branch_code="OTHER",
            branch_name="别的支行",
            admin_no="9999",
            admin_name="李",
            pin="222222",
        )

    assert store.branches.get() == before
    assert rows(db_path, "SELECT code FROM branch") == [(BRANCH_CODE,)]
    assert rows(db_path, "SELECT staff_no FROM staff WHERE staff_no = '9999'") == []


# -- signing in -------------------------------------------------------------------------------


def test_signing_in_opens_a_shift_and_leaves_an_audit_trail(store: Store, db_path: Path) -> None:
    actor = store.staff.sign_in(LOBBY_NO, LOBBY_PIN)

    assert (actor.staff_no, actor.role) == (LOBBY_NO, Role.LOBBY)
    assert actor.shift_id is not None
    shift = rows(db_path, "SELECT staff_id, signed_out_at FROM shift WHERE id = ?", actor.shift_id)
    assert shift == [(actor.staff_id, None)]
    [(who, staff_id, detail)] = audit_actions(db_path, "sign_in")
    assert (who, staff_id) == (LOBBY_NO, actor.staff_id)
    assert json.loads(detail)["shift_id"] == actor.shift_id


def test_a_wrong_pin_is_refused_and_audited(store: Store, db_path: Path) -> None:
    refused = refusal(store, LOBBY_NO, WRONG_PIN)

    assert refused.reason == "wrong_pin"
    assert refused.locked_until is None
    assert [who for who, _, _ in audit_actions(db_path, "sign_in_failed")] == [LOBBY_NO]
    assert failed_attempts(db_path, LOBBY_NO) == 1
    assert rows(db_path, "SELECT count(*) FROM shift") == [(0,)]


def test_five_wrong_pins_lock_the_staff_number(store: Store, db_path: Path) -> None:
    first_four = [refusal(store, LOBBY_NO, WRONG_PIN).reason for _ in range(4)]
    before = datetime.now(UTC)
    fifth = refusal(store, LOBBY_NO, WRONG_PIN)
    after = datetime.now(UTC)

    assert first_four == ["wrong_pin"] * 4
    assert fifth.reason == "locked"
    assert is_utc(fifth.locked_until)
    assert before + FIVE_MINUTES <= fifth.locked_until <= after + FIVE_MINUTES
    assert len(audit_actions(db_path, "sign_in_failed")) == 5
    assert [who for who, _, _ in audit_actions(db_path, "lock")] == [LOBBY_NO]


def test_while_locked_even_the_right_pin_is_refused(store: Store, db_path: Path) -> None:
    lock_out(store, LOBBY_NO)

    refused = refusal(store, LOBBY_NO, LOBBY_PIN)

    assert refused.reason == "locked"
    assert refused.locked_until is not None and refused.locked_until > datetime.now(UTC)
    assert rows(db_path, "SELECT count(*) FROM shift") == [(0,)]


def test_after_five_minutes_the_right_pin_works_again(store: Store, db_path: Path) -> None:
    lock_out(store, LOBBY_NO)
    # Five minutes pass: the lock's end is moved into the past rather than waited for.
    change(
        db_path,
        "UPDATE staff SET locked_until = '2000-01-01 00:00:00.000000' WHERE staff_no = ?",
        LOBBY_NO,
    )

    assert store.staff.sign_in(LOBBY_NO, LOBBY_PIN).staff_no == LOBBY_NO


def test_an_unknown_staff_number_is_refused(store: Store, db_path: Path) -> None:
    refused = refusal(store, "4040", LOBBY_PIN)

    assert refused.reason == "unknown"
    [(who, staff_id, detail)] = audit_actions(db_path, "sign_in_failed")
    assert (who, staff_id, json.loads(detail)) == ("4040", None, {"reason": "unknown"})


def test_a_disabled_staff_member_cannot_sign_in(store: Store, admin: Actor, db_path: Path) -> None:
    store.staff.disable(admin, LOBBY_NO)

    assert refusal(store, LOBBY_NO, LOBBY_PIN).reason == "disabled"
    assert rows(db_path, "SELECT count(*) FROM shift WHERE staff_id != ?", admin.staff_id) == [(0,)]


def test_a_disabled_staff_member_still_signed_in_can_no_longer_write(
    store: Store, lobby: Actor, admin: Actor
) -> None:
    store.staff.disable(admin, LOBBY_NO)

    with pytest.raises(PermissionDenied):
        store.entries.add_note(lobby, "交接：A柜台打印机缺纸")


def test_reset_pin_clears_the_lock(store: Store, admin: Actor, db_path: Path) -> None:
    lock_out(store, LOBBY_NO)

    store.staff.reset_pin(admin, LOBBY_NO, "246810")

    assert rows(db_path, "SELECT locked_until FROM staff WHERE staff_no = ?", LOBBY_NO) == [(None,)]
    assert refusal(store, LOBBY_NO, LOBBY_PIN).reason == "wrong_pin"
    assert store.staff.sign_in(LOBBY_NO, "246810").staff_no == LOBBY_NO


def test_an_admin_lifts_a_lock_and_the_old_pin_signs_in_again(
    store: Store, admin: Actor, db_path: Path
) -> None:
    with pytest.raises(StoreError, match="not locked"):
        store.staff.lift_lock(admin, LOBBY_NO)
    lock_out(store, LOBBY_NO)

    store.staff.lift_lock(admin, LOBBY_NO)

    assert store.staff.sign_in(LOBBY_NO, LOBBY_PIN).staff_no == LOBBY_NO
    [(who, _, detail)] = audit_actions(db_path, "staff_unlock")
    assert (who, json.loads(detail)) == (ADMIN_NO, {"staff_no": LOBBY_NO})


def test_an_admin_cannot_disable_their_own_account_nor_one_twice(
    store: Store, admin: Actor, lobby: Actor
) -> None:
    with pytest.raises(StoreError, match="your own account"):
        store.staff.disable(admin, ADMIN_NO)
    with pytest.raises(PermissionDenied):
        store.staff.lift_lock(lobby, LOBBY_NO)
    store.staff.disable(admin, LOBBY_NO)
    with pytest.raises(StoreError, match="already disabled"):
        store.staff.disable(admin, LOBBY_NO)


def test_a_lock_set_by_another_terminal_while_the_pin_is_checked_still_holds(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other_terminal = Store.open(str(db_path))
    locked_meanwhile: list[str] = []

    def another_terminal_locks_the_account_meanwhile(pin: str, stored: str) -> bool:
        # The right PIN is being hashed here (~50 ms) when the other terminal's fifth wrong PIN
        # locks the account; the sign-in must then be refused like any other while locked.
        monkeypatch.setattr(staff_commands, "verify_pin", verify_pin)
        lock_out(other_terminal, LOBBY_NO)
        locked_meanwhile.append(LOBBY_NO)
        return verify_pin(pin, stored)

    monkeypatch.setattr(staff_commands, "verify_pin", another_terminal_locks_the_account_meanwhile)
    try:
        store.staff.sign_in(LOBBY_NO, LOBBY_PIN)
        outcome = "signed in"
    except SignInRefused as refused:
        outcome = refused.reason
    finally:
        other_terminal.close()

    assert locked_meanwhile == [LOBBY_NO]
    assert outcome == "locked"
    assert rows(db_path, "SELECT count(*) FROM shift") == [(0,)]


# -- roles, enforced by the data layer itself -------------------------------------------------

ADMIN_ONLY: dict[str, Callable[[Store, Actor], object]] = {
    "add_staff": lambda store, actor: store.staff.add(actor, "1002", "王芳", Role.LOBBY, "222222"),
    "list_staff": lambda store, actor: store.staff.members(actor),
    "disable_staff": lambda store, actor: store.staff.disable(actor, LOBBY_NO),
    "reset_pin": lambda store, actor: store.staff.reset_pin(actor, LOBBY_NO, "222222"),
    # A generator: the export only starts, and is only refused, once it is read.
    "entries_between": lambda store, actor: list(store.log.between(actor, None, None)),
}


def assert_refused_without_a_trace(
    store: Store, actor: Actor, operation: str, db_path: Path
) -> None:
    staff_before = staff_table(db_path)
    audit_before = rows(db_path, "SELECT count(*) FROM audit_event")

    with pytest.raises(PermissionDenied):
        ADMIN_ONLY[operation](store, actor)

    assert staff_table(db_path) == staff_before
    assert rows(db_path, "SELECT count(*) FROM audit_event") == audit_before


@pytest.mark.parametrize("operation", ADMIN_ONLY)
def test_a_lobby_manager_cannot_manage_staff_or_export(
    store: Store, lobby: Actor, db_path: Path, operation: str
) -> None:
    assert_refused_without_a_trace(store, lobby, operation, db_path)


@pytest.mark.parametrize("operation", ADMIN_ONLY)
def test_a_forged_admin_role_is_refused_because_the_role_is_read_from_the_database(
    store: Store, lobby: Actor, db_path: Path, operation: str
) -> None:
    forged = dataclasses.replace(lobby, role=Role.ADMIN)

    assert_refused_without_a_trace(store, forged, operation, db_path)


@pytest.mark.parametrize("operation", ADMIN_ONLY)
def test_the_admin_may_do_what_the_lobby_manager_may_not(
    store: Store, admin: Actor, operation: str
) -> None:
    ADMIN_ONLY[operation](store, admin)


def test_a_reviewer_can_export_but_not_manage_staff(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    add_staff(store, REVIEWER_NO, REVIEWER_PIN, Role.REVIEWER)
    store.entries.add_note(lobby, "上午客流高峰，已开启3号窗口")
    reviewer = store.staff.sign_in(REVIEWER_NO, REVIEWER_PIN)

    exported = [entry.text for entry, _ in store.log.between(reviewer, None, None)]

    assert exported == ["上午客流高峰，已开启3号窗口"]
    assert [who for who, _, _ in audit_actions(db_path, "export")] == [REVIEWER_NO]
    with pytest.raises(PermissionDenied):
        store.staff.add(reviewer, "1002", "王芳", Role.LOBBY, "222222")
    with pytest.raises(PermissionDenied):
        store.staff.members(reviewer)


# -- notes ------------------------------------------------------------------------------------


def test_a_note_written_is_on_the_desk_today(store: Store, lobby: Actor) -> None:
    saved = store.entries.add_note(lobby, "自助机2号吞卡，已报修")

    desk = store.entries.desk(lobby)

    assert desk.counts == {"note": 1}
    assert desk.total_today == 1
    assert [(e.id, e.kind, e.text, e.staff_no) for e in desk.entries] == [
        (saved.id, "note", "自助机2号吞卡，已报修", LOBBY_NO)
    ]


def test_the_console_reads_the_branch_desk_of_the_day(store: Store, lobby: Actor) -> None:
    # The console may read the log (it exports it), so it sees the same desk as the staff.
    store.entries.add_note(lobby, "营业后检查完成")

    desk = store.entries.desk(Actor.console())

    assert desk.counts == {"note": 1}
    assert [e.text for e in desk.entries] == ["营业后检查完成"]


HOSTILE_NOTES = {
    "markup": "[bold]x[/]",
    "escape": "\x1b[2J",
    "tabs": "票号\tA023\t窗口\t3",
    "newlines": "第一行\n第二行\r\n第三行\n",
    "emoji": "客户很满意 👍🏻 👩\u200d💼",
    "spaces": "  前后有空格  ",
    "bidi": "\u202eevil",
    "ten_thousand": "长" * 9_999 + "x",  # 10,000 characters: the longest note kept
}


@pytest.mark.parametrize("text", HOSTILE_NOTES.values(), ids=HOSTILE_NOTES.keys())
def test_a_note_is_stored_exactly_as_typed(
    store: Store, lobby: Actor, db_path: Path, text: str
) -> None:
    saved = store.entries.add_note(lobby, text)

    assert [e.text for e in store.entries.desk(lobby).entries] == [text]
    assert rows(db_path, "SELECT text FROM entry WHERE id = ?", saved.id) == [(text,)]


def test_a_note_over_ten_thousand_characters_is_refused(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    with pytest.raises(ValidationError) as refused:
        store.entries.add_note(lobby, "x" * 10_001)

    assert refused.value.field == "text"
    assert rows(db_path, "SELECT count(*) FROM entry") == [(0,)]


def test_times_come_back_timezone_aware_in_utc(store: Store, lobby: Actor, db_path: Path) -> None:
    # 09:30 in Shanghai is 01:30 UTC; stored as UTC wall time, read back as the same instant.
    opened_at = datetime(2026, 11, 27, 9, 30, tzinfo=SHANGHAI)
    store.entries.add(lobby, Kind.NOTE, occurred_at=opened_at, text="开门营业")
    store.entries.add_note(lobby, "今天的记录")

    [earlier] = store.entries.desk(lobby, date(2026, 11, 27)).entries
    [today] = store.entries.desk(lobby).entries

    assert earlier.occurred_at == opened_at
    assert all(is_utc(t) for t in (earlier.occurred_at, earlier.recorded_at, today.occurred_at))
    assert abs(today.occurred_at - datetime.now(UTC)) < timedelta(minutes=1)
    [(stored,)] = rows(db_path, "SELECT occurred_at FROM entry WHERE text = '开门营业'")
    # SQLite keeps UTC wall time as text; PostgreSQL a timestamp of the same instant.
    if is_postgresql(db_path):
        assert stored == opened_at
    else:
        assert stored == "2026-11-27 01:30:00.000000"


def test_locked_until_comes_back_timezone_aware_in_utc(store: Store, admin: Actor) -> None:
    lock_out(store, LOBBY_NO)

    [locked] = [s for s in store.staff.members(admin) if s.staff_no == LOBBY_NO]

    assert is_utc(locked.locked_until)
    assert locked.locked_until > datetime.now(UTC)


# -- storage ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "statement"),
    [
        ("entry", "UPDATE entry SET text = 'rewritten'"),
        ("entry", "DELETE FROM entry"),
        ("audit_event", "UPDATE audit_event SET actor = 'nobody'"),
        ("audit_event", "DELETE FROM audit_event"),
    ],
)
def test_the_database_refuses_to_change_entries_and_audit_events(
    store: Store, lobby: Actor, db_path: Path, table: str, statement: str
) -> None:
    store.entries.add_note(lobby, "原始记录")
    before = rows(db_path, f"SELECT * FROM {table} ORDER BY id")

    with pytest.raises(REFUSED, match="append-only"):
        change(db_path, statement)

    assert before
    assert rows(db_path, f"SELECT * FROM {table} ORDER BY id") == before


def test_the_pin_is_stored_as_a_salted_scrypt_hash(store: Store, db_path: Path) -> None:
    add_staff(store, "1002", LOBBY_PIN)

    [(first,), (second,)] = rows(
        db_path,
        "SELECT pin_hash FROM staff WHERE staff_no IN (?, ?) ORDER BY staff_no",
        "1001",
        "1002",
    )

    assert first.startswith("scrypt$") and second.startswith("scrypt$")
    assert LOBBY_PIN not in first
    assert first != second  # same PIN, different salt
    assert verify_pin(LOBBY_PIN, first) and not verify_pin(WRONG_PIN, first)
