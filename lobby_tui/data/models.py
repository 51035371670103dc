"""The tables (DESIGN.md §3). Entries and audit events are append-only: corrections are revisions.

Later tables (hand-off outcome, complaint case, review, checklist) sit beside these and point at
``entry``/``shift``/``staff`` by id.
"""

from __future__ import annotations

from datetime import datetime

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
    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    staff_no: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=40)
    role: str = Field(max_length=16)
    pin_hash: str = Field(max_length=200)
    failed_attempts: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime())
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


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

    __table_args__ = (Index("ix_entry_branch_occurred", "branch_id", "occurred_at", "id"),)

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
