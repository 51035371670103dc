"""Complaint cases in the store: registering, every step and the refused ones, recusal, cases
carried across shifts, the day's counts, and the records the database refuses to change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, PermissionDenied, StoreError
from lobby_tui.domain.clock import branch_zone
from lobby_tui.domain.validation import ValidationError
from tests.store_fixtures import (  # noqa: F401 (fixtures)
    CARD_COMPLAINT,
    LOBBY_NO,
    REFUSED,
    REVIEWER_NO,
    add_staff,
    audit_actions,
    change,
    db_path_fixture,
    lobby_fixture,
    raw,
    reviewer_fixture,
    rows,
    store_fixture,
)

SHANGHAI = branch_zone("Asia/Shanghai")
SWALLOWED_CARD = CARD_COMPLAINT["facts"]


def register(store: Store, actor: Actor, **changes) -> int:
    values = {**CARD_COMPLAINT, "request": "当天取回卡并道歉", **changes}
    return store.complaints.register(actor, **values).case.id


def test_a_registered_complaint_gets_the_days_number_and_the_registrant_as_handler(
    store: Store, lobby: Actor
):
    received = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    saved = store.complaints.register(lobby, **CARD_COMPLAINT, ticket="A023", received_at=received)
    second = register(store, lobby, received_at=received + timedelta(hours=2))
    next_day = register(store, lobby, received_at=received + timedelta(days=1))

    case = saved.case
    assert case.number == "TS-20261120-001"
    assert store.complaints.timeline(lobby, second).case.number == "TS-20261120-002"
    assert store.complaints.timeline(lobby, next_day).case.number == "TS-20261121-001"
    assert (case.status, case.handler_no, case.registered_by_no) == ("received", LOBBY_NO, LOBBY_NO)
    assert case.deadline.due.isoformat() == "2026-12-05"
    assert saved.entry.kind == "complaint"
    assert saved.entry.complaint_no == "TS-20261120-001"
    assert saved.entry.text == SWALLOWED_CARD


def test_the_handler_can_never_be_the_staff_member_complained_about(
    store: Store, lobby: Actor, reviewer: Actor
):
    with pytest.raises(StoreError, match="recusal"):
        register(store, lobby, respondent_no=LOBBY_NO)
    # Registered by the respondent, handled by a colleague: allowed.
    case_id = register(store, lobby, respondent_no=LOBBY_NO, handler_no=REVIEWER_NO)
    case = store.complaints.timeline(lobby, case_id).case
    assert (case.handler_no, case.respondent_no) == (REVIEWER_NO, LOBBY_NO)
    # The respondent cannot work the case, nor be given it.
    with pytest.raises(StoreError, match="complained about"):
        store.complaints.start(lobby, case_id)
    with pytest.raises(StoreError, match="recusal"):
        store.complaints.reassign(reviewer, case_id, LOBBY_NO, "休假")
    assert store.complaints.timeline(lobby, case_id).case.handler_no == REVIEWER_NO


def test_a_case_goes_from_received_to_closed_and_every_step_is_in_the_duty_log(
    store: Store, lobby: Actor, db_path
):
    case_id = register(store, lobby)
    told = datetime.now(UTC) - timedelta(minutes=1)
    steps = [
        (store.complaints.start, (), "in_progress"),
        (store.complaints.extend, ("需调取ATM监控录像",), "extended"),
        (store.complaints.pause, ("送第三方鉴定ATM故障",), "extended"),
        (store.complaints.resume, (), "extended"),
        (store.complaints.decide, ("当日取回银行卡，赔礼道歉", "phone", told), "decided"),
        (store.complaints.follow_up, ("satisfied", "客户表示满意"), "follow_up"),
        (store.complaints.close, (), "closed"),
    ]
    for step, arguments, status in steps:
        assert step(lobby, case_id, *arguments).case.status == status

    timeline = store.complaints.timeline(lobby, case_id)
    case = timeline.case
    assert [a.action for a in timeline.actions] == [
        "register", "start", "extend", "pause", "resume", "decide", "follow_up", "close",
    ]  # fmt: skip
    assert (case.deadline.extensions, case.deadline.pauses) == (1, 1)
    assert (case.satisfaction, case.told_by, case.decision) == (
        "satisfied",
        "phone",
        "当日取回银行卡，赔礼道歉",
    )
    assert case.closed_at is not None and not case.open
    logged = rows(
        db_path, "SELECT kind, topic FROM entry WHERE complaint_id = ? ORDER BY id", case_id
    )
    assert logged == [("complaint", a.action) for a in timeline.actions]
    assert [a.entry_id for a in timeline.actions] == [
        entry_id for (entry_id,) in rows(db_path, "SELECT id FROM entry ORDER BY id")
    ]
    assert store.complaints.open_cases(lobby) == []


@pytest.mark.parametrize(
    "done, refused_step, message",
    [
        ([], ("follow_up", "satisfied"), "Record the decision"),
        ([], ("close",), "Record the follow-up call"),
        ([], ("resume",), "not paused"),
        ([("start",)], ("start",), "already in hand"),
        ([("pause", "鉴定")], ("pause", "again"), "paused: resume it first"),
        ([("pause", "鉴定")], ("extend", "复杂"), "paused: resume it first"),
        ([("decide", None)], ("extend", "复杂"), "already decided"),
        ([("decide", None)], ("pause", "鉴定"), "already decided"),
        ([("withdraw", "客户撤回")], ("start",), "closed"),
        ([("withdraw", "客户撤回")], ("withdraw", "again"), "closed"),
        ([("extend", "复杂")], ("extend", "复杂"), "needs the name"),
    ],
)
def test_steps_out_of_order_are_refused_with_a_clear_message(
    store: Store, lobby: Actor, done, refused_step, message
):
    case_id = register(store, lobby)
    for name, *arguments in done:
        if name == "decide":
            store.complaints.decide(lobby, case_id, "已解决", "phone", datetime.now(UTC))
        else:
            getattr(store.complaints, name)(lobby, case_id, *arguments)
    before = store.complaints.timeline(lobby, case_id)

    with pytest.raises(StoreError, match=message):
        getattr(store.complaints, refused_step[0])(lobby, case_id, *refused_step[1:])

    assert store.complaints.timeline(lobby, case_id) == before


def test_a_second_extension_to_60_days_needs_an_approver_and_the_customer_told(
    store: Store, lobby: Actor
):
    received = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    case_id = register(store, lobby, received_at=received)
    # Each extension decided before the case fell due.
    store.complaints.extend(lobby, case_id, "情况复杂，需调查", at=received + timedelta(days=9))
    later = received + timedelta(days=27)
    with pytest.raises(StoreError, match="Tell the customer"):
        store.complaints.extend(lobby, case_id, "特别复杂", days=30, approver="王行长", at=later)
    case = store.complaints.extend(
        lobby, case_id, "特别复杂", days=30, approver="王行长", customer_told=True, at=later
    ).case

    assert case.deadline.allowed_days == 60
    assert case.deadline.due.isoformat() == "2026-12-31"
    with pytest.raises(StoreError, match="60 days at most"):
        store.complaints.extend(
            lobby, case_id, "再延", days=1, approver="王行长", customer_told=True
        )


def test_new_facts_restart_the_clock_from_that_day(store: Store, lobby: Actor):
    received = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    case_id = register(store, lobby, received_at=received)
    store.complaints.extend(lobby, case_id, "复杂", at=received + timedelta(days=4))
    today = datetime.now(UTC)

    case = store.complaints.add_facts(lobby, case_id, "客户补充：卡内有一笔未知扣款").case

    assert case.deadline.start == today.astimezone(SHANGHAI).date()
    assert case.deadline.extensions == 0
    assert case.deadline.days_left(today) == 15
    assert case.status == "in_progress"


def test_a_case_carries_across_shifts_and_is_closed_by_the_next_staff_member(
    store: Store, lobby: Actor, db_path
):
    case_id = register(store, lobby)
    store.complaints.start(lobby, case_id)
    store.staff.sign_out(lobby)
    add_staff(store, "1002", "222222")
    tomorrow = store.staff.sign_in("1002", "222222")

    store.complaints.reassign(tomorrow, case_id, "1002", "李娜休假，由1002接手")
    store.complaints.decide(tomorrow, case_id, "已取回银行卡", "in_person", datetime.now(UTC))

    case = store.complaints.timeline(tomorrow, case_id).case
    assert (case.handler_no, case.status) == ("1002", "decided")
    shifts = rows(db_path, "SELECT DISTINCT shift_id FROM entry WHERE complaint_id = ?", case_id)
    assert len(shifts) == 2
    # The signed-out shift can no longer write, but the case is still there for it to read.
    with pytest.raises(PermissionDenied):
        store.complaints.follow_up(
            Actor(lobby.staff_id, lobby.staff_no, lobby.name, lobby.role), case_id, "satisfied"
        )


def test_only_signed_in_staff_write_and_the_console_only_reads(store: Store, lobby: Actor):
    with pytest.raises(PermissionDenied):
        register(store, Actor.console())
    case_id = register(store, lobby)
    with pytest.raises(PermissionDenied):
        store.complaints.start(Actor.console(), case_id)

    assert [c.id for c in store.complaints.open_cases(Actor.console())] == [case_id]


def test_bad_codes_and_future_times_are_refused(store: Store, lobby: Actor):
    with pytest.raises(ValidationError) as caught:
        register(store, lobby, channel="fax")
    assert caught.value.field == "channel"
    with pytest.raises(ValidationError) as caught:
        register(store, lobby, received_at=datetime.now(UTC) + timedelta(days=1))
    assert caught.value.field == "received_at"
    with pytest.raises(ValidationError) as caught:
        register(store, lobby, facts="  ")
    assert caught.value.field == "facts"


def test_open_cases_come_nearest_deadline_first_with_overdue_ones_on_top(
    store: Store, lobby: Actor
):
    now = datetime.now(UTC)
    fresh = register(store, lobby, received_at=now - timedelta(days=1))
    overdue = register(store, lobby, received_at=now - timedelta(days=20))
    close = register(store, lobby, received_at=now - timedelta(days=13))
    done = register(store, lobby, received_at=now - timedelta(days=30))
    store.complaints.withdraw(lobby, done, "客户撤诉")

    cases = store.complaints.open_cases(lobby)

    assert [c.id for c in cases] == [overdue, close, fresh]
    assert [c.deadline.days_left(now) for c in cases] == [-5, 2, 14]
    assert [c.id for c in store.complaints.cases(lobby, overdue=True)] == [overdue]
    assert [c.id for c in store.complaints.cases(lobby, status="withdrawn")] == [done]
    assert [c.id for c in store.complaints.cases(lobby, status="received")] == [
        overdue,
        close,
        fresh,
    ]
    assert store.complaints.cases(lobby, status="closed") == []
    assert {c.id for c in store.complaints.cases(lobby, handler_no=LOBBY_NO)} == {
        fresh,
        overdue,
        close,
        done,
    }
    assert store.complaints.cases(lobby, severity="red") == []


def test_the_day_summary_counts_complaints_opened_closed_and_overdue(store: Store, lobby: Actor):
    now = datetime.now(UTC)
    today = now.astimezone(SHANGHAI).date()
    opened = register(store, lobby)
    overdue = register(store, lobby, received_at=now - timedelta(days=20))
    withdrawn = register(store, lobby, received_at=now - timedelta(days=3))
    store.complaints.withdraw(lobby, withdrawn, "客户撤回")

    day = store.complaints.on_day(lobby, today)

    assert [c.id for c in day.opened] == [opened]
    assert [c.id for c in day.closed] == [withdrawn]
    assert [c.id for c in day.overdue] == [overdue]
    # Twenty days ago only the overdue one had been received, and it was not yet due.
    past = store.complaints.on_day(lobby, today - timedelta(days=20))
    assert ([c.id for c in past.opened], past.overdue) == ([overdue], [])


def test_the_log_browser_finds_a_case_from_any_of_its_entries(store: Store, lobby: Actor):
    case_id = register(store, lobby)
    step = store.complaints.start(lobby, case_id, "已联系网点ATM管理员")
    note = store.entries.add_note(lobby, "无关的备注")

    timeline = store.complaints.of_entry(lobby, step.entry.id)

    assert timeline.case.id == case_id
    assert [a.action for a in timeline.actions] == ["register", "start"]
    assert store.complaints.of_entry(lobby, note.id) is None
    assert store.entries.history(lobby, step.entry.id).entry.complaint_no == timeline.case.number


@pytest.mark.parametrize("table", ["complaint_case", "complaint_action"])
@pytest.mark.parametrize("verb", ["UPDATE {table} SET id = id", "DELETE FROM {table}"])
def test_the_database_refuses_to_change_a_case_or_its_actions(
    store: Store, lobby: Actor, db_path, table, verb
):
    register(store, lobby)

    with pytest.raises(REFUSED, match="append-only"):
        change(db_path, verb.format(table=table))


def test_every_step_is_in_the_audit_trail(store: Store, lobby: Actor, db_path):
    case_id = register(store, lobby)
    store.complaints.start(lobby, case_id)

    assert [actor for actor, _, _ in audit_actions(db_path, "complaint_register")] == [LOBBY_NO]
    assert len(audit_actions(db_path, "complaint_start")) == 1


def test_staff_to_pick_from_are_the_active_staff_of_the_branch(store: Store, lobby: Actor):
    add_staff(store, "1002", "222222")
    store.staff.disable(Actor.console(), "1002")

    assert [s.staff_no for s in store.complaints.handlers(lobby)] == ["1001", "9001"]


def test_a_complaint_step_in_the_duty_log_is_neither_revised_nor_voided(store: Store, lobby: Actor):
    saved = store.complaints.register(
        lobby,
        channel="phone",
        business="loans",
        cause="rules",
        severity="green",
        complainant_name="赵女士",
        facts="提前还款手续繁琐",
    )

    with pytest.raises(StoreError, match="recorded on the case"):
        store.entries.void(lobby, saved.entry.id, "写错了")
    with pytest.raises(StoreError, match="recorded on the case"):
        store.entries.revise(lobby, saved.entry.id, {"text": "改"}, "写错了")
    assert not store.entries.history(lobby, saved.entry.id).entry.voided


def test_an_overdue_case_is_not_extended_and_still_counts_as_overdue(store: Store, lobby: Actor):
    now = datetime.now(UTC)
    today = now.astimezone(SHANGHAI).date()
    overdue = register(store, lobby, received_at=now - timedelta(days=36))

    with pytest.raises(StoreError, match="past its due day"):
        store.complaints.extend(lobby, overdue, "情况复杂")

    case = store.complaints.timeline(lobby, overdue).case
    assert case.deadline.extensions == 0
    assert case.deadline.days_left(now) == -21
    assert [c.id for c in store.complaints.on_day(lobby, today).overdue] == [overdue]


def a_branch_with_2000_cases(store: Store, lobby: Actor, reviewer: Actor) -> dict[str, int]:
    """Two years of complaints, written in one transaction as a busy branch gathers them:
    1,990 withdrawn, and ten open — the oldest of those long overdue, one the reviewer's."""
    from sqlmodel import select

    from lobby_tui.data import complaints
    from lobby_tui.data.models import ComplaintAction, ComplaintCase, Entry, Staff

    now = datetime.now(UTC).replace(microsecond=0)
    named: dict[str, int] = {}
    with store.db.write() as session:
        staff = {s.staff_no: s for s in session.exec(select(Staff)).all()}
        registrant = staff[LOBBY_NO]
        for n in range(2000):
            received = now - timedelta(hours=8 * n + 1)
            case = ComplaintCase(
                branch_id=registrant.branch_id,
                number=f"TS-X-{n:04d}",
                received_at=received,
                **{**CARD_COMPLAINT, "severity": "red" if n % 2 else "green"},
                staff_id=registrant.id,
            )
            session.add(case)
            session.flush()
            steps = [("register", received, {"handler_id": registrant.id})]
            open_case = n in (5, 700) or n >= 1992
            if n == 700:
                steps.append(("reassign", received, {"handler_id": staff[REVIEWER_NO].id}))
            if not open_case:
                steps.append(("withdraw", received + timedelta(hours=1), {"reason": "撤回"}))
            for action, at, payload in steps:
                entry = Entry(
                    branch_id=case.branch_id,
                    staff_id=registrant.id,
                    kind="complaint",
                    occurred_at=at,
                    topic=action,
                    complaint_id=case.id,
                )
                session.add(entry)
                session.flush()
                session.add(
                    ComplaintAction(
                        case_id=case.id,
                        action=action,
                        payload=complaints.to_json(payload),
                        staff_id=registrant.id,
                        at=at,
                        entry_id=entry.id,
                    )
                )
            session.flush()
            actions = complaints.actions_of(session, [case.id])[case.id]
            [view] = complaints.views_of(session, [case], SHANGHAI)
            complaints.sync_open_complaint(
                session, case, view, complaints.handler_id_of(actions, case)
            )
            named[case.number] = case.id
    return named


def test_with_2000_cases_every_overdue_case_is_listed_and_the_list_pages_to_the_end(
    store: Store, lobby: Actor, reviewer: Actor
):
    cases = a_branch_with_2000_cases(store, lobby, reviewer)
    oldest = cases["TS-X-1999"]  # received two years ago: the case a LIMIT 500 lost

    overdue = store.complaints.cases(reviewer, overdue=True)
    assert oldest in [c.id for c in overdue]
    assert [c.id for c in overdue] == [
        cases[f"TS-X-{n:04d}"] for n in (*range(1999, 1991, -1), 700)
    ]
    mine = store.complaints.cases(reviewer, handler_no=REVIEWER_NO)
    assert [c.number for c in mine] == ["TS-X-0700"]
    assert len(store.complaints.cases(reviewer, status="open")) == 10

    # Page through every case: open ones first, then the withdrawn ones, each once.
    page = store.complaints.page(reviewer, limit=100)
    assert len(page.cases) == 10 + 100
    seen = [c.id for c in page.cases]
    while page.after is not None:
        page = store.complaints.page(reviewer, after=page.after, limit=100)
        seen += [c.id for c in page.cases]
    assert len(seen) == len(set(seen)) == 2000
    withdrawn = store.complaints.page(reviewer, status="withdrawn", severity="red", limit=50)
    assert len(withdrawn.cases) == 50
    assert {(c.status, c.severity) for c in withdrawn.cases} == {("withdrawn", "red")}
