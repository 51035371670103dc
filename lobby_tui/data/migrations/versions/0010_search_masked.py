"""The search index rebuilt with today's masking (issue 11).

Revision ID: 0010
Revises: 0009

Masked digits are not searchable: the index holds each entry's text as masked. Masking now
finds numbers it missed before (full-width digits, 15-digit and spaced ID numbers, bank card
numbers), so in a database written earlier those could still be found by their digits. The
log's current view and its search index are derived data: both are built again from the
entries and their revisions, in bulk, as 0005 first built them.
"""

from alembic import op

from lobby_tui.data import log_index, search

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    search.drop_tables(connection)
    connection.exec_driver_sql("DELETE FROM entry_current")
    search.create_tables(connection)
    log_index.fill(connection)


def downgrade() -> None:
    """Nothing to undo: the index of 0009 held the same entries, less masked."""
