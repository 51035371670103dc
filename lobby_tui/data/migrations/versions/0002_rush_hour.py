"""Rush hour: enquiry and hand-off fields, hand-off outcomes and follow-ups, drafts, open items.

Revision ID: 0002
Revises: 0001

The new ``entry`` columns are added with plain ``ALTER TABLE ... ADD COLUMN``, never in batch
mode: a batch on SQLite copies the table into a new one, which would drop its append-only
triggers. ``open_entry`` is not a record but an index of what is still to be done, kept by the
store beside the entries and events it is derived from.
"""

import sqlalchemy as sa
from alembic import op

from lobby_tui.data.migrations.append_only import refuse_changes
from lobby_tui.data.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("entry", sa.Column("contact", sa.String(64), nullable=True))
    op.add_column("entry", sa.Column("resolved", sa.Boolean, nullable=True))
    op.add_column("entry", sa.Column("referral", sa.Boolean, nullable=True))
    op.create_table(
        "entry_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("entry.id"), nullable=False, index=True),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("product_sold", sa.Boolean, nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    refuse_changes("entry_event")
    op.create_table(
        "draft",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("form", sa.String(16), nullable=False),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("staff_id", "form"),
    )
    op.create_table(
        "open_entry",
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("entry.id"), primary_key=True),
        sa.Column("branch_id", sa.Integer, sa.ForeignKey("branch.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_open_entry_branch_since", "open_entry", ["branch_id", "since", "entry_id"])
    # Before this release nothing closed a hand-off, so every one not voided is still open;
    # an enquiry's follow-up is open when it has a due date (nothing could resolve it yet).
    op.execute(
        "INSERT INTO open_entry (entry_id, branch_id, kind, since) "
        "SELECT id, branch_id, 'handoff', occurred_at FROM entry WHERE kind = 'handoff' "
        "AND id NOT IN (SELECT entry_id FROM revision WHERE action = 'void')"
    )
    op.execute(
        "INSERT INTO open_entry (entry_id, branch_id, kind, since) "
        "SELECT id, branch_id, 'follow_up', follow_up_due FROM entry "
        "WHERE kind = 'enquiry' AND follow_up_due IS NOT NULL "
        "AND id NOT IN (SELECT entry_id FROM revision WHERE action = 'void')"
    )


def downgrade() -> None:
    op.drop_index("ix_open_entry_branch_since", table_name="open_entry")
    for table in ("open_entry", "draft", "entry_event"):
        op.drop_table(table)
    for column in ("referral", "resolved", "contact"):
        op.drop_column("entry", column)
