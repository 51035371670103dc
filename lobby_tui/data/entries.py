"""An entry as it is now, put together from its row as first written, its revisions and its
events (the open-items index derived from that: data/open_entries.py).

The entry row is never changed: a revision stores the changed fields as JSON, and reading an
entry replays its revisions over the row. Times in that JSON are ISO 8601 strings in UTC.

Views hold the free text masked (``MASKED``, domain/masking.py): the clear value leaves the
database only through the audited reveal (``Store.entries.reveal``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam
from sqlmodel import Session, select

from lobby_tui.data import raw_rows
from lobby_tui.data.models import ComplaintCase, Entry, EntryEvent, Revision, Staff
from lobby_tui.data.views import EntryView
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.masking import mask, may_hold_number, unmasked
from lobby_tui.domain.validation import HANDOFF_EVENTS

# Fields a revision may change; the entry row itself keeps what was first written.
REVISABLE = (
    "ticket",
    "business",
    "priority",
    "target",
    "topic",
    "text",
    "outcome",
    "contact",
    "resolved",
    "referral",
    "follow_up_due",
)
# The fields that may hold a customer's number: masked in every view, revealed one at a time.
MASKED = ("text", "outcome", "contact")
BOOLEANS = frozenset({"resolved", "referral"})
DATETIMES = frozenset({"follow_up_due"})
FOLLOW_UP_DONE = "follow_up_done"
# Statuses (EntryView.status) that make an entry an open item.
OPEN_HANDOFF = frozenset({"pending", "accepted"})
OPEN_FOLLOW_UP = "follow_up"


def to_json(values: dict[str, Any]) -> str:
    """Entry values as stored in a revision: datetimes as ISO 8601 in UTC."""
    return json.dumps(
        {
            name: value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value
            for name, value in values.items()
        },
        ensure_ascii=False,
    )


def from_json(text: str, times: frozenset[str] = DATETIMES) -> dict[str, Any]:
    """Entry values read back from a revision (or the values named ``times`` of other JSON
    written by ``to_json``), datetimes aware again."""
    values = json.loads(text)
    for name in times & values.keys():
        if values[name] is not None:
            values[name] = datetime.fromisoformat(values[name]).astimezone(UTC)
    return values


def original_values(entry: Entry) -> dict[str, Any]:
    """The revisable fields as the entry was first written."""
    return {name: getattr(entry, name) for name in REVISABLE}


def masked_values(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` (revisable fields by name) with the ``MASKED`` ones masked."""
    return {name: mask(v) if name in MASKED else v for name, v in values.items()}


def unmasked_values(changes: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """``changes`` to the ``MASKED`` fields, made on their masked views, with the numbers they
    kept masked put back as they stand in ``current`` (domain/masking.py ``unmasked``)."""
    return {
        name: unmasked(v, current[name]) if name in MASKED and isinstance(v, str) else v
        for name, v in changes.items()
    }


def latest_values(entry: Entry, revisions: Iterable[Revision]) -> tuple[dict[str, Any], bool]:
    """The revisable fields after every revision (in number order), and whether it is void."""
    values = original_values(entry)
    voided = False
    for revision in revisions:
        if revision.action == "void":
            voided = True
        else:
            values.update((k, v) for k, v in from_json(revision.new_values).items() if k in values)
    return values, voided


def status_of(
    kind: str, follow_up_due: datetime | None, resolved: bool | None, events: Iterable[Any]
) -> str | None:
    """What is left to do with an entry (see ``EntryView.status``), from its latest values."""
    if kind == Kind.HANDOFF:
        steps = [event.event for event in events if event.event in HANDOFF_EVENTS]
        return steps[-1] if steps else "pending"
    if has_follow_up(kind, follow_up_due, resolved):
        done = any(event.event == FOLLOW_UP_DONE for event in events)
        return "done" if done else OPEN_FOLLOW_UP
    return None


def has_follow_up(kind: str, follow_up_due: datetime | None, resolved: bool | None) -> bool:
    """True for an enquiry whose latest values still ask for a follow-up."""
    return kind == Kind.ENQUIRY and follow_up_due is not None and not resolved


def has_steps(kind: str, follow_up_due: datetime | None, resolved: bool | None) -> bool:
    """True when an entry's events can change its view: a hand-off's outcomes, an open
    follow-up's being done. Events are only ever recorded for those; a page reads no others'."""
    return kind == Kind.HANDOFF or has_follow_up(kind, follow_up_due, resolved)


def entry_view(
    entry: Entry,
    author: Staff,
    revisions: list[Revision],
    events: list[EntryEvent],
    complaint_no: str | None = None,
) -> EntryView:
    """The entry in its latest revision; ``revisions`` in number order, ``events`` in id order;
    ``complaint_no`` the number of the case it belongs to, if any."""
    row = [getattr(entry, name) for name in ROW_COLUMNS[:STAFF_AT]]
    row += [author.staff_no, author.name, *(getattr(entry, name) for name in REVISABLE)]
    return view_of_row(row, revisions, events, complaint_no)


# A row as ``view_of_row`` reads it: the entry's columns, its author's number and name, then the
# revisable fields as first written. Also the order of ``EntryView``'s first fields.
ROW_COLUMNS = (
    "id",
    "kind",
    "occurred_at",
    "recorded_at",
    "shift_id",
    "staff_id",
    "complaint_id",
    "staff_no",
    "staff_name",
    *REVISABLE,
)
STAFF_AT = ROW_COLUMNS.index("staff_no")
_KIND = ROW_COLUMNS.index("kind")
_RESOLVED = ROW_COLUMNS.index("resolved")
_DUE = ROW_COLUMNS.index("follow_up_due")
_REVISABLE_AT = {name: ROW_COLUMNS.index(name) for name in REVISABLE}
_MASKED_AT = tuple(ROW_COLUMNS.index(name) for name in MASKED)
_MASKED_FROM, _MASKED_TO = _MASKED_AT[0], _MASKED_AT[-1] + 1
assert tuple(range(_MASKED_FROM, _MASKED_TO)) == _MASKED_AT, "the masked fields are side by side"
# A view from a tuple of its fields, as NamedTuple._make does, without the length check.
_new_view = tuple.__new__
_FIELDS = len(ROW_COLUMNS)


def view_of_row(
    row: Sequence[Any],
    revisions: list[Any],
    events: list[Any],
    complaint_no: str | None = None,
) -> EntryView:
    """``entry_view`` of a plain row, its values in the order of ``ROW_COLUMNS`` (any more
    after them are ignored). ``revisions`` and ``events`` as for ``entry_view``, or rows with
    the same names. The ``MASKED`` fields come out masked."""
    if not revisions and not events:
        # Most of a page: nothing to replay, the status is the kind's own (see status_of).
        kind = row[_KIND]
        if kind == Kind.HANDOFF:
            status = "pending"
        elif has_follow_up(kind, row[_DUE], row[_RESOLVED]):
            status = OPEN_FOLLOW_UP
        else:
            status = None
        text, outcome, contact = row[_MASKED_FROM:_MASKED_TO]
        if text and may_hold_number(text):
            text = mask(text)
        if outcome and may_hold_number(outcome):
            outcome = mask(outcome)
        if contact and may_hold_number(contact):
            contact = mask(contact)
        return _new_view(
            EntryView,
            (
                *row[:_MASKED_FROM],
                text,
                outcome,
                contact,
                *row[_MASKED_TO:_FIELDS],
                1,
                False,
                status,
                None,
                complaint_no,
            ),
        )
    number, voided = 1, False
    row = list(row)
    if revisions:
        for revision in revisions:
            if revision.action == "void":
                voided = True
                continue
            number += revision.action == "revise"
            for name, value in from_json(revision.new_values).items():
                if name in _REVISABLE_AT:
                    row[_REVISABLE_AT[name]] = value
    for at in _MASKED_AT:
        row[at] = mask(row[at])
    sold = None
    if events:  # most entries have none: no generator for them (an export reads millions)
        sold = next((e.product_sold for e in reversed(events) if e.product_sold is not None), None)
    status = status_of(row[_KIND], row[_DUE], row[_RESOLVED], events)
    return EntryView(*row[:_FIELDS], number, voided, status, sold, complaint_no)


def revisions_of(session: Session, entry_ids: list[int]) -> dict[int, list[Revision]]:
    """The revisions of each entry, in number order."""
    found: dict[int, list[Revision]] = {}
    if entry_ids:
        rows = session.exec(
            select(Revision).where(Revision.entry_id.in_(entry_ids)).order_by(Revision.number)
        )
        for revision in rows:
            found.setdefault(revision.entry_id, []).append(revision)
    return found


def events_of(session: Session, entry_ids: list[int]) -> dict[int, list[EntryEvent]]:
    """The events of each entry, oldest first."""
    found: dict[int, list[EntryEvent]] = {}
    if entry_ids:
        rows = session.exec(
            select(EntryEvent).where(EntryEvent.entry_id.in_(entry_ids)).order_by(EntryEvent.id)
        )
        for event in rows:
            found.setdefault(event.entry_id, []).append(event)
    return found


def views_of(session: Session, rows: list[tuple[Entry, Staff]]) -> list[EntryView]:
    """Views of ``(entry, author)`` rows, in their order, with two queries for all of them."""
    ids = [entry.id for entry, _ in rows]
    revisions = revisions_of(session, ids)
    events = events_of(session, ids)
    numbers = complaint_numbers(
        session.connection(), {e.complaint_id for e, _ in rows if e.complaint_id}
    )
    return [
        entry_view(
            entry,
            author,
            revisions.get(entry.id, []),
            events.get(entry.id, []),
            numbers.get(entry.complaint_id),
        )
        for entry, author in rows
    ]


def steps_of(
    connection: Connection, revised_ids: list[int], event_ids: list[int]
) -> tuple[dict[int, list[Any]], dict[int, list[Any]]]:
    """The revisions of ``revised_ids`` and the events of ``event_ids``, as plain rows with
    what ``view_of_row`` reads of them: for a read of many entries that only shows them. No
    query for revisions when ``revised_ids`` is empty.
    """
    revisions: dict[int, list[Any]] = {}
    events: dict[int, list[Any]] = {}
    if connection.dialect.name == "sqlite":  # straight through the driver
        return raw_rows.steps(connection, revised_ids, event_ids)
    if revised_ids:
        for row in connection.execute(_REVISION_STEPS, {"ids": revised_ids}):
            revisions.setdefault(row.entry_id, []).append(row)
    if event_ids:
        for row in connection.execute(_EVENT_STEPS, {"ids": event_ids}):
            events.setdefault(row.entry_id, []).append(row)
    return revisions, events


# Built once: SQLAlchemy then reuses their compiled form without rebuilding or re-keying them.
_REVISION_STEPS = (
    select(Revision.entry_id, Revision.action, Revision.new_values)
    .where(Revision.entry_id.in_(bindparam("ids", expanding=True)))
    .order_by(Revision.entry_id, Revision.number)
)
_EVENT_STEPS = (
    select(EntryEvent.entry_id, EntryEvent.event, EntryEvent.product_sold)
    .where(EntryEvent.entry_id.in_(bindparam("ids", expanding=True)))
    .order_by(EntryEvent.id)
)


def complaint_numbers(connection: Connection, case_ids: set[int]) -> dict[int, str]:
    """The number of each complaint case; no query when there are none."""
    if not case_ids:
        return {}
    query = select(ComplaintCase.id, ComplaintCase.number).where(ComplaintCase.id.in_(case_ids))
    return dict(connection.execute(query).all())


def current_view(session: Session, entry: Entry) -> EntryView:
    """One entry as it is now, read inside ``session``."""
    [view] = views_of(session, [(entry, session.get(Staff, entry.staff_id))])
    return view


def saved_under(session: Session, save_key: str | None) -> Entry | None:
    """The entry that a form's save with ``save_key`` already wrote, if it did.

    Asked at every save and almost always none: looked up by a statement built once, through
    the driver (``raw_rows``), and the entry read only when there is one."""
    if save_key is None:
        return None
    found = raw_rows.first(session.connection(), _SAVED_UNDER, {"save_key": save_key})
    return None if found is None else session.get(Entry, found[0])


_SAVED_UNDER = select(Entry.id).where(Entry.save_key == bindparam("save_key"))
