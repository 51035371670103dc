"""The tables. Entries and audit events are append-only: corrections are revisions.

Later tables (complaint case, review, checklist) sit beside these and point at
``entry``/``shift``/``staff`` by id. Drafts and open entries are working state, not records: they
are rewritten and deleted.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from lobby_tui.data.types import UTCDateTime
from lobby_tui.domain.clock import DEFAULT_TIME_ZONE, utcnow


class Branch(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=60)
    time_zone: str = Field(default=DEFAULT_TIME_ZONE, max_length=64)
    demo: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class Staff(SQLModel, table=True):
    # A staff number is unique in its branch (0011): two branches may both have a 1001.
    __table_args__ = (UniqueConstraint("branch_id", "staff_no", name="uq_staff_branch_no"),)

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    staff_no: str = Field(max_length=16)
    name: str = Field(max_length=40)
    role: str = Field(max_length=16)
    pin_hash: str = Field(max_length=200)
    failed_attempts: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime())
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class BranchGrant(SQLModel, table=True):
    """A branch a head-office reviewer may read (0011); a grant without a branch is every
    branch, those added later too. Working state: an admin grants and withdraws."""

    __tablename__ = "branch_grant"
    __table_args__ = (UniqueConstraint("staff_id", "branch_id", name="uq_branch_grant"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    branch_id: int | None = Field(default=None, foreign_key="branch.id")


class Shift(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    staff_id: int = Field(foreign_key="staff.id", index=True)
    signed_in_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    signed_out_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    handover_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    acknowledged_by_id: int | None = Field(default=None, foreign_key="staff.id")
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime())


class Entry(SQLModel, table=True):
    """One line of the duty log as first written. Never updated or deleted (a trigger refuses)."""

    __table_args__ = (
        Index("ix_entry_branch_occurred", "branch_id", "occurred_at", "id"),
        Index("ux_entry_save_key", "save_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    staff_id: int = Field(foreign_key="staff.id")
    shift_id: int | None = Field(default=None, foreign_key="shift.id")
    kind: str = Field(max_length=16)
    occurred_at: datetime = Field(sa_type=UTCDateTime())
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    ticket: str | None = Field(default=None, max_length=8)
    business: str | None = Field(default=None, max_length=32)
    priority: str | None = Field(default=None, max_length=16)
    target: str | None = Field(default=None, max_length=64)
    topic: str | None = Field(default=None, max_length=32)
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    outcome: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    follow_up_due: datetime | None = Field(default=None, sa_type=UTCDateTime())
    contact: str | None = Field(default=None, max_length=64)
    resolved: bool | None = None
    referral: bool | None = None
    complaint_id: int | None = Field(default=None, foreign_key="complaint_case.id")
    # The key a form's save was made with: a save sent again from the pending-saves queue
    # finds the entry it already wrote (unique; none for entries written before 0007).
    save_key: str | None = Field(default=None, max_length=36)


class Revision(SQLModel, table=True):
    """A correction or a void of an entry: the old and new values, the reason, who and when."""

    __table_args__ = (UniqueConstraint("entry_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    number: int
    action: str = Field(max_length=8)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    old_values: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    new_values: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    staff_id: int = Field(foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class AuditEvent(SQLModel, table=True):
    """Who did what and when: sign-ins, failures, locks, exports, reveals, revisions, sign-offs."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), index=True)
    action: str = Field(max_length=32)
    actor: str = Field(max_length=64)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    branch_id: int | None = Field(default=None, foreign_key="branch.id")
    detail: str = Field(default="{}", sa_column=Column(Text, nullable=False))


class EntryEvent(SQLModel, table=True):
    """A step in an entry's life after it was written: a hand-off's outcome, a follow-up done.

    Never updated or deleted (a trigger refuses); the latest event is the entry's state.
    """

    __tablename__ = "entry_event"

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    event: str = Field(max_length=16)
    product_sold: bool | None = None
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    staff_id: int = Field(foreign_key="staff.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class Draft(SQLModel, table=True):
    """A form's unsaved fields, one per staff member and form, so that a killed process loses
    nothing typed. Overwritten as the staff member types; deleted when the form is saved."""

    __table_args__ = (UniqueConstraint("staff_id", "form"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id")
    form: str = Field(max_length=16)
    fields: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class OpenEntry(SQLModel, table=True):
    """An entry with something still to do: a hand-off not closed, a follow-up not done.

    Derived from the entry, its revisions and its events, and rewritten by the store in the same
    transaction as they are, so that the open items of a branch are found without reading its
    whole history. ``since`` orders them: when the hand-off happened, when the follow-up is due.
    """

    __tablename__ = "open_entry"
    __table_args__ = (Index("ix_open_entry_branch_since", "branch_id", "since", "entry_id"),)

    entry_id: int = Field(foreign_key="entry.id", primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    kind: str = Field(max_length=16)
    since: datetime = Field(sa_type=UTCDateTime())


class ComplaintCase(SQLModel, table=True):
    """A complaint as registered. Never updated or deleted (a trigger refuses): what happens to
    the case afterwards is its actions. The registration's duty-log entry is the ``register``
    action's (an entry points at its case, so the case cannot point back at it)."""

    __tablename__ = "complaint_case"
    __table_args__ = (UniqueConstraint("branch_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    number: str = Field(max_length=16)
    received_at: datetime = Field(sa_type=UTCDateTime())
    channel: str = Field(max_length=16)
    business: str = Field(max_length=16)
    cause: str = Field(max_length=16)
    complainant_name: str = Field(max_length=40)
    complainant_contact: str | None = Field(default=None, max_length=64)
    respondent_id: int | None = Field(default=None, foreign_key="staff.id")
    facts: str = Field(sa_column=Column(Text, nullable=False))
    request: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    severity: str = Field(max_length=8)
    ticket: str | None = Field(default=None, max_length=8)
    staff_id: int = Field(foreign_key="staff.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class ComplaintAction(SQLModel, table=True):
    """One step of a case (registered, extended, paused, decided, ...), with its details as
    JSON, who and when, and the duty-log entry that records it. Never updated or deleted."""

    __tablename__ = "complaint_action"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="complaint_case.id", index=True)
    action: str = Field(max_length=16)
    payload: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    staff_id: int = Field(foreign_key="staff.id")
    at: datetime = Field(sa_type=UTCDateTime())
    entry_id: int = Field(foreign_key="entry.id")


class OpenComplaint(SQLModel, table=True):
    """A case not yet closed or withdrawn, with its status and handler: working state derived
    from its actions, rewritten by the store in the same transaction, so that the desk and the
    open items find the open cases without reading every case ever registered."""

    __tablename__ = "open_complaint"
    __table_args__ = (Index("ix_open_complaint_branch", "branch_id", "case_id"),)

    case_id: int = Field(foreign_key="complaint_case.id", primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    status: str = Field(max_length=16)
    handler_id: int = Field(foreign_key="staff.id")


class CheckResult(SQLModel, table=True):
    """One item of a checklist as found on a walk of it: OK, or a problem with its note and the
    ``check`` entry it became. The rows of one walk share their shift, checklist and ``at``.

    Never updated or deleted (a trigger refuses): a later walk adds rows of its own.
    """

    __tablename__ = "check_result"
    __table_args__ = (Index("ix_check_result_branch_at", "branch_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    shift_id: int = Field(foreign_key="shift.id", index=True)
    checklist: str = Field(max_length=16)
    item: str = Field(max_length=32)
    ok: bool
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    entry_id: int | None = Field(default=None, foreign_key="entry.id")
    staff_id: int = Field(foreign_key="staff.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class Review(SQLModel, table=True):
    """A reviewer's sign-off of a branch day, with their comment. Never updated or deleted (a
    trigger refuses): signing a day again adds another sign-off beside the first."""

    __table_args__ = (Index("ix_review_branch_day", "branch_id", "day", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    day: date
    reviewer_id: int = Field(foreign_key="staff.id")
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    # The seal: the branch's chain head when the day was signed off (none before 0008).
    sealed_seq: int | None = None
    sealed_hash: str | None = Field(default=None, max_length=64)


# Follow-ups due on a day are found by their date, whichever day their enquiry was written.
Index("ix_entry_follow_up_due", Entry.branch_id, Entry.follow_up_due)


class EntryCurrent(SQLModel, table=True):
    """An entry as it is now, in the columns the log browser filters on, and its searchable text.

    Working state, not a record: derived from the entry and its revisions and rewritten by the
    store in the same transaction as they are, so that a filter on a revised business type or on
    void entries reads one indexed table instead of replaying every revision. ``search_text`` is
    the ticket, text and outcome, masked as they are shown: search finds what staff can see.
    """

    __tablename__ = "entry_current"
    __table_args__ = (
        Index("ix_entry_current_order", "branch_id", "occurred_at", "entry_id"),
        Index("ix_entry_current_kind", "branch_id", "kind", "occurred_at", "entry_id"),
        Index("ix_entry_current_staff", "branch_id", "staff_id", "occurred_at", "entry_id"),
        Index("ix_entry_current_revised", "branch_id", "revised", "occurred_at", "entry_id"),
        Index("ix_entry_current_voided", "branch_id", "voided", "occurred_at", "entry_id"),
    )

    entry_id: int = Field(foreign_key="entry.id", primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    occurred_at: datetime = Field(sa_type=UTCDateTime())
    staff_id: int = Field(foreign_key="staff.id")
    kind: str = Field(max_length=16)
    business: str | None = Field(default=None, max_length=32)
    priority: str | None = Field(default=None, max_length=16)
    revised: bool = False
    voided: bool = False
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False))


class ChainLink(SQLModel, table=True):
    """One link of a branch's hash chain (docs/integrity.md): the record it covers and the
    SHA-256 of that record's canonical form and the link before it. Never updated or deleted.

    ``at`` is the record's written time, canonical, kept so that the next link can be checked
    for back-dating without reading this link's record.
    """

    __tablename__ = "chain_link"
    __table_args__ = (
        UniqueConstraint("branch_id", "seq"),
        Index("ux_chain_link_record", "record_table", "record_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int
    seq: int
    record_table: str = Field(max_length=16)
    record_id: int
    at: str | None = Field(default=None, max_length=27)
    hash: str = Field(max_length=64)
