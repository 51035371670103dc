"""Text search over entries (issue 5): what the log browser filters and searches on.

Revision ID: 0005
Revises: 0004

``entry_current`` holds each entry's current filter values and searchable text; it is working
state (like ``open_entry``), rewritten by the store, so it is not append-only. On SQLite two FTS5
tables index the text (see ``lobby_tui.data.search``). Both are filled here from the entries
and their revisions, so a log written by an older release is searchable at once.
"""

import sqlalchemy as sa
from alembic import op

from lobby_tui.data import log_index, search
from lobby_tui.data.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_entry_current_order": ["branch_id", "occurred_at", "entry_id"],
    "ix_entry_current_kind": ["branch_id", "kind", "occurred_at", "entry_id"],
    "ix_entry_current_staff": ["branch_id", "staff_id", "occurred_at", "entry_id"],
    "ix_entry_current_revised": ["branch_id", "revised", "occurred_at", "entry_id"],
    "ix_entry_current_voided": ["branch_id", "voided", "occurred_at", "entry_id"],
}


def upgrade() -> None:
    op.create_table(
        "entry_current",
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("entry.id"), primary_key=True),
        sa.Column("branch_id", sa.Integer, sa.ForeignKey("branch.id"), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("business", sa.String(32), nullable=True),
        sa.Column("priority", sa.String(16), nullable=True),
        sa.Column("revised", sa.Boolean, nullable=False),
        sa.Column("voided", sa.Boolean, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
    )
    connection = op.get_bind()
    search.create_tables(connection)
    # Filled before its indexes are built: one sort per index instead of a million inserts.
    log_index.fill(connection)
    for name, columns in INDEXES.items():
        op.create_index(name, "entry_current", columns)


def downgrade() -> None:
    search.drop_tables(op.get_bind())
    for name in INDEXES:
        op.drop_index(name, table_name="entry_current")
    op.drop_table("entry_current")
