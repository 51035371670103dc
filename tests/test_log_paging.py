"""The log browser's pages (F7): a reviewer walks the whole log by keyset, page by page, both ways,
and every entry is seen exactly once, even when a rush of entries shares one second."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from lobby_tui.data import entries
from lobby_tui.data.log_pages import _PAGE_ROWS, key_of
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, EntryView, LogFilter, LogPage, PermissionDenied
from lobby_tui.domain.kinds import Kind

# The *_fixture names are pytest fixtures (db_path, store, lobby, admin, reviewer): pytest finds
# them here.
from tests.store_fixtures import (  # noqa: F401
    REVIEWER_NO,
    REVIEWER_PIN,
    admin_fixture,
    audit_actions,
    db_path_fixture,
    lobby_fixture,
    reviewer_fixture,
    rows,
    store_fixture,
)

RUSH = datetime(2026, 11, 27, 2, 0, 30, tzinfo=UTC)  # 10:00:30 in Shanghai


def rush_of(store: Store, actor: Actor, seconds: list[int]) -> list[int]:
    """Entries at RUSH + each of ``seconds``; their ids in the log's order, newest first."""
    written = [
        store.entries.add(actor, Kind.QUEUE, RUSH + timedelta(seconds=s), text=f"排队 {n}")
        for n, s in enumerate(seconds)
    ]
    ordered = sorted(written, key=lambda entry: (entry.occurred_at, entry.id), reverse=True)
    return [entry.id for entry in ordered]


def ids(page: LogPage) -> list[int]:
    return [entry.id for entry in page.entries]


def test_a_rush_sharing_one_second_pages_down_and_back_up_without_loss_or_repeat(
    store: Store, lobby: Actor
) -> None:
    # 23 entries, most in the same second, written out of order: the pages cut through ties.
    expected = rush_of(store, lobby, [0] * 9 + [1] * 7 + [0] * 4 + [-5, 2, 2])
    everything = LogFilter()

    pages = [store.log.page(lobby, everything, size=5)]
    while pages[-1].older:
        pages.append(
            store.log.page(lobby, everything, before=key_of(pages[-1].entries[-1]), size=5)
        )
    back = [pages[-1]]
    while back[-1].newer:
        back.append(store.log.page(lobby, everything, after=key_of(back[-1].entries[0]), size=5))

    assert [i for page in pages for i in ids(page)] == expected
    assert [len(page.entries) for page in pages] == [5, 5, 5, 5, 3]
    assert [i for page in reversed(back) for i in ids(page)] == expected
    assert pages[0].newer is False and back[-1].newer is False


def test_the_oldest_page_ends_on_the_first_entry_ever_written(store: Store, lobby: Actor) -> None:
    expected = rush_of(store, lobby, [3] * 12)

    oldest = store.log.page(lobby, LogFilter(), oldest=True, size=5)
    newer = store.log.page(lobby, LogFilter(), after=key_of(oldest.entries[0]), size=5)

    assert ids(oldest) == expected[-5:]
    assert (oldest.older, oldest.newer) == (False, True)
    assert ids(newer) == expected[-10:-5]


def test_filters_narrow_the_pages_and_keep_their_order(
    store: Store, lobby: Actor, reviewer: Actor
) -> None:
    day = RUSH
    elderly = store.entries.add(
        lobby, Kind.QUEUE, day, business="deposit", priority="elderly", text="存款"
    )
    enquiry = store.entries.add(
        lobby, Kind.ENQUIRY, day, business="forex", topic="forex", text="汇率"
    )
    earlier = store.entries.add(reviewer, Kind.NOTE, day - timedelta(days=2), text="前天的记录")
    fixed = store.entries.add(lobby, Kind.QUEUE, day, business="deposit", text="取款")
    store.entries.revise(reviewer, fixed.id, {"business": "withdrawal"}, "业务类型记错")
    voided = store.entries.add(lobby, Kind.NOTE, day, text="写错了")
    store.entries.void(reviewer, voided.id, "重复")

    def shown(**fields) -> list[int]:
        return ids(store.log.page(reviewer, LogFilter(**fields)))

    assert shown(kind="enquiry") == [enquiry.id]
    assert shown(business="withdrawal") == [fixed.id]
    assert shown(business="deposit") == [elderly.id]
    assert shown(priority="elderly") == [elderly.id]
    assert shown(staff_no=REVIEWER_NO) == [earlier.id]
    assert shown(staff_no="4040") == []
    assert shown(marker="revised") == [fixed.id]
    assert shown(marker="void") == [voided.id]
    assert shown(first_day=date(2026, 11, 27), last_day=date(2026, 11, 27)) == [
        voided.id,
        fixed.id,
        enquiry.id,
        elderly.id,
    ]
    assert shown(last_day=date(2026, 11, 26)) == [earlier.id]
    assert shown(kind="queue", business="withdrawal", marker="revised") == [fixed.id]


def test_rows_come_back_in_their_latest_revision(store: Store, lobby: Actor, reviewer: Actor):
    entry = store.entries.add(lobby, Kind.QUEUE, RUSH, ticket="A023", text="客户存款")
    store.entries.revise(reviewer, entry.id, {"ticket": "A024"}, "票号写错")

    [shown] = store.log.page(reviewer, LogFilter()).entries

    assert (shown.ticket, shown.revision, shown.voided) == ("A024", 2, False)


def test_a_page_shows_each_entry_as_its_history_does_after_another_terminal_changes_it(
    store: Store, lobby: Actor, reviewer: Actor, db_path: Path
) -> None:
    # The page builds its rows its own way (plain rows; revisions read only for the entries that
    # entry_current marks): each must equal the entry as its own history reads it, and a change
    # made at another terminal must be on the next page read here.
    fixed = store.entries.add(lobby, Kind.QUEUE, RUSH, ticket="A023", business="deposit")
    voided = store.entries.add(lobby, Kind.NOTE, RUSH + timedelta(seconds=1), text="叫号机断网")
    handoff = store.entries.add(lobby, Kind.HANDOFF, RUSH + timedelta(seconds=2), target="理财经理")
    due = RUSH + timedelta(days=1)
    enquiry = store.entries.add(
        lobby, Kind.ENQUIRY, RUSH + timedelta(seconds=3), topic="rates", follow_up_due=due
    )
    plain = store.entries.add(lobby, Kind.CHECK, RUSH + timedelta(seconds=4), text="ATM 正常")
    called = store.entries.add(
        lobby, Kind.ENQUIRY, RUSH + timedelta(seconds=5), topic="rates", follow_up_due=due
    )
    # Asked for a call back only in a revision: its events are read because it is revised.
    late = store.entries.add(lobby, Kind.ENQUIRY, RUSH + timedelta(seconds=6), topic="rates")
    store.log.page(reviewer, LogFilter())

    other = Store.open(str(db_path))
    try:
        there = other.staff.sign_in(REVIEWER_NO, REVIEWER_PIN)
        other.entries.revise(there, fixed.id, {"ticket": "A024"}, "票号写错")
        other.entries.revise(there, fixed.id, {"business": "forex"}, "业务类型写错")
        other.entries.void(there, voided.id, "重复登记")
        other.handoffs.update(there, handoff.id, "accepted")
        other.handoffs.update(there, handoff.id, "completed", product_sold=True)
        other.handoffs.close_follow_up(there, called.id)
        other.entries.revise(there, late.id, {"follow_up_due": due}, "客户要求回电")
        other.handoffs.close_follow_up(there, late.id)
    finally:
        other.close()
    page = store.log.page(reviewer, LogFilter())

    assert ids(page) == [late.id, called.id, plain.id, enquiry.id, handoff.id, voided.id, fixed.id]
    for shown in page.entries:
        assert shown == store.entries.history(reviewer, shown.id).entry
    by_id = {entry.id: entry for entry in page.entries}
    assert (by_id[fixed.id].ticket, by_id[fixed.id].business) == ("A024", "forex")
    assert (by_id[fixed.id].revision, by_id[voided.id].voided) == (3, True)
    assert (by_id[handoff.id].status, by_id[handoff.id].product_sold) == ("completed", True)
    assert (by_id[enquiry.id].status, by_id[enquiry.id].follow_up_due) == ("follow_up", due)
    assert (by_id[called.id].status, by_id[late.id].status) == ("done", "done")
    assert by_id[plain.id].occurred_at.tzinfo is UTC


def test_reading_the_log_needs_a_staff_member_still_active(store: Store, lobby: Actor, admin):
    store.staff.disable(admin, lobby.staff_no)

    with pytest.raises(PermissionDenied):
        store.log.page(lobby, LogFilter())


def test_an_export_of_the_filter_is_audited_and_refused_to_lobby_staff(
    store: Store, lobby: Actor, reviewer: Actor, db_path: Path
) -> None:
    rush_of(store, lobby, [0, 0, 1])
    store.entries.add(lobby, Kind.NOTE, RUSH, text="叫号机断网")

    with pytest.raises(PermissionDenied):
        store.log.entries(lobby, LogFilter(kind="queue"))
    exported = list(store.log.entries(reviewer, LogFilter(kind="queue")))

    assert [entry.text for entry in exported] == ["排队 0", "排队 1", "排队 2"]
    [(actor, _staff_id, detail)] = audit_actions(db_path, "export")
    assert actor == REVIEWER_NO and '"kind": "queue"' in detail and '"source": "log"' in detail


@pytest.mark.sqlite_only  # reads SQLite's own query plan
def test_the_log_browsers_queries_walk_an_index_never_the_whole_table(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    rush_of(store, lobby, [0, 1])
    plans = {
        "order": "ix_entry_current_order",
        "kind": "ix_entry_current_kind",
        "staff_id": "ix_entry_current_staff",
        "voided": "ix_entry_current_voided",
        "revised": "ix_entry_current_revised",
    }
    for column, index in plans.items():
        where = "" if column == "order" else f"AND {column} = 1 "
        plan = rows(
            db_path,
            "EXPLAIN QUERY PLAN SELECT entry_id FROM entry_current WHERE branch_id = 1 "
            f"{where}AND (occurred_at, entry_id) < ('2030-01-01', 0) "
            "ORDER BY occurred_at DESC, entry_id DESC LIMIT 100",
        )
        details = " ".join(str(row[-1]) for row in plan)
        assert index in details and "TEMP B-TREE" not in details, (column, details)


def test_a_pages_columns_come_in_the_order_its_views_are_built_in() -> None:
    # view_of_row builds an EntryView from a row by position: a column moved in one of the three
    # places would put a value in the wrong field (staff_id as shift_id), typed alike.
    count = len(entries.ROW_COLUMNS)

    assert EntryView._fields[:count] == entries.ROW_COLUMNS
    assert tuple(_PAGE_ROWS.selected_columns.keys())[:count] == entries.ROW_COLUMNS
