"""A save's unique key (issue 10): a save retried from the pending-saves queue lands once.

Revision ID: 0007
Revises: 0006

Every save made in a form carries a key made when staff pressed the save key. A save that could
not be written then (a held lock, a full disk, a read-only file, later a server out of reach)
waits in the pending-saves queue outside the database and is sent again; the unique index makes
a second arrival of the same save find the first instead of writing it twice. Entries written
before this revision, and by the command line, have no key.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entry", recreate="never") as batch:
        batch.add_column(sa.Column("save_key", sa.String(36), nullable=True))
    op.create_index("ux_entry_save_key", "entry", ["save_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_entry_save_key", table_name="entry")
    with op.batch_alter_table("entry", recreate="never") as batch:
        batch.drop_column("save_key")
