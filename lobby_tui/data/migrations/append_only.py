"""The database's own refusal to change a record once written, shared by the migrations."""

from __future__ import annotations

from alembic import op


def refuse_changes(table: str) -> None:
    """Make ``table`` append-only: a trigger aborts any UPDATE or DELETE of its rows.

    SQLite gets two triggers (``<table>_no_update``, ``<table>_no_delete``); PostgreSQL one
    row trigger (``<table>_append_only``) calling a shared function. Other databases get none.
    """
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION lobby_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION lobby_append_only()"
        )
        refuse_truncate(table)


def refuse_truncate(table: str) -> None:
    """PostgreSQL: row triggers never fire on TRUNCATE, which would empty ``table`` at once; a
    statement trigger (``<table>_no_truncate``) refuses it, even to the tables' owner."""
    op.execute(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION lobby_append_only()"
    )
