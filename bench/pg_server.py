"""The PostgreSQL server that the pg_* sections measure against: a throw-away cluster holding the
1,000,000-entry demo, built once per run and removed when the run ends.

The cluster is tests/pg.py's (``initdb`` into a temporary folder, a Unix socket of its own, no TCP
port; as root it runs as the ``postgres`` user). The demo is written by the same code as the
SQLite million (``lobby_tui.data.demo.build_demo``): the app's own migrations, its bulk writes,
the log's current view, the trigram index and the hash chain, so the rows are the rows the app
reads. It is written with ``fsync`` off, to build in minutes; the database is then vacuumed and
analysed (what autovacuum would have done by the time anyone browses a million entries), and the
server restarted with PostgreSQL's own durable defaults (``fsync``, ``synchronous_commit``,
``full_page_writes`` on), so that a save costs what it costs on a real server.

A section that finds no server to start raises BenchError with the reason (the report says it
could not measure, and why), and so does every later one, without trying again.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Any

from results import BenchError, Row

ROWS = 1_000_000
DAYS = 365
ROOT = Path(__file__).resolve().parents[1]


class ServerDb(str):
    """A database URL that the Pilot helpers take where they take a SQLite file: ``str(db)`` is
    the URL, and ``db.parent`` a folder of the bench's own for the app's state (its pending-saves
    journal), as a file's folder is for the SQLite sections."""

    parent: Path

    def __new__(cls, url: str, state: Path) -> ServerDb:
        made = super().__new__(cls, url)
        made.parent = state
        return made


@dataclass(frozen=True)
class ServerMillion:
    """The demo on the server, and what it holds."""

    db: ServerDb
    entries: int
    entries_today: int
    build_seconds: float
    server_version: str

    def rows(self) -> list[Row]:
        """The rows every pg_* section starts its table with."""
        return [
            Row(
                "database",
                f"PostgreSQL {self.server_version}, {self.entries:,} entries,"
                f" {self.entries_today:,} of them today",
            ),
        ]

    def notes(self) -> list[str]:
        return [
            f"the demo was built on a throw-away cluster in {self.build_seconds:.0f} s"
            " (fsync off while building; measured with the server's durable defaults)"
        ]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("PostgreSQL (pg_* sections)")
    group.add_argument(
        "--pg-rows",
        type=_at_least_one,
        default=ROWS,
        metavar="N",
        help=f"entries in the server's demo (default: {ROWS:,})",
    )


def _at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


# The server of this run, once started (or why it could not be), shared by the pg_* sections.
_built: dict[int, ServerMillion] = {}
_cluster: list[Any] = []
_failed: list[str] = []


def server_million(args: argparse.Namespace) -> ServerMillion:
    """The demo of ``--pg-rows`` entries on this run's server: built on first use."""
    if _failed:
        raise BenchError(_failed[0])
    rows = args.pg_rows
    if rows not in _built:
        try:
            _built[rows] = _build(rows)
        except BenchError as error:
            _failed.append(str(error))
            raise
    return _built[rows]


def cluster() -> Any:
    """The running cluster (tests/pg.py's ``Cluster``); started by ``server_million`` first."""
    return _cluster[0]


def _start() -> Any:
    if str(ROOT) not in sys.path:
        sys.path.append(str(ROOT))
    from tests.pg import Cluster

    try:
        started = Cluster()
    except (AssertionError, OSError) as error:
        message = f"no PostgreSQL server could be started: {_line(error)}"
        raise BenchError(message) from error
    _cluster.append(started)
    atexit.register(_remove)
    # A bench stopped with SIGTERM (a CI timeout, kill) must not leave the server running:
    # exiting through SystemExit runs the atexit handler that removes it.
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(128 + signal.SIGTERM))
    return started


def _build(rows: int) -> ServerMillion:
    running = _cluster[0] if _cluster else _start()
    name = f"million_{rows}"
    running._execute(f'CREATE DATABASE "{name}"')
    url = running.url(name)
    _progress(f"building {rows:,} entries on a throw-away PostgreSQL server …")
    started = perf_counter()
    try:
        from lobby_tui.data.demo import build_demo

        build_demo(url, days=DAYS, entries=rows)
        _vacuum(running, name)
        built = perf_counter() - started
        _durable(running)
    except BenchError:
        raise
    except Exception as error:
        raise BenchError(
            f"cannot build the {rows:,}-entry demo on the server: {type(error).__name__}:"
            f" {_line(error)}"
        ) from error
    finally:
        _progress("")
    state = Path(tempfile.mkdtemp(prefix="lobby-tui-bench-state-"))
    atexit.register(shutil.rmtree, state, True)
    entries, today, version = _contents(url)
    return ServerMillion(ServerDb(url, state), entries, today, built, version)


def _vacuum(running: Any, name: str) -> None:
    import psycopg

    with psycopg.connect(
        host=str(running.socket), user=running.user, dbname=name, autocommit=True
    ) as connection:
        connection.execute("VACUUM (ANALYZE)")


def _durable(running: Any) -> None:
    """Restart the server with fsync, synchronous commits and full-page writes on (the
    defaults that tests/pg.py turns off for speed)."""
    running.stop_server()
    running._options = f"-k {running.socket} -c listen_addresses='' -c max_connections=200"
    running.start_server()


def _contents(url: str) -> tuple[int, int, str]:
    from sqlalchemy import create_engine, func, select, text

    from lobby_tui.data.models import Branch, Entry
    from lobby_tui.domain.clock import branch_today, branch_zone, day_bounds

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            zone = branch_zone(connection.execute(select(Branch.time_zone)).scalar())
            start, end = day_bounds(branch_today(zone), zone)
            entries = connection.execute(select(func.count()).select_from(Entry)).scalar()
            today = connection.execute(
                select(func.count())
                .select_from(Entry)
                .where((Entry.occurred_at >= start) & (Entry.occurred_at < end))
            ).scalar()
            version = connection.execute(text("SHOW server_version")).scalar()
    finally:
        engine.dispose()
    return entries or 0, today or 0, str(version).split()[0]


def _remove() -> None:
    while _cluster:
        with contextlib.suppress(Exception):
            _cluster.pop().stop()


def _line(error: BaseException) -> str:
    return (str(error).strip() or type(error).__name__).splitlines()[0]


def _progress(message: str) -> None:
    """A one-line status on an interactive stderr, overwritten in place; silent in CI logs."""
    if sys.stderr.isatty():
        sys.stderr.write(f"\r\x1b[2K{message}")
        sys.stderr.flush()
