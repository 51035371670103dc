"""Checklists and handover acknowledgement (issue 5).

Revision ID: 0006
Revises: 0005

``check_result`` holds every item of every checklist walk, append-only. The shift's handover
columns exist since 0001; what is new is that the database keeps them once written: a handover
note is never rewritten, and the first acknowledgement of it is never replaced by a later one.
"""

import sqlalchemy as sa
from alembic import op

from lobby_tui.data.migrations.append_only import refuse_changes
from lobby_tui.data.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Any change of a handover note, or of an acknowledgement, once there is one.
_CHANGED_SQLITE = (
    "(OLD.handover_note IS NOT NULL AND NEW.handover_note IS NOT OLD.handover_note) "
    "OR (OLD.acknowledged_by_id IS NOT NULL AND "
    "(NEW.acknowledged_by_id IS NOT OLD.acknowledged_by_id "
    "OR NEW.acknowledged_at IS NOT OLD.acknowledged_at))"
)
_CHANGED_POSTGRESQL = _CHANGED_SQLITE.replace("IS NOT OLD", "IS DISTINCT FROM OLD")
_REFUSAL = "a handover note and its first acknowledgement are kept as written"


def upgrade() -> None:
    op.create_table(
        "check_result",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("branch_id", sa.Integer, sa.ForeignKey("branch.id"), nullable=False),
        sa.Column("shift_id", sa.Integer, sa.ForeignKey("shift.id"), nullable=False, index=True),
        sa.Column("checklist", sa.String(16), nullable=False),
        sa.Column("item", sa.String(32), nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("entry.id"), nullable=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_check_result_branch_at", "check_result", ["branch_id", "at"])
    refuse_changes("check_result")
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            f"CREATE TRIGGER shift_handover_kept BEFORE UPDATE ON shift WHEN {_CHANGED_SQLITE} "
            f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END"
        )
    elif dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION lobby_handover_kept() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{_REFUSAL}'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER shift_handover_kept BEFORE UPDATE ON shift FOR EACH ROW "
            f"WHEN ({_CHANGED_POSTGRESQL}) EXECUTE FUNCTION lobby_handover_kept()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS shift_handover_kept")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS shift_handover_kept ON shift")
        op.execute("DROP FUNCTION IF EXISTS lobby_handover_kept()")
    op.drop_index("ix_check_result_branch_at", table_name="check_result")
    op.drop_table("check_result")
