"""Schema migrations, applied at start.

A database already at ``HEAD`` is recognised with one plain query, so an everyday start never
imports Alembic; only an empty or older database pays for it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

# The newest revision in migrations/versions; a test checks it against Alembic's own view.
HEAD = "0010"

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


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
    """Bring the database to ``HEAD``; return True when a migration ran."""
    if current_revision(engine) == HEAD:
        return False
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return True
