"""The open-items index (``open_entry``): the hand-offs still pending or accepted and the
follow-ups still open, kept in step with each entry as it is now (data/entries.py) by every
write that can open or close one, and read oldest first for the open items and the handover.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from lobby_tui.data.entries import OPEN_FOLLOW_UP, OPEN_HANDOFF, views_of
from lobby_tui.data.models import Entry, OpenEntry, Staff
from lobby_tui.data.views import EntryView, OpenItem


def sync_open_entry(session: Session, entry: Entry, view: EntryView, *, new: bool = False) -> None:
    """Make the open-items index agree with ``view``, the entry as it is now.

    Called in the transaction of every write that can open or close an item, after the write.
    ``new``: the entry was inserted by this transaction, so it has no row in the index yet
    (its foreign key allows none before it): none is looked for.
    """
    kind, since = None, None
    if not view.voided and view.status in OPEN_HANDOFF:
        kind, since = "handoff", entry.occurred_at
    elif not view.voided and view.status == OPEN_FOLLOW_UP:
        kind, since = "follow_up", view.follow_up_due
    row = None if new else session.get(OpenEntry, entry.id)
    if kind is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = OpenEntry(entry_id=entry.id, branch_id=entry.branch_id, kind=kind, since=since)
    elif (row.kind, row.since) == (kind, since):
        return
    row.kind, row.since = kind, since
    session.add(row)


def open_items(
    session: Session, branch_id: int, zone: ZoneInfo, today: date, limit: int | None = None
) -> list[OpenItem]:
    """The branch's open items, oldest ``since`` first; at most ``limit`` of them."""
    query = (
        select(OpenEntry, Entry, Staff)
        .join(Entry, Entry.id == OpenEntry.entry_id)
        .join(Staff, Staff.id == Entry.staff_id)
        .where(OpenEntry.branch_id == branch_id)
        .order_by(OpenEntry.since, OpenEntry.entry_id)
    )
    if limit is not None:
        query = query.limit(limit)
    rows = session.exec(query).all()
    views = views_of(session, [(entry, author) for _, entry, author in rows])
    return [
        OpenItem(
            kind=item.kind,
            entry=view,
            since=item.since,
            overdue=item.kind == "follow_up" and item.since.astimezone(zone).date() < today,
        )
        for (item, _, _), view in zip(rows, views, strict=True)
    ]
