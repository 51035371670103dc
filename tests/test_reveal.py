"""Reveal: masked personal data (138****5678) is shown in full to a reviewer who asks, one value at
a time, and every reveal is in the audit trail. Lobby staff cannot reveal.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, EntryView, PermissionDenied, StoreError
from lobby_tui.domain.kinds import Kind

# The *_fixture names are pytest fixtures (db_path, store, lobby, admin, reviewer): pytest finds
# them here.
from tests.store_fixtures import (  # noqa: F401
    REVIEWER_NO,
    admin_fixture,
    audit_actions,
    db_path_fixture,
    lobby_fixture,
    reviewer_fixture,
    store_fixture,
)

TEXT = "客户身份证11010519491231002X，咨询房贷提前还款"
OUTCOME = "请客户经理回电 +86 13812345678"
CONTACT = "13900001111"


def call_back(store: Store, lobby: Actor) -> EntryView:
    return store.entries.add(
        lobby,
        Kind.ENQUIRY,
        topic="loans",
        text=TEXT,
        outcome=OUTCOME,
        contact=CONTACT,
        resolved=False,
    )


@pytest.mark.parametrize(
    ("field", "value"), [("text", TEXT), ("outcome", OUTCOME), ("contact", CONTACT)]
)
def test_a_reviewer_reveals_one_value_and_the_reveal_is_audited(
    store: Store, lobby: Actor, reviewer: Actor, db_path: Path, field: str, value: str
) -> None:
    saved = call_back(store, lobby)

    assert store.entries.reveal(reviewer, saved.id, field) == value

    [(who, staff_id, detail)] = audit_actions(db_path, "reveal")
    assert (who, staff_id) == (REVIEWER_NO, reviewer.staff_id)
    assert json.loads(detail) == {"entry_id": saved.id, "field": field}


def test_each_reveal_is_audited_again(
    store: Store, lobby: Actor, reviewer: Actor, db_path: Path
) -> None:
    saved = call_back(store, lobby)

    store.entries.reveal(reviewer, saved.id, "contact")
    store.entries.reveal(reviewer, saved.id, "contact")

    assert len(audit_actions(db_path, "reveal")) == 2


def test_the_reveal_shows_the_corrected_value(store: Store, lobby: Actor, reviewer: Actor) -> None:
    saved = call_back(store, lobby)
    store.entries.revise(lobby, saved.id, {"contact": "13700002222"}, "电话记错一位")

    assert store.entries.reveal(reviewer, saved.id, "contact") == "13700002222"


def test_lobby_staff_cannot_reveal_even_their_own_entry(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    saved = call_back(store, lobby)

    with pytest.raises(PermissionDenied):
        store.entries.reveal(lobby, saved.id, "contact")

    assert audit_actions(db_path, "reveal") == []


def test_the_command_line_cannot_reveal(store: Store, lobby: Actor, db_path: Path) -> None:
    saved = call_back(store, lobby)

    with pytest.raises(PermissionDenied):
        store.entries.reveal(Actor.console(), saved.id, "contact")

    assert audit_actions(db_path, "reveal") == []


def test_only_free_text_and_the_contact_can_be_revealed(
    store: Store, lobby: Actor, reviewer: Actor, db_path: Path
) -> None:
    saved = call_back(store, lobby)

    with pytest.raises(ValueError):
        store.entries.reveal(reviewer, saved.id, "staff_no")
    with pytest.raises(StoreError):
        store.entries.reveal(reviewer, saved.id + 1, "text")

    assert audit_actions(db_path, "reveal") == []


def test_a_correction_made_on_the_masked_text_keeps_the_number_whole(
    store: Store, lobby: Actor, reviewer: Actor
) -> None:
    saved = call_back(store, lobby)
    assert saved.outcome == "请客户经理回电 +86 138****5678"

    revised = store.entries.revise(
        lobby, saved.id, {"outcome": saved.outcome + "，下午"}, "补充回电时间"
    )

    assert revised.outcome == "请客户经理回电 +86 138****5678，下午"
    assert store.entries.reveal(reviewer, saved.id, "outcome") == OUTCOME + "，下午"
    # The history shows the change masked on both sides.
    [revision] = store.entries.history(reviewer, saved.id).revisions
    assert revision.old_values == {"outcome": "请客户经理回电 +86 138****5678"}
