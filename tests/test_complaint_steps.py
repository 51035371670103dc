"""The step table of a complaint case and the replay of a case's steps (domain/complaint_steps.py,
domain/case_state.py): pure Python, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lobby_tui.domain.case_state import check_case_step, check_step, next_status, replay
from lobby_tui.domain.complaint_steps import ACTION_LABELS, CASE_STEPS, STEPS, Action
from lobby_tui.domain.complaints import FINISHED, Status
from lobby_tui.domain.deadlines import ClockEvent, deadline
from lobby_tui.domain.keymap import BINDING_IDS

SHANGHAI = ZoneInfo("Asia/Shanghai")
RECEIVED = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)  # 1 March, 10:00 in Shanghai
LOBBY, MANAGER = 1, 2


def day(n: int) -> datetime:
    return RECEIVED + timedelta(days=n)


def test_every_action_has_one_row_and_every_case_step_a_key_a_title_and_a_binding_id():
    assert set(STEPS) == set(Action)
    assert set(ACTION_LABELS) == set(Action)
    keys = [step.key for step in CASE_STEPS]
    assert len(keys) == len(set(keys)) == len(Action) - 1  # all but the registration
    for step in CASE_STEPS:
        assert step.title and step.key_label
        assert f"complaint_{step.action}" in BINDING_IDS
        if step.text is not None:
            assert step.text in {f.name for f in step.fields}
    assert all(step.leads_to not in (Status.RECEIVED,) for step in STEPS.values())


def test_a_case_replayed_from_received_to_closed():
    steps = [
        ("register", RECEIVED, {"handler_id": LOBBY}),
        ("start", day(1), {}),
        ("extend", day(9), {"reason": "需调取监控", "days": 15, "customer_told": False}),
        ("pause", day(10), {"reason": "送鉴定"}),
        ("resume", day(13), {}),
        ("reassign", day(14), {"reason": "休假", "handler_id": MANAGER}),
        (
            "decide",
            day(20),
            {"decision": "退回卡片，电话13812345678", "told_by": "phone", "told_at": day(20)},
        ),
        ("follow_up", day(21), {"satisfaction": "satisfied"}),
        ("close", day(22), {}),
    ]
    state = replay(RECEIVED, SHANGHAI, LOBBY, steps)

    assert state.status == Status.CLOSED
    assert state.handler_id == MANAGER
    assert (state.deadline.extensions, state.deadline.pauses) == (1, 1)
    assert state.deadline.stopped == ClockEvent.DECIDE
    # 15 + 15 days, and the pause of three days (10 to 13 March) added.
    assert state.deadline.due.isoformat() == "2026-04-03"
    assert state.details == {
        "decision": "退回卡片，电话138****5678",  # a free text, masked as every view holds it
        "told_by": "phone",
        "told_at": day(20),
        "decided_at": day(20),
        "satisfaction": "satisfied",
        "closed_at": day(22),
    }


def test_a_withdrawn_case_stops_its_clock_and_keeps_the_reason():
    state = replay(
        RECEIVED,
        SHANGHAI,
        LOBBY,
        [("register", RECEIVED, {}), ("withdraw", day(2), {"reason": "客户撤回"})],
    )
    assert state.status == Status.WITHDRAWN and state.status in FINISHED
    assert state.handler_id == LOBBY
    assert state.deadline.stopped == ClockEvent.WITHDRAW
    assert state.details == {"closed_at": day(2), "withdraw_reason": "客户撤回"}


def test_new_facts_restart_the_clock_and_put_the_case_back_in_progress():
    state = replay(
        RECEIVED,
        SHANGHAI,
        LOBBY,
        [
            ("register", RECEIVED, {}),
            ("extend", day(5), {"reason": "复杂", "days": 15}),
            ("new_facts", day(7), {"facts": "新的情况"}),
        ],
    )
    assert state.status == Status.IN_PROGRESS
    assert state.deadline.extensions == 0
    assert state.deadline.due.isoformat() == "2026-03-23"


def test_no_steps_leave_the_case_received_on_its_first_clock():
    state = replay(RECEIVED, SHANGHAI, LOBBY, [])
    assert (state.status, state.handler_id, state.details) == (Status.RECEIVED, LOBBY, {})
    assert state.deadline == deadline(RECEIVED, SHANGHAI, [])


@pytest.mark.parametrize(
    "status, paused, action, refused",
    [
        (Status.RECEIVED, False, Action.START, None),
        (Status.IN_PROGRESS, False, Action.START, "already in hand"),
        (Status.EXTENDED, True, Action.EXTEND, "resume it first"),
        (Status.EXTENDED, True, Action.PAUSE, "resume it first"),
        (Status.EXTENDED, True, Action.DECIDE, None),
        (Status.IN_PROGRESS, False, Action.RESUME, "not paused"),
        (Status.DECIDED, True, Action.RESUME, None),
        (Status.DECIDED, False, Action.NEW_FACTS, "already decided"),
        (Status.IN_PROGRESS, False, Action.FOLLOW_UP, "Record the decision"),
        (Status.DECIDED, False, Action.CLOSE, "Record the follow-up call"),
        (Status.FOLLOW_UP, False, Action.CLOSE, None),
        (Status.FOLLOW_UP, False, Action.WITHDRAW, None),
        (Status.CLOSED, False, Action.REASSIGN, "closed"),
        (Status.IN_PROGRESS, False, Action.REGISTER, "cannot be recorded"),
    ],
)
def test_the_order_of_the_steps(status, paused, action, refused):
    said = check_step(status, paused, action)
    assert (said is None) if refused is None else (refused in said)


def test_the_step_leads_to_its_status_or_keeps_the_one_it_found():
    assert next_status(Status.RECEIVED, Action.START) == Status.IN_PROGRESS
    assert next_status(Status.EXTENDED, Action.PAUSE) == Status.EXTENDED
    assert next_status(Status.IN_PROGRESS, Action.REASSIGN) == Status.IN_PROGRESS


def test_an_extension_is_refused_before_any_typing_once_the_case_is_overdue():
    clock = deadline(RECEIVED, SHANGHAI, [])
    late = day(20)
    assert "past its due day" in check_case_step(
        Status.IN_PROGRESS, clock, Action.EXTEND, by_respondent=False, now=late
    )
    assert (
        check_case_step(Status.IN_PROGRESS, clock, Action.PAUSE, by_respondent=False, now=late)
        is None
    )
    assert "complained about" in check_case_step(
        Status.IN_PROGRESS, clock, Action.PAUSE, by_respondent=True, now=day(1)
    )


@pytest.mark.parametrize(
    "action, values, field, message",
    [
        (Action.EXTEND, {"reason": " "}, "reason", "Give the reason."),
        (Action.EXTEND, {"reason": "长" * 501}, "reason", "The reason is longer than 500"),
        (Action.EXTEND, {"reason": "ok", "approver": "王" * 41}, "approver", "too long"),
        (Action.NEW_FACTS, {"facts": ""}, "facts", "Write the new facts."),
        (Action.NEW_FACTS, {"facts": "x" * 10_001}, "facts", "longer than 10,000"),
        (Action.DECIDE, {"decision": "ok", "told_by": "fax"}, "told_by", "listed values"),
        (Action.FOLLOW_UP, {"satisfaction": ""}, "satisfaction", "Pick one"),
        (Action.CLOSE, {"note": "x" * 10_001}, "note", "longer than 10,000"),
        (Action.REASSIGN, {"reason": "ok"}, "handler_no", "Pick one"),
    ],
)
def test_each_field_is_checked_as_the_table_says(action, values, field, message):
    problems = {
        f.name: said
        for f in STEPS[action].fields
        if (said := f.problem(values.get(f.name, f.default)))
    }
    assert list(problems) == [field]
    assert message in problems[field]


def test_a_further_extension_says_which_field_is_wrong():
    step = STEPS[Action.EXTEND]
    clock = deadline(RECEIVED, SHANGHAI, [])
    assert [f.name for f in step.asked(further=False)] == ["reason"]
    assert [f.name for f in step.asked(further=True)] == [
        "reason", "days", "approver", "customer_told",
    ]  # fmt: skip
    values = {"reason": "r", "days": 15, "approver": None, "customer_told": False}
    assert step.check(clock, values, day(5)) is None
    extended = replay(RECEIVED, SHANGHAI, LOBBY, [("extend", day(5), values)]).deadline
    assert step.check(extended, {**values, "days": 31}, day(20))[0] == "days"
    assert step.check(extended, {**values, "days": 30}, day(20))[0] == "approver"
    told = {**values, "days": 30, "approver": "王行长"}
    assert step.check(extended, told, day(20))[0] == "customer_told"
    assert step.check(extended, {**told, "customer_told": True}, day(20)) is None
