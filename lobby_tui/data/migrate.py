"""Schema migrations, applied at start.

A database already at ``HEAD`` is recognised with one plain query, so an everyday start never
imports Alembic; only an empty or older database pays for it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from lobby_tui import __version__
from lobby_tui.data.views import StoreError
from lobby_tui.locale import N_, _

# The newest revision in migrations/versions; a test checks it against Alembic's own view.
HEAD = "0012"

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
NEWER_SCHEMA = N_(
    "This database was written by a newer lobby-tui (schema {found}); "
    "this is lobby-tui {version}, which knows schemas up to {head}."
)


class NewerSchema(StoreError):
    """The database is at a revision this release has no migration for: a newer release wrote
    it. Opening it would fail in Alembic, or worse, write to tables it does not know."""

    def __init__(self, found: str) -> None:
        super().__init__(found)
        self.found = found

    def __str__(self) -> str:
        return _(NEWER_SCHEMA).format(found=self.found, version=__version__, head=HEAD)


def known_revisions() -> frozenset[str]:
    """The revisions this release's migrations lead through (their files are named after them)."""
    return frozenset(path.name[:4] for path in (MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py"))


def refuse_newer(revision: str | None) -> None:
    """``NewerSchema`` for a revision this release does not know; nothing for one it does, or
    for a database never migrated."""
    if revision is not None and revision != HEAD and revision not in known_revisions():
        raise NewerSchema(revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for a database never migrated."""
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError as error:
            if "alembic_version" in str(error):
                return None
            raise


def upgrade(engine: Engine) -> bool:
    """Bring the database to ``HEAD``; return True when a migration ran. ``NewerSchema`` for
    a database at a revision this release does not know."""
    found = current_revision(engine)
    if found == HEAD:
        return False
    refuse_newer(found)
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A table built again (0011) is dropped with rows pointing at it: SQLite's own way
            # is foreign keys off outside the transaction, and checked before the commit.
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise StoreError(N_("The migration left rows pointing at nothing."))
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")
    return True
