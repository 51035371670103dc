"""A page of the log (F7) shows each entry exactly as the entry's own history does.

On SQLite a page is read straight through the driver and its views built in one step
(data/raw_rows.py); the entry's history is read through the ORM. Both must give the same view,
field by field and type by type: masked text, aware UTC times, booleans, revisions replayed,
void, hand-off outcomes and what was sold, the follow-up's status.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lobby_tui.data.areas import log as log_area
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, EntryView, LogFilter
from lobby_tui.domain.kinds import Kind

# The *_fixture names are pytest fixtures: pytest finds them here.
from tests.store_fixtures import (  # noqa: F401
    admin_fixture,
    db_path_fixture,
    lobby_fixture,
    reviewer_fixture,
    store_fixture,
)

AT = datetime(2026, 11, 27, 2, 0, 30, 123456, tzinfo=UTC)


def _written(store: Store, lobby: Actor) -> list[EntryView]:
    """One entry of each shape a view can take, oldest first."""
    plain = store.entries.add(lobby, Kind.QUEUE, AT, text="排队 A023")
    phone = store.entries.add(
        lobby, Kind.ENQUIRY, AT + timedelta(seconds=1), text="留电话13918054517待回电"
    )
    follow_up = store.entries.add(
        lobby,
        Kind.ENQUIRY,
        AT + timedelta(seconds=2),
        text="咨询房贷",
        contact="13937566704",
        resolved=False,
        follow_up_due=AT + timedelta(days=1),
    )
    done = store.entries.add(
        lobby, Kind.ENQUIRY, AT + timedelta(seconds=3), follow_up_due=AT + timedelta(days=2)
    )
    store.handoffs.close_follow_up(lobby, done.id)
    sold = store.entries.add(
        lobby, Kind.HANDOFF, AT + timedelta(seconds=4), target="理财经理", referral=True
    )
    store.handoffs.update(lobby, sold.id, "accepted")
    store.handoffs.update(lobby, sold.id, "completed", product_sold=True)
    pending = store.entries.add(lobby, Kind.HANDOFF, AT + timedelta(seconds=5), target="柜台")
    revised = store.entries.add(lobby, Kind.ENQUIRY, AT + timedelta(seconds=6), text="旧的")
    store.entries.revise(
        lobby, revised.id, {"text": "卡号6222021234567890123", "resolved": True}, "错字"
    )
    voided = store.entries.add(lobby, Kind.QUEUE, AT + timedelta(seconds=7), text="作废")
    store.entries.void(lobby, voided.id, "重复")
    return [plain, phone, follow_up, done, sold, pending, revised, voided]


def test_every_view_on_a_page_is_the_entry_as_its_history_shows_it(
    store: Store, lobby: Actor, reviewer: Actor
) -> None:
    written = _written(store, lobby)
    plain, phone, follow_up, done, sold, pending, revised, voided = written

    page = store.log.page(reviewer, LogFilter())

    assert [view.id for view in page.entries] == [entry.id for entry in reversed(written)]
    for view in page.entries:
        expected = store.entries.history(reviewer, view.id).entry
        assert view == expected
        assert [type(value) for value in view] == [type(value) for value in expected]
        assert view.occurred_at.utcoffset() == timedelta(0)
    shown = {view.id: view for view in page.entries}
    assert shown[phone.id].text == "留电话139****4517待回电"
    assert shown[follow_up.id].contact == "139****6704"
    assert shown[follow_up.id].status == "follow_up"
    assert shown[done.id].status == "done"
    assert (shown[sold.id].status, shown[sold.id].product_sold) == ("completed", True)
    assert shown[sold.id].referral is True
    assert shown[pending.id].status == "pending"
    assert shown[revised.id].revision == 2
    assert shown[revised.id].text == "卡号" + "*" * 15 + "0123"
    assert shown[revised.id].resolved is True
    assert shown[voided.id].voided is True
    assert shown[plain.id].occurred_at == AT


def test_an_export_read_a_batch_at_a_time_gives_each_entry_as_its_history_shows_it(
    store: Store, lobby: Actor, reviewer: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `lobby-tui export` reads one statement a batch at a time; batches of three put every
    # shape of entry on either side of a batch's edge.
    monkeypatch.setattr(log_area, "EXPORT_BATCH", 3)
    written = _written(store, lobby)

    exported = [view for view, _branch in store.log.between(reviewer, None, None)]

    assert [view.id for view in exported] == [entry.id for entry in written]
    for view in exported:
        expected = store.entries.history(reviewer, view.id).entry
        assert view == expected
        assert [type(value) for value in view] == [type(value) for value in expected]
    assert exported[1].text == "留电话139****4517待回电"
    assert (exported[4].status, exported[4].product_sold) == ("completed", True)
    assert exported[6].text == "卡号" + "*" * 15 + "0123"
