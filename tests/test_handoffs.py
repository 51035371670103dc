"""Hand-offs and follow-ups through the day: opened from the forms, followed from F6 (open items)
until they are closed, each step kept with who and when.

A hand-off goes pending → accepted → completed | returned | no-show (returned and no-show also
straight from pending). An enquiry not resolved, with a follow-up date, stays open until the
customer is called back.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, EntryView, PermissionDenied, StoreError
from lobby_tui.domain.clock import branch_today
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.roles import Role
from lobby_tui.domain.validation import ValidationError

# The *_fixture names are pytest fixtures (db_path, store, lobby, admin): pytest finds them here.
from tests.store_fixtures import (  # noqa: F401
    LOBBY_NO,
    LOBBY_PIN,
    REFUSED,
    add_staff,
    admin_fixture,
    audit_actions,
    change,
    db_path_fixture,
    lobby_fixture,
    raw,
    rows,
    store_fixture,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
COLLEAGUE_NO, COLLEAGUE_PIN = "1002", "222222"
CLOSED = "This hand-off is already closed."
NOT_YET_ACCEPTED = "Mark the hand-off accepted before completing it."
ALREADY_ACCEPTED = "This hand-off is already accepted."


def hand_off(
    store: Store,
    actor: Actor,
    ticket: str = "V012",
    target: str = "wealth_manager",
    occurred_at: datetime | None = None,
) -> EntryView:
    """A customer whose deposit matures, introduced to the wealth manager (a referral)."""
    return store.entries.add(
        actor,
        Kind.HANDOFF,
        occurred_at=occurred_at,
        ticket=ticket,
        target=target,
        text="20万元定期到期，想了解理财",
        referral=True,
    )


def enquiry_to_call_back(
    store: Store, actor: Actor, due: datetime, occurred_at: datetime | None = None
) -> EntryView:
    """A mortgage question the relationship manager must answer by phone."""
    return store.entries.add(
        actor,
        Kind.ENQUIRY,
        occurred_at=occurred_at,
        topic="loans",
        text="咨询房贷提前还款",
        resolved=False,
        follow_up_due=due,
        contact="13812345678",
    )


def branch_time(days_from_today: int, hour: int, minute: int = 0) -> datetime:
    day = branch_today(SHANGHAI) + timedelta(days=days_from_today)
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def events_in_database(path: Path) -> list[tuple]:
    return rows(path, "SELECT entry_id, event, product_sold FROM entry_event ORDER BY id")


def open_ids(store: Store, actor: Actor) -> list[int]:
    return [item.entry.id for item in store.handoffs.open_items(actor)]


# -- the steps of a hand-off --------------------------------------------------------------------

TRANSITIONS = [
    # (steps already recorded, next step, the status after it or the refusal)
    ([], "accepted", "accepted"),
    ([], "returned", "returned"),
    ([], "no_show", "no_show"),
    ([], "completed", NOT_YET_ACCEPTED),
    (["accepted"], "completed", "completed"),
    (["accepted"], "returned", "returned"),
    (["accepted"], "no_show", "no_show"),
    (["accepted"], "accepted", ALREADY_ACCEPTED),
    (["accepted", "completed"], "accepted", CLOSED),
    (["accepted", "completed"], "completed", CLOSED),
    (["accepted", "completed"], "returned", CLOSED),
    (["accepted", "completed"], "no_show", CLOSED),
    (["accepted", "returned"], "completed", CLOSED),
    (["returned"], "accepted", CLOSED),
    (["no_show"], "accepted", CLOSED),
    (["no_show"], "no_show", CLOSED),
]


@pytest.mark.parametrize(
    ("before", "step", "expected"),
    TRANSITIONS,
    ids=["→".join(["pending", *before, step]) for before, step, _ in TRANSITIONS],
)
def test_a_hand_off_moves_only_along_its_steps(
    store: Store, lobby: Actor, db_path: Path, before: list[str], step: str, expected: str
) -> None:
    saved = hand_off(store, lobby)
    for earlier in before:
        store.handoffs.update(lobby, saved.id, earlier)
    recorded = events_in_database(db_path)

    if expected in ("accepted", "completed", "returned", "no_show"):
        assert store.handoffs.update(lobby, saved.id, step).status == expected
        assert events_in_database(db_path) == [*recorded, (saved.id, step, None)]
    else:
        with pytest.raises(StoreError) as refused:
            store.handoffs.update(lobby, saved.id, step)
        assert str(refused.value) == expected
        assert events_in_database(db_path) == recorded


def test_a_new_hand_off_is_pending_and_open(store: Store, lobby: Actor) -> None:
    saved = hand_off(store, lobby)

    assert (saved.status, saved.referral, saved.product_sold) == ("pending", True, None)
    [item] = store.handoffs.open_items(lobby)
    assert (item.kind, item.entry.id, item.since, item.overdue) == (
        "handoff",
        saved.id,
        saved.occurred_at,
        False,
    )


def test_a_referral_completed_with_a_sale(store: Store, lobby: Actor, db_path: Path) -> None:
    saved = hand_off(store, lobby)
    store.handoffs.update(lobby, saved.id, "accepted", note="理财经理已接待")

    done = store.handoffs.update(lobby, saved.id, "completed", product_sold=True, note="购买一年期")

    assert (done.status, done.product_sold) == ("completed", True)
    assert events_in_database(db_path) == [(saved.id, "accepted", None), (saved.id, "completed", 1)]
    assert [e.product_sold for e in store.entries.desk(lobby).entries] == [True]
    details = [json.loads(detail) for _, _, detail in audit_actions(db_path, "handoff_update")]
    assert details == [
        {"entry_id": saved.id, "event": "accepted", "product_sold": None},
        {"entry_id": saved.id, "event": "completed", "product_sold": True},
    ]


def test_a_referral_completed_without_a_sale(store: Store, lobby: Actor) -> None:
    saved = hand_off(store, lobby)
    store.handoffs.update(lobby, saved.id, "accepted")

    done = store.handoffs.update(lobby, saved.id, "completed", product_sold=False)

    assert (done.status, done.product_sold) == ("completed", False)


@pytest.mark.parametrize("step", ["accepted", "returned", "no_show"])
def test_a_sale_is_recorded_only_when_the_hand_off_is_completed(
    store: Store, lobby: Actor, db_path: Path, step: str
) -> None:
    saved = hand_off(store, lobby)

    with pytest.raises(ValidationError) as refused:
        store.handoffs.update(lobby, saved.id, step, product_sold=True)

    assert refused.value.field == "product_sold"
    assert events_in_database(db_path) == []


def test_each_step_is_in_the_history_with_who_and_when(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    add_staff(store, COLLEAGUE_NO, COLLEAGUE_PIN)
    colleague = store.staff.sign_in(COLLEAGUE_NO, COLLEAGUE_PIN)
    saved = hand_off(store, lobby)
    before = datetime.now(UTC)
    store.handoffs.update(lobby, saved.id, "accepted", note="理财经理已接待")
    store.handoffs.update(colleague, saved.id, "returned", note="客户改日再来")
    after = datetime.now(UTC)

    history = store.entries.history(lobby, saved.id)

    assert [(e.event, e.staff_no, e.note) for e in history.events] == [
        ("accepted", LOBBY_NO, "理财经理已接待"),
        ("returned", COLLEAGUE_NO, "客户改日再来"),
    ]
    assert all(before <= e.at <= after for e in history.events)
    assert history.entry.status == "returned"
    assert history.revisions == []


def test_a_note_on_a_step_over_ten_thousand_characters_is_refused(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    saved = hand_off(store, lobby)

    with pytest.raises(ValidationError) as refused:
        store.handoffs.update(lobby, saved.id, "accepted", note="x" * 10_001)

    assert refused.value.field == "note"
    assert events_in_database(db_path) == []


def test_only_hand_offs_have_outcomes(store: Store, lobby: Actor, db_path: Path) -> None:
    note = store.entries.add_note(lobby, "自助机2号吞卡")

    with pytest.raises(StoreError) as refused:
        store.handoffs.update(lobby, note.id, "accepted")

    assert str(refused.value) == "This entry is not a hand-off."
    assert events_in_database(db_path) == []


def test_a_void_hand_off_is_closed_to_outcomes(store: Store, lobby: Actor, db_path: Path) -> None:
    saved = hand_off(store, lobby)
    store.entries.void(lobby, saved.id, "登记错了客户")

    with pytest.raises(StoreError):
        store.handoffs.update(lobby, saved.id, "accepted")

    assert events_in_database(db_path) == []
    assert store.handoffs.open_items(lobby) == []


def test_the_command_line_cannot_close_a_hand_off(store: Store, lobby: Actor) -> None:
    saved = hand_off(store, lobby)

    with pytest.raises(PermissionDenied):
        store.handoffs.update(Actor.console(), saved.id, "accepted")


def test_the_database_refuses_to_change_a_recorded_step(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    saved = hand_off(store, lobby)
    store.handoffs.update(lobby, saved.id, "accepted")

    for statement in ("UPDATE entry_event SET event = 'completed'", "DELETE FROM entry_event"):
        with pytest.raises(REFUSED, match="append-only"):
            change(db_path, statement)

    assert events_in_database(db_path) == [(saved.id, "accepted", None)]


# -- two terminals, one hand-off ----------------------------------------------------------------


def test_two_terminals_completing_the_same_hand_off_at_once_only_one_succeeds(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    saved = hand_off(store, lobby)
    store.handoffs.update(lobby, saved.id, "accepted")
    terminals = [Store.open(str(db_path)) for _ in range(4)]
    start = threading.Barrier(len(terminals))
    outcomes: list[str] = []

    def complete(terminal: Store) -> None:
        start.wait(timeout=30)
        try:
            terminal.handoffs.update(lobby, saved.id, "completed", product_sold=True)
            outcomes.append("completed")
        except StoreError as refused:
            outcomes.append(str(refused))

    threads = [threading.Thread(target=complete, args=(t,)) for t in terminals]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        for terminal in terminals:
            terminal.close()

    assert sorted(outcomes) == sorted(["completed", CLOSED, CLOSED, CLOSED])
    assert [event for _, event, _ in events_in_database(db_path)] == ["accepted", "completed"]


def test_a_hand_off_closed_by_another_terminal_just_before_is_not_closed_again(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    # The other terminal commits its outcome after this one read the desk but before this one's
    # write begins: the state must be read again under the write lock, not trusted from before.
    saved = hand_off(store, lobby)
    other_terminal = Store.open(str(db_path))
    write = store.db.write

    @contextmanager
    def after_the_other_terminal() -> Iterator:
        store.db.write = write
        other_terminal.handoffs.update(lobby, saved.id, "no_show")
        with write() as session:
            yield session

    assert store.entries.desk(lobby).entries[0].status == "pending"
    store.db.write = after_the_other_terminal
    try:
        with pytest.raises(StoreError) as refused:
            store.handoffs.update(lobby, saved.id, "accepted")
    finally:
        store.db.write = write
        other_terminal.close()

    assert str(refused.value) == CLOSED
    assert events_in_database(db_path) == [(saved.id, "no_show", None)]


# -- open items ---------------------------------------------------------------------------------


def test_open_items_are_oldest_first_across_days_with_overdue_follow_ups_marked(
    store: Store, lobby: Actor
) -> None:
    due_tomorrow = enquiry_to_call_back(store, lobby, branch_time(1, 10))
    handoff_today = hand_off(store, lobby, "V031", occurred_at=branch_time(0, 9, 30))
    overdue = enquiry_to_call_back(
        store, lobby, branch_time(-2, 15), occurred_at=branch_time(-5, 11)
    )
    handoff_yesterday = hand_off(store, lobby, "V007", occurred_at=branch_time(-1, 16))
    due_today = enquiry_to_call_back(store, lobby, branch_time(0, 0, 5))

    items = store.handoffs.open_items(lobby)

    assert [(i.entry.id, i.kind, i.overdue) for i in items] == [
        (overdue.id, "follow_up", True),
        (handoff_yesterday.id, "handoff", False),
        (due_today.id, "follow_up", False),
        (handoff_today.id, "handoff", False),
        (due_tomorrow.id, "follow_up", False),
    ]
    assert [i.since for i in items] == sorted(i.since for i in items)
    assert items[0].since == branch_time(-2, 15)
    assert items[0].entry.status == "follow_up"


def test_what_is_done_or_was_never_open_is_not_an_open_item(store: Store, lobby: Actor) -> None:
    store.entries.add(lobby, Kind.QUEUE, ticket="A001", business="deposit", target="counter:1")
    store.entries.add(lobby, Kind.ENQUIRY, topic="forex", text="美元汇率", resolved=True)
    store.entries.add(
        lobby,
        Kind.ENQUIRY,
        topic="loans",
        text="已当场解答",
        resolved=True,
        follow_up_due=branch_time(1, 10),
    )
    store.entries.add_note(lobby, "叫号机网络中断5分钟")
    still_open = hand_off(store, lobby)

    assert open_ids(store, lobby) == [still_open.id]


@pytest.mark.parametrize("ending", ["completed", "returned", "no_show"])
def test_a_closed_hand_off_leaves_the_open_items(store: Store, lobby: Actor, ending: str) -> None:
    first, second = hand_off(store, lobby, "V001"), hand_off(store, lobby, "V002")
    store.handoffs.update(lobby, first.id, "accepted")
    assert open_ids(store, lobby) == [first.id, second.id]

    if ending == "completed":
        store.handoffs.update(lobby, first.id, "completed", product_sold=False)
    else:
        store.handoffs.update(lobby, first.id, ending)

    assert open_ids(store, lobby) == [second.id]


def test_a_call_back_closes_the_follow_up(store: Store, lobby: Actor, db_path: Path) -> None:
    saved = enquiry_to_call_back(store, lobby, branch_time(0, 16))

    done = store.handoffs.close_follow_up(lobby, saved.id, note="已电话回复，客户满意")

    assert done.status == "done"
    assert store.handoffs.open_items(lobby) == []
    [event] = store.entries.history(lobby, saved.id).events
    assert (event.event, event.note, event.staff_no) == (
        "follow_up_done",
        "已电话回复，客户满意",
        LOBBY_NO,
    )
    [(who, _, detail)] = audit_actions(db_path, "follow_up_done")
    assert (who, json.loads(detail)) == (LOBBY_NO, {"entry_id": saved.id})
    with pytest.raises(StoreError) as again:
        store.handoffs.close_follow_up(lobby, saved.id)
    assert str(again.value) == "This entry has no open follow-up."


def test_only_an_open_follow_up_can_be_closed(store: Store, lobby: Actor, db_path: Path) -> None:
    answered = store.entries.add(lobby, Kind.ENQUIRY, topic="cards", text="如何挂失", resolved=True)
    handed = hand_off(store, lobby)

    for entry in (answered, handed):
        with pytest.raises(StoreError):
            store.handoffs.close_follow_up(lobby, entry.id)

    assert events_in_database(db_path) == []


def test_corrections_open_and_close_follow_ups(store: Store, lobby: Actor) -> None:
    saved = store.entries.add(lobby, Kind.ENQUIRY, topic="loans", text="经营贷额度", resolved=False)
    assert store.handoffs.open_items(lobby) == []

    store.entries.revise(lobby, saved.id, {"follow_up_due": branch_time(1, 10)}, "需客户经理回电")
    [item] = store.handoffs.open_items(lobby)
    assert (item.entry.id, item.since) == (saved.id, branch_time(1, 10))

    store.entries.revise(lobby, saved.id, {"follow_up_due": branch_time(2, 9)}, "客户改约后天")
    [item] = store.handoffs.open_items(lobby)
    assert item.since == branch_time(2, 9)

    store.entries.revise(lobby, saved.id, {"resolved": True}, "客户已自行办理")
    assert store.handoffs.open_items(lobby) == []


def test_a_void_removes_an_open_item(store: Store, lobby: Actor) -> None:
    handed = hand_off(store, lobby)
    enquiry = enquiry_to_call_back(store, lobby, branch_time(1, 10))

    store.entries.void(lobby, handed.id, "重复登记")
    store.entries.void(lobby, enquiry.id, "重复登记")

    assert store.handoffs.open_items(lobby) == []


def test_the_desk_shows_the_twenty_oldest_open_items(store: Store, lobby: Actor) -> None:
    handed = [
        hand_off(store, lobby, f"V{n:03d}", occurred_at=branch_time(0, 9, 59 - n))
        for n in range(22)
    ]

    desk = store.entries.desk(lobby)

    assert [item.entry.id for item in desk.open_items] == [e.id for e in reversed(handed)][:20]
    assert len(store.handoffs.open_items(lobby)) == 22


def test_open_items_stay_with_the_shift_that_follows(store: Store, lobby: Actor) -> None:
    # The morning shift hands over; the afternoon guide sees and closes what it left open.
    saved = hand_off(store, lobby)
    store.staff.sign_out(lobby)
    add_staff(store, COLLEAGUE_NO, COLLEAGUE_PIN)
    afternoon = store.staff.sign_in(COLLEAGUE_NO, COLLEAGUE_PIN)

    assert open_ids(store, afternoon) == [saved.id]
    store.handoffs.update(afternoon, saved.id, "no_show")
    assert open_ids(store, afternoon) == []


def test_an_unknown_step_is_a_programming_error(store: Store, lobby: Actor, db_path: Path) -> None:
    saved = hand_off(store, lobby)

    with pytest.raises(ValueError) as refused:
        store.handoffs.update(lobby, saved.id, "follow_up_done")

    assert not isinstance(refused.value, ValidationError)
    assert events_in_database(db_path) == []


def test_another_branch_sharing_the_database_neither_sees_nor_touches_our_items(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    saved = hand_off(store, lobby)
    add_staff(store, "3001", "333333", Role.REVIEWER)
    change(
        db_path,
        "INSERT INTO branch (code, name, time_zone, demo, created_at) "
        "VALUES ('BJ0201', '北京分行', 'Asia/Shanghai', false, '2026-01-01 00:00:00.000000')",
    )
    change(
        db_path,
        "UPDATE staff SET branch_id = (SELECT id FROM branch WHERE code = 'BJ0201') "
        "WHERE staff_no = '3001'",
    )
    beijing = store.staff.sign_in("3001", "333333")

    assert store.handoffs.open_items(beijing) == []
    attempts = {
        "update_handoff": lambda: store.handoffs.update(beijing, saved.id, "accepted"),
        "revise_entry": lambda: store.entries.revise(beijing, saved.id, {"ticket": "V013"}, "更正"),
        "void_entry": lambda: store.entries.void(beijing, saved.id, "作废"),
        "entry_history": lambda: store.entries.history(beijing, saved.id),
        "reveal": lambda: store.entries.reveal(beijing, saved.id, "text"),
    }
    for name, attempt in attempts.items():
        with pytest.raises(StoreError) as refused:
            attempt()
        assert str(refused.value) == "There is no such entry.", name
    assert events_in_database(db_path) == []
    assert open_ids(store, lobby) == [saved.id]


def test_a_no_show_pressed_by_mistake_is_corrected_with_a_reason_and_both_stay_in_the_history(
    store: Store, lobby: Actor, db_path: Path
):
    handoff = hand_off(store, lobby)
    with pytest.raises(StoreError, match="no outcome to correct yet"):
        store.handoffs.correct(lobby, handoff.id, "completed", "客户已购买", product_sold=True)
    store.handoffs.update(lobby, handoff.id, "no_show")  # x, one key, on the wrong row

    with pytest.raises(ValidationError):
        store.handoffs.correct(lobby, handoff.id, "completed", "  ", product_sold=True)
    with pytest.raises(StoreError, match="outcome already"):
        store.handoffs.correct(lobby, handoff.id, "no_show", "按错了")
    corrected = store.handoffs.correct(
        lobby, handoff.id, "completed", "按错了，客户已购买理财", product_sold=True
    )

    assert (corrected.status, corrected.product_sold) == ("completed", True)
    assert events_in_database(db_path) == [
        (handoff.id, "no_show", None),
        (handoff.id, "completed", 1),
    ]
    again = store.handoffs.correct(lobby, handoff.id, "returned", "客户退回，未成交")
    assert (again.status, again.product_sold) == ("returned", False)
    assert len(audit_actions(db_path, "handoff_corrected")) == 2
