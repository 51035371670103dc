"""Complaint cases (issue 4): the case as registered, its actions, the open cases, and the link
from a duty-log entry to its case.

Revision ID: 0003
Revises: 0002

``entry.complaint_id`` is added with plain ``ALTER TABLE ... ADD COLUMN``, never in batch mode:
a batch on SQLite copies the table, which would drop its append-only triggers. On SQLite the
statement is written out, as Alembic would add the foreign key with a second ALTER that SQLite
does not have. Cases and actions
are records (append-only); ``open_complaint`` is working state kept by the store.
"""

import sqlalchemy as sa
from alembic import op

from lobby_tui.data.migrations.append_only import refuse_changes
from lobby_tui.data.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaint_case",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("branch_id", sa.Integer, sa.ForeignKey("branch.id"), nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("business", sa.String(16), nullable=False),
        sa.Column("cause", sa.String(16), nullable=False),
        sa.Column("complainant_name", sa.String(40), nullable=False),
        sa.Column("complainant_contact", sa.String(64), nullable=True),
        sa.Column("respondent_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("facts", sa.Text, nullable=False),
        sa.Column("request", sa.Text, nullable=True),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("ticket", sa.String(8), nullable=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("branch_id", "number"),
    )
    refuse_changes("complaint_case")
    if op.get_bind().dialect.name == "sqlite":
        # Alembic adds a column's foreign key as a separate ALTER, which SQLite lacks; SQLite
        # takes it inline in the ADD COLUMN itself.
        op.execute(
            "ALTER TABLE entry ADD COLUMN complaint_id INTEGER REFERENCES complaint_case (id)"
        )
    else:
        op.add_column(
            "entry",
            sa.Column(
                "complaint_id", sa.Integer, sa.ForeignKey("complaint_case.id"), nullable=True
            ),
        )
    op.create_table(
        "complaint_action",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "case_id", sa.Integer, sa.ForeignKey("complaint_case.id"), nullable=False, index=True
        ),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("entry.id"), nullable=False),
    )
    refuse_changes("complaint_action")
    op.create_table(
        "open_complaint",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("complaint_case.id"), primary_key=True),
        sa.Column("branch_id", sa.Integer, sa.ForeignKey("branch.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("handler_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=False),
    )
    op.create_index("ix_open_complaint_branch", "open_complaint", ["branch_id", "case_id"])


def downgrade() -> None:
    op.drop_index("ix_open_complaint_branch", table_name="open_complaint")
    op.drop_table("open_complaint")
    op.drop_table("complaint_action")
    op.drop_column("entry", "complaint_id")
    op.drop_table("complaint_case")
