"""The hash chain (issue 11): every append-only record linked, per branch; sign-offs seal it.

Revision ID: 0008
Revises: 0007

``chain_link`` holds the links (docs/integrity.md). A review gains the seal: the chain head
when the day was signed off. The records already in the database are linked here, in the order
they were written, after a first link that starts each branch's chain: a chain that begins at
this migration says that what came before it was taken as found. The shift gains the triggers
that keep what the chain covers of it: never deleted, its sign-in never changed, its sign-out
time written once.
"""

import sqlalchemy as sa
from alembic import op

from lobby_tui.data.chain import link_pending
from lobby_tui.data.migrations.append_only import refuse_changes

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_SHIFT_CHANGED = (
    "NEW.id IS NOT OLD.id OR NEW.branch_id IS NOT OLD.branch_id "
    "OR NEW.staff_id IS NOT OLD.staff_id OR NEW.signed_in_at IS NOT OLD.signed_in_at "
    "OR (OLD.signed_out_at IS NOT NULL AND NEW.signed_out_at IS NOT OLD.signed_out_at)"
)
_SHIFT_REFUSAL = "the sign-in and sign-out of a shift are kept as written"


def upgrade() -> None:
    op.create_table(
        "chain_link",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("branch_id", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("record_table", sa.String(16), nullable=False),
        sa.Column("record_id", sa.Integer, nullable=False),
        sa.Column("at", sa.String(27), nullable=True),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("branch_id", "seq"),
    )
    op.create_index(
        "ux_chain_link_record", "chain_link", ["record_table", "record_id"], unique=True
    )
    with op.batch_alter_table("review", recreate="never") as batch:
        batch.add_column(sa.Column("sealed_seq", sa.Integer, nullable=True))
        batch.add_column(sa.Column("sealed_hash", sa.String(64), nullable=True))
    refuse_changes("chain_link")
    _keep_shifts()
    link_pending(op.get_bind(), everything=True)


def _keep_shifts() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER shift_no_delete BEFORE DELETE ON shift "
            "BEGIN SELECT RAISE(ABORT, 'shift is append-only'); END"
        )
        op.execute(
            f"CREATE TRIGGER shift_signed_kept BEFORE UPDATE ON shift WHEN {_SHIFT_CHANGED} "
            f"BEGIN SELECT RAISE(ABORT, '{_SHIFT_REFUSAL}'); END"
        )
    elif dialect == "postgresql":
        changed = _SHIFT_CHANGED.replace("IS NOT OLD", "IS DISTINCT FROM OLD")
        op.execute(
            "CREATE OR REPLACE FUNCTION lobby_shift_kept() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{_SHIFT_REFUSAL}'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER shift_no_delete BEFORE DELETE ON shift "
            "FOR EACH ROW EXECUTE FUNCTION lobby_append_only()"
        )
        op.execute(
            "CREATE TRIGGER shift_signed_kept BEFORE UPDATE ON shift FOR EACH ROW "
            f"WHEN ({changed}) EXECUTE FUNCTION lobby_shift_kept()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("shift_no_delete", "shift_signed_kept"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS chain_link_no_{verb}")
    elif dialect == "postgresql":
        for trigger in ("shift_no_delete", "shift_signed_kept"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON shift")
        op.execute("DROP TRIGGER IF EXISTS chain_link_append_only ON chain_link")
        op.execute("DROP FUNCTION IF EXISTS lobby_shift_kept()")
    with op.batch_alter_table("review", recreate="never") as batch:
        batch.drop_column("sealed_hash")
        batch.drop_column("sealed_seq")
    op.drop_index("ux_chain_link_record", table_name="chain_link")
    op.drop_table("chain_link")
