"""The day summary (F8, ``lobby-tui report``) and the reviewers' sign-off of a day.

The day's entries are counted in ``day_counts``; what else the summary says (follow-ups due,
complaints, checklists, sign-offs) is one small query each: the complaints and checklists
as their own modules read them for the desk and the case list.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import union
from sqlmodel import Session, select

from lobby_tui.data import chain, entries
from lobby_tui.data.access import audit, authorize, authorized_branch
from lobby_tui.data.areas.base import Area
from lobby_tui.data.areas.checklists import checklist_day
from lobby_tui.data.areas.complaint_reads import complaint_day
from lobby_tui.data.day_counts import count_day
from lobby_tui.data.models import Branch, Entry, Review, Revision, Staff
from lobby_tui.data.views import Actor, StoreError
from lobby_tui.domain.clock import branch_today, branch_zone, day_bounds
from lobby_tui.domain.day_summary import (
    ComplaintTally,
    DaySummary,
    FollowUpTally,
    LateChange,
    SignOff,
)
from lobby_tui.domain.masking import mask
from lobby_tui.domain.roles import Permission
from lobby_tui.domain.validation import COMMENT_MAX_LENGTH, ValidationError
from lobby_tui.locale import N_


class SummaryArea(Area):
    """A day's summary, and the reviewers' sign-off of it."""

    def day(self, actor: Actor, day: date) -> DaySummary:
        """The summary of ``day`` (a branch day) with its sign-offs and the entries changed
        since the last one. Anyone who may read the log may read it."""
        with self.db.read() as session:
            branch = authorized_branch(session, actor, Permission.READ_LOG)
            return summarize(session, branch, day)

    def sign_off(self, actor: Actor, day: date, comment: str = "") -> SignOff:
        """Sign ``day`` off as a reviewer, with a comment (may be empty). Only reviewers (and
        admins) may; a day not yet begun cannot be signed. Signing again adds a sign-off."""
        if len(comment) > COMMENT_MAX_LENGTH:
            raise ValidationError("comment", N_("The comment is longer than 2,000 characters."))
        with self.db.write() as session:
            staff = authorize(session, actor, Permission.REVIEW)
            branch = session.get(Branch, staff.branch_id)
            if day > branch_today(branch_zone(branch.time_zone)):
                raise StoreError(N_("A day that has not begun cannot be signed off."))
            # The seal: the chain as it stood when the day was signed, checked by ``verify``.
            sealed_seq, sealed_hash = chain.head(session.connection(), branch.id) or (None, None)
            review = Review(
                branch_id=branch.id,
                day=day,
                reviewer_id=staff.id,
                comment=comment,
                sealed_seq=sealed_seq,
                sealed_hash=sealed_hash,
            )
            session.add(review)
            session.flush()
            audit(session, "sign_off", actor, day=day.isoformat(), review_id=review.id)
            return SignOff(staff.staff_no, staff.name, mask(review.comment), review.at)


def summarize(session: Session, branch: Branch, day: date) -> DaySummary:
    """The summary of ``day`` at ``branch``, read inside ``session``."""
    zone = branch_zone(branch.time_zone)
    start, end = day_bounds(day, zone)
    counts = count_day(session, branch.id, day, zone)
    sign_offs = sign_offs_of(session, branch.id, day)
    return DaySummary(
        branch_code=branch.code,
        branch_name=branch.name,
        time_zone=branch.time_zone,
        day=day,
        total=counts.kinds.total(),
        voided=counts.voided,
        by_kind=dict(counts.kinds),
        by_business=dict(counts.business),
        by_priority=dict(counts.priority),
        by_hour=counts.by_hour,
        handoffs=counts.handoffs,
        referrals=counts.referrals,
        referrals_sold=counts.referrals_sold,
        follow_ups=follow_ups_due(session, branch.id, start, end),
        complaints=complaint_counts(session, branch, day),
        checklists=tuple(checklist_day(session, branch, day)),
        sign_offs=sign_offs,
        changed_after_sign_off=changed_since(session, branch.id, start, end, sign_offs),
    )


def follow_ups_due(
    session: Session, branch_id: int, start: datetime, end: datetime
) -> FollowUpTally:
    """Follow-ups due between ``start`` and ``end``, of enquiries written on any day, not
    voided, with the due date of their latest revision; and how many of them are done."""
    # Two sets, each found by an index: due that day as written, or with a revised due date.
    due_as_written = select(Entry.id).where(
        (Entry.branch_id == branch_id)
        & (Entry.follow_up_due >= start)
        & (Entry.follow_up_due < end)
    )
    revised_due = select(Revision.entry_id).where(
        (Revision.action == "revise") & Revision.new_values.contains('"follow_up_due"')
    )
    rows = session.exec(
        select(Entry, Staff)
        .join(Staff, Staff.id == Entry.staff_id)
        .where(Entry.id.in_(union(due_as_written, revised_due)))
    ).all()
    # The branch is checked here: in SQL it would lead the database to scan the branch's entries.
    rows = [(entry, author) for entry, author in rows if entry.branch_id == branch_id]
    due = [
        view
        for view in entries.views_of(session, list(rows))
        if not view.voided
        and view.status in (entries.OPEN_FOLLOW_UP, "done")
        and start <= view.follow_up_due < end
    ]
    return FollowUpTally(due=len(due), done=sum(1 for view in due if view.status == "done"))


# -- complaint cases and checklists, as their own queries read them --------------------------


def complaint_counts(session: Session, branch: Branch, day: date) -> ComplaintTally:
    """Complaint cases received on the day, closed or withdrawn on it, and open past their due
    day at its end."""
    cases = complaint_day(session, branch, day)
    return ComplaintTally(
        opened=len(cases.opened), closed=len(cases.closed), overdue=len(cases.overdue)
    )


# -- sign-offs ------------------------------------------------------------------------------


def sign_offs_of(session: Session, branch_id: int, day: date) -> tuple[SignOff, ...]:
    """The sign-offs of ``day``, oldest first."""
    rows = session.exec(
        select(Review, Staff)
        .join(Staff, Staff.id == Review.reviewer_id)
        .where((Review.branch_id == branch_id) & (Review.day == day))
        .order_by(Review.at, Review.id)
    ).all()
    return tuple(
        SignOff(staff.staff_no, staff.name, mask(review.comment), review.at)
        for review, staff in rows
    )


def changed_since(
    session: Session,
    branch_id: int,
    start: datetime,
    end: datetime,
    sign_offs: tuple[SignOff, ...],
) -> tuple[LateChange, ...]:
    """Revisions and voids of the day's entries made after the last sign-off, oldest first."""
    if not sign_offs:
        return ()
    rows = session.exec(
        select(Revision, Staff.staff_no)
        .join(Entry, Entry.id == Revision.entry_id)
        .join(Staff, Staff.id == Revision.staff_id)
        .where((Entry.branch_id == branch_id) & (Entry.occurred_at >= start))
        .where((Entry.occurred_at < end) & (Revision.created_at > sign_offs[-1].at))
        .order_by(Revision.created_at, Revision.id)
    ).all()
    return tuple(
        LateChange(revision.entry_id, revision.action, revision.created_at, staff_no)
        for revision, staff_no in rows
    )
