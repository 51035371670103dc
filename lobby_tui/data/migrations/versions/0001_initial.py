"""First release: branch, staff, shift, entry, revision, audit event.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from lobby_tui.data.migrations.append_only import refuse_changes
from lobby_tui.data.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Entries, revisions and audit events are never changed once written: the database refuses.
APPEND_ONLY = ("entry", "revision", "audit_event")


def upgrade() -> None:
    op.create_table(
        "branch",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("demo", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("branch_id", sa.Integer, sa.ForeignKey("branch.id"), nullable=False),
        sa.Column("staff_no", sa.String(16), nullable=False, unique=True),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("pin_hash", sa.String(200), nullable=False),
        sa.Column("failed_attempts", sa.Integer, nullable=False),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "shift",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("branch_id", sa.Integer, sa.ForeignKey("branch.id"), nullable=False),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=False, index=True),
        sa.Column("signed_in_at", UTCDateTime(), nullable=False),
        sa.Column("signed_out_at", UTCDateTime(), nullable=True),
        sa.Column("handover_note", sa.Text, nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("acknowledged_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "entry",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("branch_id", sa.Integer, sa.ForeignKey("branch.id"), nullable=False),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("shift_id", sa.Integer, sa.ForeignKey("shift.id"), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("ticket", sa.String(8), nullable=True),
        sa.Column("business", sa.String(32), nullable=True),
        sa.Column("priority", sa.String(16), nullable=True),
        sa.Column("target", sa.String(64), nullable=True),
        sa.Column("topic", sa.String(32), nullable=True),
        sa.Column("text", sa.Text, nullable=True),
        sa.Column("outcome", sa.Text, nullable=True),
        sa.Column("follow_up_due", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_entry_branch_occurred", "entry", ["branch_id", "occurred_at", "id"])
    op.create_table(
        "revision",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("entry.id"), nullable=False, index=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("old_values", sa.Text, nullable=False),
        sa.Column("new_values", sa.Text, nullable=False),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("entry_id", "number"),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False, index=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("branch_id", sa.Integer, sa.ForeignKey("branch.id"), nullable=True),
        sa.Column("detail", sa.Text, nullable=False),
    )
    for table in APPEND_ONLY:
        refuse_changes(table)


def downgrade() -> None:
    for table in ("audit_event", "revision", "entry", "shift", "staff", "branch"):
        op.drop_table(table)
