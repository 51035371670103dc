"""Corrections and voids: the lobby manager fixes a slip during her shift, a reviewer fixes one
days later, and nothing that was written is ever overwritten.

An entry row keeps what was first typed; each correction is a numbered revision with the old and
new values and a reason, and the log, the history and the export read the latest values over it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lobby_tui.data.export import export_rows
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, EntryView, PermissionDenied, StoreError
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.roles import Role
from lobby_tui.domain.validation import ValidationError

# The *_fixture names are pytest fixtures (db_path, store, lobby, admin, reviewer): pytest finds
# them here.
from tests.store_fixtures import (  # noqa: F401
    LOBBY_NO,
    LOBBY_PIN,
    REVIEWER_NO,
    add_staff,
    admin_fixture,
    audit_actions,
    db_path_fixture,
    lobby_fixture,
    reviewer_fixture,
    rows,
    store_fixture,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
COLLEAGUE_NO, COLLEAGUE_PIN = "1002", "222222"
WRONG_COUNTER = "柜台号记错了，应为5号窗口"


@pytest.fixture(name="colleague")
def colleague_fixture(store: Store) -> Actor:
    """Another lobby guide, 1002, on the same floor and signed in."""
    add_staff(store, COLLEAGUE_NO, COLLEAGUE_PIN)
    return store.staff.sign_in(COLLEAGUE_NO, COLLEAGUE_PIN)


def deposit(store: Store, lobby: Actor) -> EntryView:
    """An old gentleman's deposit, sent to counter 3 (it was counter 5)."""
    return store.entries.add(
        lobby,
        Kind.QUEUE,
        ticket="A023",
        business="deposit",
        priority="elderly",
        target="counter:3",
        text="老人存一年定期 3 万元",
    )


def entry_row(path: Path, entry_id: int) -> list[tuple]:
    return rows(path, "SELECT * FROM entry WHERE id = ?", entry_id)


def revision_rows(path: Path) -> list[tuple]:
    return rows(
        path, "SELECT entry_id, number, action, old_values, new_values FROM revision ORDER BY id"
    )


# -- who may correct ----------------------------------------------------------------------------


def test_the_author_corrects_the_counter_during_her_shift(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    saved = deposit(store, lobby)
    written = entry_row(db_path, saved.id)

    revised = store.entries.revise(lobby, saved.id, {"target": "counter:5"}, WRONG_COUNTER)

    assert (revised.target, revised.ticket, revised.revision) == ("counter:5", "A023", 2)
    [shown] = store.entries.desk(lobby).entries
    assert (shown.id, shown.target, shown.revision, shown.voided) == (
        saved.id,
        "counter:5",
        2,
        False,
    )
    # The row keeps what was first typed; the correction is a revision beside it.
    assert entry_row(db_path, saved.id) == written
    assert revision_rows(db_path) == [
        (saved.id, 2, "revise", '{"target": "counter:3"}', '{"target": "counter:5"}')
    ]
    [(who, staff_id, detail)] = audit_actions(db_path, "revise")
    assert (who, staff_id) == (LOBBY_NO, lobby.staff_id)
    assert json.loads(detail) == {"entry_id": saved.id, "fields": ["target"]}


def test_a_reviewer_corrects_an_entry_after_its_author_went_home(
    store: Store, lobby: Actor, reviewer: Actor
) -> None:
    saved = deposit(store, lobby)
    store.staff.sign_out(lobby)

    revised = store.entries.revise(reviewer, saved.id, {"priority": "none"}, "客户并非老年人")

    assert (revised.priority, revised.staff_no, revised.revision) == ("none", LOBBY_NO, 2)
    [revision] = store.entries.history(reviewer, saved.id).revisions
    assert (revision.staff_no, revision.reason) == (REVIEWER_NO, "客户并非老年人")


@pytest.mark.parametrize("action", ["revise", "void"])
def test_another_lobby_guide_cannot_correct_or_void_a_colleagues_entry(
    store: Store, lobby: Actor, colleague: Actor, db_path: Path, action: str
) -> None:
    saved = deposit(store, lobby)

    with pytest.raises(PermissionDenied):
        if action == "revise":
            store.entries.revise(colleague, saved.id, {"target": "counter:5"}, WRONG_COUNTER)
        else:
            store.entries.void(colleague, saved.id, "重复登记")

    assert revision_rows(db_path) == []
    assert audit_actions(db_path, action) == []
    assert store.entries.desk(lobby).entries == [saved]


def test_the_author_cannot_correct_her_entry_once_she_signed_out(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    saved = deposit(store, lobby)
    store.staff.sign_out(lobby)
    next_morning = store.staff.sign_in(LOBBY_NO, LOBBY_PIN)

    for actor in (lobby, next_morning):
        with pytest.raises(PermissionDenied):
            store.entries.revise(actor, saved.id, {"target": "counter:5"}, WRONG_COUNTER)
        with pytest.raises(PermissionDenied):
            store.entries.void(actor, saved.id, "重复登记")

    assert revision_rows(db_path) == []


def test_a_forged_shift_does_not_make_a_colleague_the_author(
    store: Store, lobby: Actor, colleague: Actor, db_path: Path
) -> None:
    saved = deposit(store, lobby)
    forged = Actor(
        staff_id=colleague.staff_id,
        staff_no=colleague.staff_no,
        name=colleague.name,
        role=Role.REVIEWER,
        branch_id=colleague.branch_id,
        shift_id=lobby.shift_id,
    )

    with pytest.raises(PermissionDenied):
        store.entries.revise(forged, saved.id, {"target": "counter:5"}, WRONG_COUNTER)

    assert revision_rows(db_path) == []


# -- what a correction must say -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        pytest.param("", "Give the reason.", id="empty"),
        pytest.param("  \n", "Give the reason.", id="blank"),
        pytest.param("长" * 501, "The reason is longer than 500 characters.", id="501-characters"),
    ],
)
@pytest.mark.parametrize("action", ["revise", "void"])
def test_a_correction_or_a_void_needs_a_reason(
    store: Store, lobby: Actor, db_path: Path, action: str, reason: str, message: str
) -> None:
    saved = deposit(store, lobby)

    with pytest.raises(ValidationError) as refused:
        if action == "revise":
            store.entries.revise(lobby, saved.id, {"target": "counter:5"}, reason)
        else:
            store.entries.void(lobby, saved.id, reason)

    assert (refused.value.field, refused.value.message) == ("reason", message)
    assert revision_rows(db_path) == []


def test_a_reason_of_500_characters_is_enough(store: Store, lobby: Actor) -> None:
    saved = deposit(store, lobby)

    revised = store.entries.revise(lobby, saved.id, {"target": "counter:5"}, "长" * 500)

    assert revised.target == "counter:5"


def test_a_correction_that_changes_nothing_is_refused(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    saved = deposit(store, lobby)

    with pytest.raises(ValidationError) as refused:
        store.entries.revise(lobby, saved.id, {"target": "counter:3", "ticket": "A023"}, "核对")

    assert (refused.value.field, refused.value.message) == ("changes", "Nothing was changed.")
    assert revision_rows(db_path) == []


def test_only_the_fields_that_changed_are_in_the_revision(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    saved = deposit(store, lobby)

    store.entries.revise(lobby, saved.id, {"ticket": "A023", "target": "counter:5"}, WRONG_COUNTER)

    assert revision_rows(db_path) == [
        (saved.id, 2, "revise", '{"target": "counter:3"}', '{"target": "counter:5"}')
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"ticket": "a23"}, "ticket", id="ticket"),
        pytest.param({"text": "x" * 10_001}, "text", id="text"),
        pytest.param({"outcome": "x" * 10_001}, "outcome", id="outcome"),
        pytest.param({"contact": "1" * 65}, "contact", id="contact"),
        pytest.param({"target": "x" * 65}, "target", id="target"),
    ],
)
def test_corrected_values_are_checked_like_new_ones(
    store: Store, lobby: Actor, db_path: Path, changes: dict, field: str
) -> None:
    saved = deposit(store, lobby)

    with pytest.raises(ValidationError) as refused:
        store.entries.revise(lobby, saved.id, changes, "更正")

    assert refused.value.field == field
    assert revision_rows(db_path) == []


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"kind": "note"}, id="kind"),
        pytest.param({"occurred_at": datetime.now(UTC)}, id="occurred_at"),
        pytest.param({"staff_id": 1}, id="author"),
        pytest.param({"resolved": "yes"}, id="not-a-boolean"),
        pytest.param({"follow_up_due": datetime(2026, 12, 1, 10)}, id="naive-time"),
    ],
)
def test_what_is_not_a_revisable_value_is_a_programming_error(
    store: Store, lobby: Actor, changes: dict
) -> None:
    saved = deposit(store, lobby)

    with pytest.raises(ValueError) as refused:
        store.entries.revise(lobby, saved.id, changes, "更正")

    assert not isinstance(refused.value, ValidationError)


def test_an_entry_of_no_one_cannot_be_corrected(store: Store, lobby: Actor) -> None:
    with pytest.raises(StoreError) as refused:
        store.entries.revise(lobby, 404, {"target": "counter:5"}, WRONG_COUNTER)

    assert str(refused.value) == "There is no such entry."


# -- the history --------------------------------------------------------------------------------


def test_old_values_are_kept_and_every_correction_is_in_the_history(
    store: Store, lobby: Actor, reviewer: Actor
) -> None:
    saved = deposit(store, lobby)
    store.entries.revise(lobby, saved.id, {"target": "counter:5"}, WRONG_COUNTER)
    store.entries.revise(
        reviewer,
        saved.id,
        {"text": "老人存一年定期 5 万元", "outcome": "已办结"},
        "金额核对后更正",
    )

    history = store.entries.history(lobby, saved.id)

    assert history.original["target"] == "counter:3"
    assert history.original["text"] == "老人存一年定期 3 万元"
    assert history.original["outcome"] is None
    assert [(r.number, r.action, r.staff_no) for r in history.revisions] == [
        (2, "revise", LOBBY_NO),
        (3, "revise", REVIEWER_NO),
    ]
    assert history.revisions[0].old_values == {"target": "counter:3"}
    assert history.revisions[0].new_values == {"target": "counter:5"}
    assert history.revisions[1].old_values == {"text": "老人存一年定期 3 万元", "outcome": None}
    assert history.revisions[1].new_values == {"text": "老人存一年定期 5 万元", "outcome": "已办结"}
    assert history.revisions[0].at <= history.revisions[1].at
    entry = history.entry
    assert (entry.target, entry.text, entry.outcome, entry.revision) == (
        "counter:5",
        "老人存一年定期 5 万元",
        "已办结",
        3,
    )
    assert history.events == []


def test_a_follow_up_date_comes_back_as_the_same_instant(store: Store, lobby: Actor) -> None:
    enquiry = store.entries.add(
        lobby, Kind.ENQUIRY, topic="loans", text="提前还房贷", resolved=False, contact="13812345678"
    )
    due = datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)

    revised = store.entries.revise(lobby, enquiry.id, {"follow_up_due": due}, "补填回访日期")

    assert revised.follow_up_due == due
    assert revised.follow_up_due.utcoffset() == timedelta(0)
    [revision] = store.entries.history(lobby, enquiry.id).revisions
    assert revision.old_values == {"follow_up_due": None}
    assert revision.new_values == {"follow_up_due": due}


def test_yes_and_no_answers_are_corrected_too(store: Store, lobby: Actor) -> None:
    enquiry = store.entries.add(lobby, Kind.ENQUIRY, topic="cards", text="如何挂失", resolved=False)

    revised = store.entries.revise(lobby, enquiry.id, {"resolved": True}, "当场已解答")

    assert revised.resolved is True
    assert store.entries.history(lobby, enquiry.id).original["resolved"] is False


# -- voids --------------------------------------------------------------------------------------


def test_a_void_keeps_the_entry_marked_and_out_of_the_counts(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    saved = deposit(store, lobby)
    kept = store.entries.add_note(lobby, "取号机缺纸，已更换")

    voided = store.entries.void(lobby, saved.id, "重复登记")

    assert (voided.voided, voided.ticket, voided.revision) == (True, "A023", 1)
    desk = store.entries.desk(lobby)
    assert [(e.id, e.voided) for e in desk.entries] == [(kept.id, False), (saved.id, True)]
    assert desk.counts == {"note": 1}
    assert revision_rows(db_path) == [(saved.id, 2, "void", "{}", "{}")]
    [(who, _, detail)] = audit_actions(db_path, "void")
    assert (who, json.loads(detail)) == (LOBBY_NO, {"entry_id": saved.id})
    [revision] = store.entries.history(lobby, saved.id).revisions
    assert (revision.action, revision.reason) == ("void", "重复登记")


def test_a_void_entry_can_be_neither_corrected_nor_voided_again(
    store: Store, lobby: Actor, reviewer: Actor, db_path: Path
) -> None:
    saved = deposit(store, lobby)
    store.entries.void(lobby, saved.id, "重复登记")

    for actor in (lobby, reviewer):
        with pytest.raises(StoreError) as revising:
            store.entries.revise(actor, saved.id, {"target": "counter:5"}, WRONG_COUNTER)
        with pytest.raises(StoreError) as voiding:
            store.entries.void(actor, saved.id, "再次作废")
        assert str(revising.value) == str(voiding.value)
        assert str(revising.value) == "This entry is void and can no longer be changed."

    assert [action for *_, action, _, _ in revision_rows(db_path)] == ["void"]


# -- the export ---------------------------------------------------------------------------------


def test_the_export_gives_the_latest_values_with_the_revision_number_and_the_void_flag(
    store: Store, lobby: Actor, reviewer: Actor
) -> None:
    untouched = store.entries.add_note(lobby, "营业前检查完成")
    corrected = deposit(store, lobby)
    store.entries.revise(lobby, corrected.id, {"target": "counter:5"}, WRONG_COUNTER)
    store.entries.revise(lobby, corrected.id, {"outcome": "已办结"}, "补记结果")
    duplicate = store.entries.add_note(lobby, "营业前检查完成")
    store.entries.revise(lobby, duplicate.id, {"text": "营业前检查完成（重复）"}, "标注重复")
    store.entries.void(lobby, duplicate.id, "重复登记")

    exported = {row["id"]: row for row in export_rows(store, reviewer, None, None)}

    written = (untouched, corrected, duplicate)

    marks = [(exported[e.id]["revision"], exported[e.id]["voided"]) for e in written]
    assert marks == [(1, False), (3, False), (2, True)]
    assert (exported[corrected.id]["target"], exported[corrected.id]["outcome"]) == (
        "counter:5",
        "已办结",
    )
    assert exported[duplicate.id]["text"] == "营业前检查完成（重复）"
