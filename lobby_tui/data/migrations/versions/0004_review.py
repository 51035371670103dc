"""Day sign-off and review (issue 5): a reviewer's sign-off of a branch day, append-only;
an index to find the follow-ups due on a day.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from lobby_tui.data.migrations.append_only import refuse_changes
from lobby_tui.data.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("branch_id", sa.Integer, sa.ForeignKey("branch.id"), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("reviewer_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_review_branch_day", "review", ["branch_id", "day", "id"])
    refuse_changes("review")
    # A plain CREATE INDEX: the entry table and its append-only triggers stay as they are.
    op.create_index("ix_entry_follow_up_due", "entry", ["branch_id", "follow_up_due"])


def downgrade() -> None:
    op.drop_index("ix_entry_follow_up_due", table_name="entry")
    op.drop_index("ix_review_branch_day", table_name="review")
    op.drop_table("review")
