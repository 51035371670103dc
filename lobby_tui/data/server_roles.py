"""Least privilege on a PostgreSQL server (docs/postgresql.md): the owner runs the migrations,
the terminals connect as a role that may read and add records and change only working state.

A table whose records are append-only (its ``<table>_append_only`` trigger) is granted SELECT
and INSERT alone; working state (staff accounts, shifts, drafts, open items, the log's current
view and search index) also UPDATE and DELETE; ``alembic_version`` SELECT only. TRUNCATE, DDL,
REFERENCES and TRIGGER are never granted, so the app's own role cannot empty a table the way
the owner could (and a TRUNCATE trigger refuses even the owner).
"""

from __future__ import annotations

from sqlalchemy import text

from lobby_tui.data.store import Store
from lobby_tui.data.views import StoreError
from lobby_tui.locale import N_

NOT_A_SERVER = N_("Roles belong to a PostgreSQL server; a SQLite file has none.")


def grant_app_role(store: Store, role: str) -> dict[str, str]:
    """Grant ``role`` what the app needs on every table, and no more; run by the owner after
    each ``migrate``. Returns the privileges given, by table."""
    engine = store.db.engine
    if engine.dialect.name != "postgresql":
        raise StoreError(NOT_A_SERVER)
    quote = engine.dialect.identifier_preparer.quote
    given: dict[str, str] = {}
    with engine.begin() as connection:
        tables = connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).scalars()
        append_only = set(
            connection.execute(
                text(
                    "SELECT DISTINCT event_object_table FROM information_schema.triggers "
                    "WHERE trigger_name LIKE '%\\_append\\_only'"
                )
            ).scalars()
        )
        grantee = quote(role)
        connection.execute(text(f"GRANT USAGE ON SCHEMA {quote('public')} TO {grantee}"))
        for table in sorted(tables):
            if table == "alembic_version":
                privileges = "SELECT"
            elif table in append_only:
                privileges = "SELECT, INSERT"
            else:
                privileges = "SELECT, INSERT, UPDATE, DELETE"
            connection.execute(text(f"REVOKE ALL ON {quote(table)} FROM {grantee}"))
            connection.execute(text(f"GRANT {privileges} ON {quote(table)} TO {grantee}"))
            given[table] = privileges
        connection.execute(
            text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {grantee}")
        )
    return given
