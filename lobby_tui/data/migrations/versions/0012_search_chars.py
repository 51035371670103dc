"""Search of one or two characters on a PostgreSQL server served by an index (issue 12).

Revision ID: 0012
Revises: 0011

A trigram index (0009) cannot serve a term shorter than three characters, so a search for
``吞卡`` read the log's order index until a page matched — and, for a term that matches little or
nothing, the whole log: most of a second on 1,000,000 entries. As SQLite's per-character FTS5
table does (0005), a GIN index of the characters of each entry's search text finds the entries
holding every character of the term; ``ILIKE`` then keeps those where they are adjacent. The
characters are lower-cased by the server, as ``ILIKE`` compares them. SQLite needs nothing here.

For a common term the log's order index, walked until a page matches, is far quicker than this
index (every entry holding both characters, sorted): the server chooses for each term only when
the statement is planned with its values, so the terminals prepare none (``data/engine.py``).
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Named as lobby_tui.data.search names them; written out here, as a migration never changes.
CHARS_FUNCTION = "lobby_search_chars"
CHARS_INDEX = "ix_entry_current_search_chars"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # A set of characters, not a list: an entry's text repeats most of its characters. OR
    # REPLACE: a demo replaced on a server drops the tables, not the functions.
    op.execute(
        f"CREATE OR REPLACE FUNCTION {CHARS_FUNCTION}(value text) RETURNS text[] "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS "
        "$$ SELECT ARRAY(SELECT DISTINCT c FROM "
        "pg_catalog.regexp_split_to_table(pg_catalog.lower(value), '') AS c) $$"
    )
    op.execute(
        f"CREATE INDEX {CHARS_INDEX} ON entry_current USING gin ({CHARS_FUNCTION}(search_text))"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP INDEX IF EXISTS {CHARS_INDEX}")
    op.execute(f"DROP FUNCTION IF EXISTS {CHARS_FUNCTION}(text)")
