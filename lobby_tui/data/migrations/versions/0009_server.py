"""A shared PostgreSQL server (issue 12): TRUNCATE refused, search served by trigram indexes.

Revision ID: 0009
Revises: 0008

Row triggers never fire on TRUNCATE, and the owner of the tables may truncate them: every
append-only table gets a statement trigger that refuses it, as its row trigger refuses UPDATE
and DELETE (the terminals' role may not truncate at all: ``lobby-tui grant``). Search on a
server is ``ILIKE`` over ``entry_current.search_text``; a GIN index of its trigrams (pg_trgm)
serves it instead of reading the whole log. SQLite needs neither: it has no TRUNCATE, and its
search has FTS5 tables of its own (0005).
"""

import sqlalchemy as sa
from alembic import op

from lobby_tui.data.migrations.append_only import refuse_truncate

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    # Tables made append-only before this revision; those made after it get the trigger from
    # refuse_changes itself.
    tables = connection.execute(
        sa.text(
            "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger "
            "WHERE tgname LIKE :append_only AND tgrelid NOT IN "
            "(SELECT tgrelid FROM pg_trigger WHERE tgname LIKE :no_truncate)"
        ),
        {"append_only": "%\\_append\\_only", "no_truncate": "%\\_no\\_truncate"},
    ).scalars()
    for table in sorted(tables):
        refuse_truncate(table)
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        "CREATE INDEX ix_entry_current_search_trgm ON entry_current "
        "USING gin (search_text gin_trgm_ops)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_entry_current_search_trgm")
    triggers = op.get_bind().execute(
        sa.text(
            "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE :pattern"
        ),
        {"pattern": "%\\_no\\_truncate"},
    )
    for name, table in triggers:
        op.execute(f"DROP TRIGGER {name} ON {table}")
