"""The day summary of 28 November, counted by hand, and the reviewer's sign-off of that day.

The lobby manager's day at the branch (branch time, Asia/Shanghai): the opening check at 07:50,
three customers guided (one revised from a withdrawal by a pregnant customer to an elderly
customer's deposit), a fourth guided by mistake and voided, three enquiries with follow-ups,
five hand-offs with every outcome, a complaint registered at 16:00, a complaint of the 10th
withdrawn at 09:20, and a note at 23:30. Around it: an enquiry of the day before whose follow-up
falls due on the 28th, a complaint of 1 November still open (due on the 16th: overdue), one of
the 21st (due 6 December: not), and a note just after midnight. No checklist was walked.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, CheckAnswer, PermissionDenied, StoreError
from lobby_tui.domain.day_summary import ComplaintTally, DaySummary, FollowUpTally, HandoffTally
from lobby_tui.domain.kinds import Kind

# The *_fixture names are pytest fixtures (db_path, store, lobby, reviewer): pytest finds them here.
from tests.store_fixtures import (  # noqa: F401
    LOBBY_NO,
    REFUSED,
    REVIEWER_NO,
    audit_actions,
    change,
    db_path_fixture,
    lobby_fixture,
    raw,
    reviewer_fixture,
    store_fixture,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 28)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def write_the_day(store: Store, lobby: Actor) -> dict[str, int]:
    """Write the 28th as the lobby manager did; the ids of the entries the tests look at."""

    def add(kind: Kind, when: str, **values) -> int:
        return store.entries.add(lobby, kind, occurred_at=at(when), **values).id

    ids: dict[str, int] = {}
    add(Kind.ENQUIRY, "2026-11-27 15:00", topic="loan", follow_up_due=at("2026-11-28 10:00"))
    add(Kind.CHECK, "2026-11-28 07:50", text="营业前检查：取号机纸不足")
    ids["deposit"] = add(Kind.QUEUE, "2026-11-28 09:05", business="deposit", priority="none")
    add(Kind.QUEUE, "2026-11-28 09:40", business="account_opening", priority="elderly")
    ids["revised"] = add(Kind.QUEUE, "2026-11-28 10:10", business="withdrawal", priority="pregnant")
    ids["voided"] = add(Kind.QUEUE, "2026-11-28 10:30", business="transfer", priority="vip")
    ids["called_back"] = add(
        Kind.ENQUIRY, "2026-11-28 10:45", topic="loan", follow_up_due=at("2026-11-28 16:00")
    )
    ids["moved_in"] = add(
        Kind.ENQUIRY, "2026-11-28 11:00", topic="loan", follow_up_due=at("2026-11-30 09:00")
    )
    ids["moved_out"] = add(
        Kind.ENQUIRY, "2026-11-28 11:30", topic="loan", follow_up_due=at("2026-11-28 09:00")
    )
    sold = add(Kind.HANDOFF, "2026-11-28 14:10", target="wealth_manager", referral=True)
    returned = add(Kind.HANDOFF, "2026-11-28 14:20", target="vip_room", referral=False)
    not_sold = add(Kind.HANDOFF, "2026-11-28 15:00", target="relationship_manager", referral=True)
    add(Kind.HANDOFF, "2026-11-28 15:30", target="wealth_manager", referral=True)
    no_show = add(Kind.HANDOFF, "2026-11-28 15:40", target="vip_room", referral=False)
    register(store, lobby, "2026-11-01 09:00", "ATM 吞卡未及时处理")
    withdrawn = register(store, lobby, "2026-11-10 10:00", "理财产品说明不清")
    register(store, lobby, "2026-11-21 11:00", "叫号屏显示错误")
    store.complaints.withdraw(lobby, withdrawn, "客户已理解", at=at("2026-11-28 09:20"))
    register(store, lobby, "2026-11-28 16:00", "客户投诉等候时间过长")
    add(Kind.NOTE, "2026-11-28 23:30", text="夜间巡查：门已锁好")
    add(Kind.NOTE, "2026-11-29 00:10", text="ATM 吞卡")

    store.entries.revise(
        lobby, ids["revised"], {"business": "deposit", "priority": "elderly"}, "选错了业务"
    )
    store.entries.void(lobby, ids["voided"], "重复登记")
    store.entries.revise(lobby, ids["moved_in"], {"follow_up_due": at("2026-11-28 15:00")}, "提前")
    store.entries.revise(lobby, ids["moved_out"], {"follow_up_due": at("2026-12-01 09:00")}, "推迟")
    store.handoffs.close_follow_up(lobby, ids["called_back"])
    for entry_id in (sold, not_sold):
        store.handoffs.update(lobby, entry_id, "accepted")
    store.handoffs.update(lobby, sold, "completed", product_sold=True)
    store.handoffs.update(lobby, not_sold, "completed", product_sold=False)
    # A revised hand-off is counted from its revision, the others from their row as written.
    store.entries.revise(lobby, not_sold, {"text": "客户改约明天再谈"}, "补充")
    store.handoffs.update(lobby, returned, "returned")
    store.handoffs.update(lobby, no_show, "no_show")
    return ids


def register(store: Store, lobby: Actor, when: str, facts: str) -> int:
    """A complaint case received at ``when``; its registration is a complaint entry then."""
    return store.complaints.register(
        lobby,
        channel="on_site",
        business="bank_cards",
        cause="facilities",
        severity="yellow",
        complainant_name="王先生",
        facts=facts,
        received_at=at(when),
    ).case.id


@pytest.fixture(name="ids")
def ids_fixture(store: Store, lobby: Actor) -> dict[str, int]:
    return write_the_day(store, lobby)


@pytest.fixture(name="summary")
def summary_fixture(store: Store, ids: dict[str, int]) -> DaySummary:
    return store.summary.day(Actor.console(), DAY)


def test_the_day_is_counted_per_kind_without_the_voided_entry(summary: DaySummary) -> None:
    assert summary.by_kind == {
        "check": 1,
        "queue": 3,
        "enquiry": 3,
        "handoff": 5,
        "complaint": 2,  # the case registered at 16:00, the withdrawal at 09:20
        "note": 1,
    }
    assert (summary.total, summary.voided) == (15, 1)


def test_business_and_priority_are_counted_as_last_revised(summary: DaySummary) -> None:
    assert summary.by_business == {"deposit": 2, "account_opening": 1}
    # The priority channel: "none" is not a priority, the voided VIP is not counted.
    assert summary.by_priority == {"elderly": 2}


def test_the_hourly_flow_is_in_branch_hours(summary: DaySummary) -> None:
    expected = [0] * 24
    for hour, count in {7: 1, 9: 3, 10: 2, 11: 2, 14: 2, 15: 3, 16: 1, 23: 1}.items():
        expected[hour] = count
    assert list(summary.by_hour) == expected


def test_hand_offs_succeed_one_in_two_of_those_closed(summary: DaySummary) -> None:
    assert summary.handoffs == HandoffTally(open=1, completed=2, returned=1, no_show=1)
    assert summary.handoffs.success_rate == 0.5
    assert (summary.referrals, summary.referrals_sold) == (3, 1)


def test_follow_ups_due_that_day_follow_their_revised_dates(summary: DaySummary) -> None:
    # Due on the 28th: yesterday's enquiry, the one called back, and the one moved in;
    # the one moved out to 1 December is not.
    assert summary.follow_ups == FollowUpTally(due=3, done=1)


def test_complaints_are_counted_from_their_cases(summary: DaySummary) -> None:
    # Opened: the 16:00 case. Closed: the case of the 10th, withdrawn that morning (past its
    # due day, the 25th, but closed at the day's end). Overdue: the case of 1 November.
    assert summary.complaints == ComplaintTally(opened=1, closed=1, overdue=1)


def test_a_day_without_a_checklist_walk_shows_each_checklist_not_done(
    summary: DaySummary,
) -> None:
    # The 07:50 check entry was written by hand, not by walking a checklist.
    assert [(c.checklist, c.done, c.problems) for c in summary.checklists] == [
        ("opening", False, 0),
        ("midday", False, 0),
        ("closing", False, 0),
    ]


def test_the_opening_checklist_walked_today_is_in_todays_summary_with_its_problem(
    store: Store, lobby: Actor
) -> None:
    store.checklists.record(
        lobby,
        "opening",
        [
            CheckAnswer("ticket_paper", "取号机纸", False, "纸不足"),
            CheckAnswer("led_screen", "LED 屏", True),
        ],
    )
    store.checklists.record(lobby, "closing", [CheckAnswer("lobby_clear", "大堂无滞留人员", True)])
    today = datetime.now(SHANGHAI).date()

    summary = store.summary.day(lobby, today)

    assert [(c.checklist, c.done, c.problems) for c in summary.checklists] == [
        ("opening", True, 1),
        ("midday", False, 0),
        ("closing", True, 0),
    ]
    assert summary.checklists[0].staff_no == LOBBY_NO


def test_a_day_without_entries_is_all_zeros(store: Store, ids: dict[str, int]) -> None:
    empty = store.summary.day(Actor.console(), date(2026, 11, 20))

    assert (empty.total, empty.voided, empty.by_kind, sum(empty.by_hour)) == (0, 0, {}, 0)
    assert empty.handoffs.success_rate is None
    assert empty.sign_offs == ()


# -- sign-off -------------------------------------------------------------------------------


def test_a_lobby_manager_cannot_sign_the_day_off(store: Store, lobby: Actor, db_path: Path) -> None:
    with pytest.raises(PermissionDenied, match="Your role does not allow this"):
        store.summary.sign_off(lobby, DAY, "看过了")

    assert store.summary.day(lobby, DAY).sign_offs == ()
    assert audit_actions(db_path, "sign_off") == []


def test_the_command_line_cannot_sign_a_day_off(store: Store, db_path: Path) -> None:
    with pytest.raises(PermissionDenied, match="signed-in staff member"):
        store.summary.sign_off(Actor.console(), DAY, "")

    assert audit_actions(db_path, "sign_off") == []


def test_a_reviewer_signs_the_day_off_and_the_summary_shows_who_and_when(
    store: Store, reviewer: Actor, ids: dict[str, int], db_path: Path
) -> None:
    signed = store.summary.sign_off(reviewer, DAY, "已审阅，取号机纸已补")

    summary = store.summary.day(reviewer, DAY)
    assert [(s.reviewer_no, s.comment, s.at) for s in summary.sign_offs] == [
        (REVIEWER_NO, "已审阅，取号机纸已补", signed.at)
    ]
    # Changes made before the sign-off were seen by the reviewer: nothing is flagged.
    assert summary.changed_after_sign_off == ()
    ((actor, staff_id, detail),) = audit_actions(db_path, "sign_off")
    assert (actor, staff_id) == (REVIEWER_NO, reviewer.staff_id)
    assert json.loads(detail)["day"] == "2026-11-28"


def test_signing_a_day_twice_keeps_both_sign_offs(store: Store, reviewer: Actor) -> None:
    store.summary.sign_off(reviewer, DAY, "first look")
    store.summary.sign_off(reviewer, DAY, "after the revision")

    comments = [s.comment for s in store.summary.day(reviewer, DAY).sign_offs]
    assert comments == ["first look", "after the revision"]


def test_entries_revised_or_voided_after_the_sign_off_are_flagged(
    store: Store, lobby: Actor, reviewer: Actor, ids: dict[str, int]
) -> None:
    store.summary.sign_off(reviewer, DAY, "ok")
    revised = store.entries.revise(reviewer, ids["deposit"], {"priority": "elderly"}, "补记")
    store.entries.void(reviewer, ids["revised"], "重复")
    history = store.entries.history(reviewer, ids["revised"])

    flagged = store.summary.day(reviewer, DAY).changed_after_sign_off

    assert [(c.entry_id, c.action, c.staff_no) for c in flagged] == [
        (revised.id, "revise", REVIEWER_NO),
        (ids["revised"], "void", REVIEWER_NO),
    ]
    assert flagged[1].at == history.revisions[-1].at
    # Signing again acknowledges them.
    store.summary.sign_off(reviewer, DAY, "seen the changes")
    assert store.summary.day(reviewer, DAY).changed_after_sign_off == ()


def test_a_day_not_yet_begun_cannot_be_signed_off(store: Store, reviewer: Actor) -> None:
    tomorrow = datetime.now(SHANGHAI).date() + timedelta(days=1)

    with pytest.raises(StoreError, match="not begun"):
        store.summary.sign_off(reviewer, tomorrow, "")


def test_a_sign_off_is_never_changed_nor_deleted(
    store: Store, reviewer: Actor, db_path: Path
) -> None:
    store.summary.sign_off(reviewer, DAY, "ok")

    for sql in ("UPDATE review SET comment = 'changed'", "DELETE FROM review"):
        with pytest.raises(REFUSED, match="append-only"):
            change(db_path, sql)
    assert [s.comment for s in store.summary.day(reviewer, DAY).sign_offs] == ["ok"]
