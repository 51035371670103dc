"""The engine and its sessions: WAL, synchronous=FULL, busy timeout, foreign keys.

Python's sqlite3 driver opens no transaction for a SELECT and begins its own before DML, so a
read-then-write can lose a concurrent update. As SQLAlchemy's pysqlite documentation describes,
we switch the driver's transaction handling off and emit BEGIN ourselves: reads run in ``BEGIN``,
writes in ``BEGIN IMMEDIATE`` so they take the write lock before reading what they change.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

from lobby_tui.data.chain import ChainedSession
from lobby_tui.data.views import StoreError
from lobby_tui.locale import N_

# How long a write waits for another terminal's write lock before it is a fault. A form's save
# that hits it waits in the pending-saves queue and is sent again; a setting, so that the fault
# tests wait a fraction of a second instead.
BUSY_TIMEOUT_SECONDS = 10.0


# The engines whose append-only triggers, locks and search lobby-tui knows.
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
UNSUPPORTED = N_(
    "lobby-tui keeps its duty log in a SQLite file or on a PostgreSQL server "
    "(postgresql+psycopg://…); this database is neither."
)


def database_url(path_or_url: str) -> str:
    """An SQLAlchemy URL for a path or a URL (anything with ``://`` is taken as a URL); a URL
    of another database is refused (StoreError): it would get no append-only triggers."""
    if "://" in path_or_url:
        try:
            backend = make_url(path_or_url).get_backend_name()
        except Exception:
            backend = ""
        if backend not in SUPPORTED_BACKENDS:
            raise StoreError(UNSUPPORTED)
        return path_or_url
    return f"sqlite:///{Path(path_or_url).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def read_only_file(url: str) -> bool:
    """A database file this process cannot write (a read-only file, folder or file system):
    opened read-only on purpose, as a reviewer's archive copy is."""
    path = sqlite_path(url)
    return (
        path is not None
        and path.exists()
        and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
    )


def make_engine(
    url: str, busy_timeout: float = BUSY_TIMEOUT_SECONDS, *, read_only: bool = False
) -> Engine:
    if read_only:
        # Nothing writes an archive copy while it is read: no -wal or -shm file is needed.
        path = sqlite_path(url)
        engine = create_engine(
            f"sqlite:///file:{quote(str(path))}?mode=ro&immutable=1&uri=true",
            connect_args=_connect_args(url, busy_timeout),
        )
        event.listen(engine, "connect", _configure_read_only_connection)
        _begin_reads(engine)
        return engine
    server = make_url(url).get_backend_name() != "sqlite"
    # A server may go away between two saves: a pooled connection is checked before use, so a
    # restarted server is reached again without a failed save in between.
    engine = create_engine(url, connect_args=_connect_args(url, busy_timeout), pool_pre_ping=server)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", partial(_configure_sqlite_connection, busy_timeout))
        _begin_reads(engine)
    return engine


def _configure_read_only_connection(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA query_only=ON")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _connect_args(url: str, busy_timeout: float) -> dict:
    if make_url(url).get_backend_name() == "sqlite":
        return {"timeout": busy_timeout}
    # A server out of reach is a fault to wait out in the pending-saves queue, not a hang.
    args: dict = {"connect_timeout": max(1, round(busy_timeout))}
    if make_url(url).get_driver_name() == "psycopg":
        # No server-side prepared statements: psycopg prepares a statement it has run five
        # times, and the server may then plan it once for any values (a generic plan). A
        # search's best plan depends on its term: the index of characters (migration 0012) for
        # a term few entries hold, the log's order index walked until a page matches for a
        # common one. A generic plan took the index for every term (客户: 21 s on 1,000,000
        # entries). Planned with its values each time, a page query costs under a millisecond more.
        args["prepare_threshold"] = None
    return args


def _configure_sqlite_connection(busy_timeout: float, dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # the driver must not BEGIN on its own
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _begin_reads(engine: Engine) -> None:
    """Every transaction on ``engine`` (SQLite) starts with BEGIN, which the driver, left to
    itself, would not send (``isolation_level = None``): a read then sees one snapshot.

    Sent by the dialect's ``do_begin``, not from a ``begin`` event: an engine with a
    connection listener has SQLAlchemy look for listeners at every step of every connection
    (a read transaction with nothing in it took 40 µs with one, 16 µs without). A write's
    engine sends BEGIN IMMEDIATE from its own listener first (``_begin_write``); the
    transaction is then open and ``do_begin`` leaves it.
    """

    def do_begin(dbapi_connection) -> None:
        if not dbapi_connection.in_transaction:
            dbapi_connection.execute("BEGIN")  # a read's: it takes no lock, never waits on one

    engine.dialect.do_begin = do_begin  # type: ignore[method-assign]


def _begin_write(connection) -> None:
    """A write on SQLite holds the write lock from its first statement."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


# The advisory lock every write transaction holds on PostgreSQL (a constant of lobby-tui's own).
WRITE_LOCK_KEY = 0x10BB_7001


def _begin_postgresql(connection) -> None:
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


READ_ONLY = N_("This database is read-only (an archive copy): nothing can be written.")


class ReadOnlyDatabase(StoreError):
    """A write asked of a database opened read-only."""


class Database:
    """One database: short read transactions and serialized write transactions."""

    def __init__(
        self, url: str, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS, read_only: bool = False
    ) -> None:
        self.url = url
        self.read_only = read_only
        self.unrecorded = 0  # audit events a read-only database could not keep
        self.engine = make_engine(url, busy_timeout, read_only=read_only)
        if self.engine.dialect.name == "sqlite":
            self._write_engine = self.engine.execution_options()
            event.listen(self._write_engine, "begin", _begin_write)
        else:
            # PostgreSQL: the same guarantee as SQLite's BEGIN IMMEDIATE, one writer at a time,
            # from an advisory lock taken as the transaction's first statement. A write then
            # reads what it changes (the highest case number of the day, a hand-off's state)
            # only after the writer before it has committed (docs/postgresql.md).
            self._write_engine = self.engine.execution_options()
            event.listen(self._write_engine, "begin", _begin_postgresql)
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
        if self.read_only:
            raise ReadOnlyDatabase(READ_ONLY)
        with (
            ChainedSession(self._write_engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            session.info["chain"] = not self.defer_chain
            yield session

    @contextmanager
    def audited(self) -> Iterator[Session]:
        """The transaction of a read that must be audited (an export): a write transaction, or
        on a database opened read-only a read one whose audit event cannot be kept — counted
        in ``unrecorded``, for the caller to say so, never skipped in silence."""
        if not self.read_only:
            with self.write() as session:
                yield session
            return
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session
            session.expunge_all()  # the audit event added: not written
        self.unrecorded += 1

    def close(self) -> None:
        self.engine.dispose()
