"""The shift handover: the note written at sign-out, and its acknowledgement at the next sign-in.

A handover note is written once, with the sign-out of its shift. The first staff member to
acknowledge it is kept on the shift; anyone who reads it after them is recorded in the audit
log only. The database refuses any other change of these columns (migration 0006).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import Session, select

from lobby_tui.data import open_entries
from lobby_tui.data.access import audit, authorize, authorized_branch, validate_fields, writer
from lobby_tui.data.areas.base import Area
from lobby_tui.data.areas.complaint_reads import open_cases
from lobby_tui.data.models import Branch, Draft, OpenEntry, Shift, Staff
from lobby_tui.data.views import Actor, HandoverView, OpenSummary, StoreError
from lobby_tui.domain import validation
from lobby_tui.domain.clock import branch_today, branch_zone, day_bounds
from lobby_tui.domain.masking import mask
from lobby_tui.domain.roles import Permission
from lobby_tui.locale import N_

HANDOVER_OPEN_SHOWN = 8


class ShiftArea(Area):
    """Shifts and their handover notes."""

    def hand_over(self, actor: Actor, note: str) -> bool:
        """Sign the actor's shift out with its handover ``note`` ("" when left empty on
        purpose). True when the note was kept; False when the actor had no open shift of their
        own to keep it on (a session whose shift was already closed): they are signed out all
        the same, and the audit log says so."""
        validate_fields(("note", validation.check_length(note)))
        with self.db.write() as session:
            staff = authorize(session, actor, Permission.WRITE_ENTRY)
            shift = session.get(Shift, actor.shift_id) if actor.shift_id else None
            if shift is None or shift.staff_id != staff.id or shift.signed_out_at is not None:
                audit(session, "sign_out", actor, shift_id=actor.shift_id, handover="no_shift")
                return False
            shift.signed_out_at = self.clock()
            shift.handover_note = note
            session.add(shift)
            # The note is on the shift now: its draft is forgotten in the same transaction.
            session.execute(
                delete(Draft).where(
                    (Draft.staff_id == staff.id) & (Draft.form == validation.HANDOVER_DRAFT)
                )
            )
            audit(session, "sign_out", actor, shift_id=shift.id, handover=len(note))
            return True

    def last_handover(self, actor: Actor) -> HandoverView | None:
        """The branch's latest handover for ``actor`` to read at sign-in: None when there is
        none, when ``actor`` wrote it, or when ``actor`` already acknowledged it."""
        with self.db.read() as session:
            branch = authorized_branch(session, actor, Permission.READ_LOG)
            shift = session.exec(
                select(Shift)
                .where((Shift.branch_id == branch.id) & Shift.handover_note.is_not(None))
                .order_by(Shift.signed_out_at.desc(), Shift.id.desc())
            ).first()
            if shift is None or actor.is_console:
                return None
            if actor.staff_id in (shift.staff_id, shift.acknowledged_by_id):
                return None
            return _handover_view(session, shift)

    def acknowledge(self, actor: Actor, shift_id: int) -> HandoverView:
        """Record that ``actor``, signed in on a shift, read the handover of ``shift_id``. The
        first acknowledgement is kept on the shift, who and when; a later one does not replace
        it and is audited as a read. Its author cannot acknowledge their own note."""
        with self.db.write() as session:
            staff = writer(session, actor)
            shift = session.get(Shift, shift_id)
            if shift is None or shift.branch_id != staff.branch_id or shift.handover_note is None:
                raise StoreError(N_("There is no such handover."))
            if shift.staff_id == staff.id:
                raise StoreError(N_("You wrote this handover."))
            if shift.acknowledged_by_id is None:
                shift.acknowledged_by_id = staff.id
                shift.acknowledged_at = self.clock()
                session.add(shift)
                audit(session, "handover_acknowledged", actor, handover_shift_id=shift.id)
            else:
                audit(session, "handover_read", actor, handover_shift_id=shift.id)
            session.flush()
            return _handover_view(session, shift)

    def reveal_note(self, actor: Actor, shift_id: int) -> str:
        """The handover note of ``shift_id`` unmasked, for a reviewer; audited as a reveal, as
        an entry's value is (``Store.entries.reveal``)."""
        with self.db.write() as session:
            staff = authorize(session, actor, Permission.REVIEW)
            shift = session.get(Shift, shift_id)
            if staff is None or shift is None or shift.branch_id != staff.branch_id:
                raise StoreError(N_("There is no such handover."))
            if shift.handover_note is None:
                raise StoreError(N_("There is no such handover."))
            audit(session, "reveal", actor, shift_id=shift.id, field="handover_note")
            return shift.handover_note

    def still_open(self, actor: Actor) -> OpenSummary:
        """What stays open in the branch, for the handover: counts per kind, overdue
        follow-ups and complaints, the open complaints nearest due and the oldest items (any
        day)."""
        with self.db.read() as session:
            branch = authorized_branch(session, actor, Permission.READ_LOG)
            return open_summary(session, branch, self.clock())


def open_summary(session: Session, branch: Branch, now: datetime) -> OpenSummary:
    """The branch's open items as the handover shows them. Every kind of open item that the
    handover lists is gathered here, in one place: open complaint cases nearest due first,
    then the oldest hand-offs and follow-ups, at most ``HANDOVER_OPEN_SHOWN`` in all."""
    zone = branch_zone(branch.time_zone)
    today = branch_today(zone, now)
    here = OpenEntry.branch_id == branch.id
    counts = dict(
        session.exec(
            select(OpenEntry.kind, func.count()).where(here).group_by(OpenEntry.kind)
        ).all()
    )
    overdue = session.exec(
        select(func.count()).where(
            here & (OpenEntry.kind == "follow_up") & (OpenEntry.since < day_bounds(today, zone)[0])
        )
    ).one()
    cases = open_cases(session, branch, now)
    if cases:
        counts["complaint"] = len(cases)
        overdue += sum(1 for case in cases if case.deadline.overdue(now))
    shown = cases[:HANDOVER_OPEN_SHOWN]
    room = HANDOVER_OPEN_SHOWN - len(shown)
    oldest = open_entries.open_items(session, branch.id, zone, today, room) if room else []
    return OpenSummary(counts=counts, overdue=overdue, oldest=oldest, complaints=shown)


def _handover_view(session: Session, shift: Shift) -> HandoverView:
    author = session.get(Staff, shift.staff_id)
    reader = session.get(Staff, shift.acknowledged_by_id) if shift.acknowledged_by_id else None
    note = shift.handover_note or ""
    shown = mask(note)
    return HandoverView(
        shift_id=shift.id,
        note=shown,
        staff_no=author.staff_no,
        staff_name=author.name,
        written_at=shift.signed_out_at or shift.signed_in_at,
        acknowledged_by_no=reader.staff_no if reader else None,
        acknowledged_by_name=reader.name if reader else None,
        acknowledged_at=shift.acknowledged_at,
        masked=shown != note,
    )
