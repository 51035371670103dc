"""Alembic environment: always run with a connection handed over by ``lobby_tui.data.migrate``."""

from alembic import context
from sqlmodel import SQLModel

from lobby_tui.data import models  # noqa: F401  (registers the tables on the metadata)
from lobby_tui.data.search import is_search_table


def include_name(name, type_, _parents) -> bool:
    # The FTS5 search tables are virtual tables that no model describes.
    return not (type_ == "table" and name is not None and is_search_table(name))


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
