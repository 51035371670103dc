"""Several branches in one database (issue 12): staff numbers per branch, head-office grants.

Revision ID: 0011
Revises: 0010

A staff number was unique in the whole database; it is now unique in its branch, so that two
branches may both have a 1001. ``branch_grant`` lists the branches a head-office reviewer may
read (a row without a branch: every branch). Neither table is append-only nor in the hash
chain: staff accounts and grants are working state, their changes are audit events.

SQLite cannot drop a column's UNIQUE: the staff table is built again, by hand, the way SQLite
documents it (``lobby_tui.data.migrate`` runs this revision with foreign keys off and checks
them before it commits). Its rows keep their ids, so every table pointing at a staff member
still does. The staff table has no triggers to carry over (0006/0008 guard ``shift``).
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_COLUMNS = (
    "id, branch_id, staff_no, name, role, pin_hash, failed_attempts, locked_until, active, "
    "created_at"
)


def _rebuild_staff_sqlite(unique: str) -> None:
    op.execute(
        "CREATE TABLE staff_0011 ("
        "id INTEGER NOT NULL, "
        "branch_id INTEGER NOT NULL, "
        "staff_no VARCHAR(16) NOT NULL, "
        "name VARCHAR(40) NOT NULL, "
        "role VARCHAR(16) NOT NULL, "
        "pin_hash VARCHAR(200) NOT NULL, "
        "failed_attempts INTEGER NOT NULL, "
        "locked_until DATETIME, "
        "active BOOLEAN NOT NULL, "
        "created_at DATETIME NOT NULL, "
        "PRIMARY KEY (id), "
        "FOREIGN KEY(branch_id) REFERENCES branch (id), "
        f"{unique})"
    )
    op.execute(f"INSERT INTO staff_0011 ({_COLUMNS}) SELECT {_COLUMNS} FROM staff")
    op.execute("DROP TABLE staff")
    op.execute("ALTER TABLE staff_0011 RENAME TO staff")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _rebuild_staff_sqlite("CONSTRAINT uq_staff_branch_no UNIQUE (branch_id, staff_no)")
    else:
        op.drop_constraint("staff_staff_no_key", "staff", type_="unique")
        op.create_unique_constraint("uq_staff_branch_no", "staff", ["branch_id", "staff_no"])
    op.create_table(
        "branch_grant",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=False, index=True),
        sa.Column("branch_id", sa.Integer, sa.ForeignKey("branch.id"), nullable=True),
        sa.UniqueConstraint("staff_id", "branch_id", name="uq_branch_grant"),
    )


def downgrade() -> None:
    """Back to one staff number per database: refused by the database if two branches share
    one."""
    op.drop_table("branch_grant")
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_staff_sqlite("UNIQUE (staff_no)")
    else:
        op.drop_constraint("uq_staff_branch_no", "staff", type_="unique")
        op.create_unique_constraint("staff_staff_no_key", "staff", ["staff_no"])
