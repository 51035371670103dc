"""The engine and its sessions: WAL, synchronous=FULL, busy timeout, foreign keys.

Python's sqlite3 driver opens no transaction for a SELECT and begins its own before DML, so a
read-then-write can lose a concurrent update. As SQLAlchemy's pysqlite documentation describes,
we switch the driver's transaction handling off and emit BEGIN ourselves: reads run in ``BEGIN``,
writes in ``BEGIN IMMEDIATE`` so they take the write lock before reading what they change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

from lobby_tui.data.chain import ChainedSession

BUSY_TIMEOUT_MS = 10_000


def database_url(path_or_url: str) -> str:
    """An SQLAlchemy URL for a path or a URL (anything with ``://`` is taken as a URL)."""
    if "://" in path_or_url:
        return path_or_url
    return f"sqlite:///{Path(path_or_url).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args=_connect_args(url))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_sqlite)
    return engine


def _connect_args(url: str) -> dict:
    if make_url(url).get_backend_name() == "sqlite":
        return {"timeout": BUSY_TIMEOUT_MS / 1000}
    return {}


def _configure_sqlite_connection(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # the driver must not BEGIN on its own
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _begin_sqlite(connection) -> None:
    connection.exec_driver_sql(connection.get_execution_options().get("sqlite_begin", "BEGIN"))


class Database:
    """One database: short read transactions and serialized write transactions."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._write_engine = (
            self.engine.execution_options(sqlite_begin="BEGIN IMMEDIATE")
            if self.engine.dialect.name == "sqlite"
            else self.engine
        )
        # True while a builder writes a past in bulk and links it at the end (the demo).
        self.defer_chain = False

    @property
    def display_name(self) -> str:
        """The database as shown to staff: the file path, or the URL without its password."""
        path = sqlite_path(self.url)
        if path is not None:
            return str(path)
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction; nothing it changes is committed."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def read_rows(self) -> Iterator[Connection]:
        """A read transaction on a plain connection, for reads of plain rows: no session to
        set up and tear down around them."""
        with self.engine.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction holding the write lock from its first statement; commits on exit
        with what it wrote linked into the branch's hash chain (``data/chain.py``)."""
        with (
            ChainedSession(self._write_engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            session.info["chain"] = not self.defer_chain
            yield session

    def close(self) -> None:
        self.engine.dispose()
