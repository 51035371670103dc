"""Writing and reading duty-log entries, and correcting them by revision or void."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from lobby_tui.data import entries, open_entries
from lobby_tui.data.access import (
    after_change,
    audit,
    authorized_branch,
    check_values,
    entry_of_branch,
    entry_to_change,
    new_entry,
    staff_by_id,
    validate_fields,
    writer,
)
from lobby_tui.data.areas.base import Area
from lobby_tui.data.models import (
    Entry,
    Revision,
    Staff,
)
from lobby_tui.data.views import (
    Actor,
    DeskSnapshot,
    EntryHistory,
    EntryView,
    EventView,
    RevisionView,
    StoreError,
)
from lobby_tui.domain import validation
from lobby_tui.domain.clock import branch_today, branch_zone, day_bounds
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.masking import mask
from lobby_tui.domain.roles import Permission
from lobby_tui.domain.validation import ValidationError
from lobby_tui.locale import N_

DESK_TIMELINE_LIMIT = 500
DESK_OPEN_ITEMS_LIMIT = 20
REVEALABLE = entries.MASKED


class EntryArea(Area):
    """Duty-log entries: written, read for the desk, revised, voided, their history."""

    # -- entries --------------------------------------------------------------------------

    def add_note(self, actor: Actor, text: str) -> EntryView:
        """Write a free-text note as typed."""
        validate_fields(("text", validation.check_note(text)))
        return self.add(actor, Kind.NOTE, text=text)

    def add(
        self,
        actor: Actor,
        kind: Kind,
        occurred_at: datetime | None = None,
        *,
        save_key: str | None = None,
        **values: Any,
    ) -> EntryView:
        """Append one entry of ``kind`` written by ``actor``; ``values`` are the entry's fields
        (any of ``REVISABLE``: ``ticket``, ``business``, ``priority``, ``target``, ``topic``,
        ``text``, ``outcome``, ``contact``, ``resolved``, ``referral``, ``follow_up_due``).

        A hand-off opens a pending open item; an enquiry with ``follow_up_due`` and not
        ``resolved`` an open follow-up.

        With ``save_key`` (a form's save, sent again from the pending-saves queue), the entry
        already written under that key is returned instead of a second one.
        """
        check_values(values)
        with self.db.write() as session:
            staff = writer(session, actor)
            if (found := entries.saved_under(session, save_key)) is not None:
                return entries.entry_view(found, staff, [], [])
            now = self.clock()
            _entry, view = new_entry(
                session,
                actor,
                staff,
                Kind(kind),
                occurred_at or now,
                now,
                save_key=save_key,
                **values,
            )
            return view

    def desk(self, actor: Actor, day: date | None = None) -> DeskSnapshot:
        """Today's timeline (newest first) and counts per kind, voided entries not counted, and
        the branch's oldest open items of any day."""
        with self.db.read() as session:
            branch = authorized_branch(session, actor, Permission.READ_LOG)
            zone = branch_zone(branch.time_zone)
            today = branch_today(zone)
            start, end = day_bounds(day or today, zone)
            in_day = (
                (Entry.branch_id == branch.id)
                & (Entry.occurred_at >= start)
                & (Entry.occurred_at < end)
            )
            rows = session.exec(
                select(Entry, Staff)
                .join(Staff, Staff.id == Entry.staff_id)
                .where(in_day)
                .order_by(Entry.occurred_at.desc(), Entry.id.desc())
                .limit(DESK_TIMELINE_LIMIT)
            ).all()
            voided = select(Revision.entry_id).where(Revision.action == "void")
            counts = dict(
                session.exec(
                    select(Entry.kind, func.count())
                    .where(in_day & Entry.id.not_in(voided))
                    .group_by(Entry.kind)
                ).all()
            )
            return DeskSnapshot(
                entries=entries.views_of(session, list(rows)),
                counts=counts,
                total_today=sum(counts.values()),
                open_items=open_entries.open_items(
                    session, branch.id, zone, today, DESK_OPEN_ITEMS_LIMIT
                ),
            )

    # -- revisions and voids --------------------------------------------------------------

    def revise(
        self, actor: Actor, entry_id: int, changes: dict[str, Any], reason: str
    ) -> EntryView:
        """Correct an entry: store the changed fields' old and new values with the reason.

        The entry row is never touched; the revision is read over it from then on. Only fields
        of ``REVISABLE`` may change (ValueError otherwise). Fields given with their current
        value are left out of the revision; if none is left, ``ValidationError("changes")``.
        Allowed to the entry's author during the same, still open, shift, and to reviewers.

        Free text is edited on its masked view: a masked number left in it is the clear one
        again (``entries.unmasked_values``), so a correction never loses the customer's number.
        """
        check_values(changes)
        validate_fields(("reason", validation.check_reason(reason)))
        with self.db.write() as session:
            staff = writer(session, actor)
            entry = entry_to_change(session, staff, entry_id, revising_as=actor)
            revisions = entries.revisions_of(session, [entry.id]).get(entry.id, [])
            current, voided = entries.latest_values(entry, revisions)
            if voided:
                raise StoreError(N_("This entry is void and can no longer be changed."))
            changes = entries.unmasked_values(changes, current)
            changed = {name: value for name, value in changes.items() if current[name] != value}
            if not changed:
                raise ValidationError("changes", N_("Nothing was changed."))
            session.add(
                _next_revision(
                    revisions,
                    entry_id=entry.id,
                    action="revise",
                    reason=reason,
                    old_values=entries.to_json({name: current[name] for name in changed}),
                    new_values=entries.to_json(changed),
                    staff_id=staff.id,
                )
            )
            audit(session, "revise", actor, entry_id=entry.id, fields=sorted(changed))
            return after_change(session, entry)

    def void(self, actor: Actor, entry_id: int, reason: str) -> EntryView:
        """Void an entry, with the reason: it stays in the log, marked void, out of the counts
        and the open items. Allowed to the same people as ``revise_entry``."""
        validate_fields(("reason", validation.check_reason(reason)))
        with self.db.write() as session:
            staff = writer(session, actor)
            entry = entry_to_change(session, staff, entry_id, revising_as=actor)
            revisions = entries.revisions_of(session, [entry.id]).get(entry.id, [])
            if any(revision.action == "void" for revision in revisions):
                raise StoreError(N_("This entry is void and can no longer be changed."))
            session.add(
                _next_revision(
                    revisions,
                    entry_id=entry.id,
                    action="void",
                    reason=reason,
                    staff_id=staff.id,
                )
            )
            audit(session, "void", actor, entry_id=entry.id)
            return after_change(session, entry)

    def history(self, actor: Actor, entry_id: int) -> EntryHistory:
        """An entry now, as first written, and its revisions and events, oldest first."""
        with self.db.read() as session:
            branch = authorized_branch(session, actor, Permission.READ_LOG)
            entry = entry_of_branch(session, branch.id, entry_id)
            revisions = entries.revisions_of(session, [entry.id]).get(entry.id, [])
            events = entries.events_of(session, [entry.id]).get(entry.id, [])
            who = staff_by_id(
                session,
                {entry.staff_id, *(r.staff_id for r in revisions), *(e.staff_id for e in events)},
            )
            latest, _voided = entries.latest_values(entry, revisions)
            return EntryHistory(
                entry=entries.views_of(session, [(entry, who[entry.staff_id])])[0],
                original=entries.masked_values(entries.original_values(entry)),
                revisions=[
                    RevisionView(
                        number=r.number,
                        action=r.action,
                        reason=mask(r.reason),
                        old_values=entries.masked_values(entries.from_json(r.old_values)),
                        new_values=entries.masked_values(entries.from_json(r.new_values)),
                        staff_no=who[r.staff_id].staff_no,
                        staff_name=who[r.staff_id].name,
                        at=r.created_at,
                    )
                    for r in revisions
                ],
                events=[
                    EventView(
                        event=e.event,
                        product_sold=e.product_sold,
                        note=mask(e.note),
                        staff_no=who[e.staff_id].staff_no,
                        staff_name=who[e.staff_id].name,
                        at=e.at,
                    )
                    for e in events
                ],
                masked=tuple(name for name in REVEALABLE if mask(latest[name]) != latest[name]),
            )

    def reveal(self, actor: Actor, entry_id: int, field: str) -> str | None:
        """The latest unmasked value of ``field`` (``text``, ``outcome`` or ``contact``) of an
        entry, for a reviewer: the one way a clear value leaves the database. The reveal is an
        audit event, committed though nothing changes."""
        if field not in REVEALABLE:
            raise ValueError(f"not a revealable field: {field!r}")
        with self.db.write() as session:
            branch = authorized_branch(session, actor, Permission.REVIEW)
            entry = entry_of_branch(session, branch.id, entry_id)
            revisions = entries.revisions_of(session, [entry.id]).get(entry.id, [])
            values, _voided = entries.latest_values(entry, revisions)
            audit(session, "reveal", actor, entry_id=entry.id, field=field)
            return values[field]


def _next_revision(revisions: list[Revision], **values: Any) -> Revision:
    """The entry's next revision: numbered after its last (the entry as written is 1)."""
    return Revision(number=max((r.number for r in revisions), default=1) + 1, **values)
