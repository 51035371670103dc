"""Several terminals write the same database file at once, and nothing is lost.

Rush hour with four terminals on one branch database: four processes start on a barrier, each
types a wrong PIN for the same ten colleagues in the same order, then each signs in its own
account and writes 25 notes. Every failed attempt must be counted and every note kept.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import traceback
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from lobby_tui.data.engine import BUSY_TIMEOUT_SECONDS, Database, database_url
from lobby_tui.data.store import Store
from lobby_tui.data.views import SignInRefused
from tests.store_fixtures import (  # noqa: F401
    CARD_COMPLAINT,
    LOBBY_PIN,
    WRONG_PIN,
    add_staff,
    audit_actions,
    db_path_fixture,
    failed_attempts,
    rows,
    set_up_store,
)

PROCESSES = 4
COLLEAGUES = [f"10{n:02d}" for n in range(1, 11)]
WRITER_PIN = "555555"
NOTES_EACH = 25
START_TIMEOUT_S = 60


def writer_no(process: int) -> str:
    return f"20{process:02d}"


def note_text(process: int, number: int) -> str:
    return f"终端{process}：第{number}条记录"


def terminal(db_path: str, process: int, start: Any, results: Any) -> None:
    """One terminal's morning; reports "ok" or the traceback on ``results``."""
    try:
        store = Store.open(db_path)
        start.wait(START_TIMEOUT_S)
        for staff_no in COLLEAGUES:
            try:
                store.staff.sign_in(staff_no, WRONG_PIN)
            except SignInRefused as refused:
                if refused.reason != "wrong_pin":
                    raise AssertionError(f"{staff_no}: refused as {refused.reason}") from None
            else:
                raise AssertionError(f"{staff_no}: a wrong PIN was accepted")
        start.wait(START_TIMEOUT_S)
        actor = store.staff.sign_in(writer_no(process), WRITER_PIN)
        for number in range(NOTES_EACH):
            store.entries.add_note(actor, note_text(process, number))
        store.close()
    except BaseException:
        results.put((process, traceback.format_exc()))
        raise
    results.put((process, "ok"))


def prepare_branch(path: Path) -> None:
    """The branch, its admin, ten lobby colleagues and one account per terminal."""
    store = set_up_store(path)
    for staff_no in COLLEAGUES:
        add_staff(store, staff_no, LOBBY_PIN)
    for process in range(PROCESSES):
        add_staff(store, writer_no(process), WRITER_PIN)
    store.close()


def run_terminals(path: Path | str, morning: Callable[..., None] = terminal) -> dict[int, str]:
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(PROCESSES)
    results = context.Queue()
    terminals = [
        context.Process(target=morning, args=(str(path), process, start, results))
        for process in range(PROCESSES)
    ]
    for process in terminals:
        process.start()
    try:
        reports = dict(results.get(timeout=2 * START_TIMEOUT_S) for _ in terminals)
    finally:
        for process in terminals:
            process.join(timeout=START_TIMEOUT_S)
            if process.is_alive():
                process.kill()
    assert [process.exitcode for process in terminals] == [0] * PROCESSES, reports
    return reports


def test_four_terminals_at_once_lose_no_failed_attempt_and_no_note(db_path: Path | str) -> None:
    path = db_path
    prepare_branch(path)

    reports = run_terminals(path)

    assert reports == dict.fromkeys(range(PROCESSES), "ok")
    assert {no: failed_attempts(path, no) for no in COLLEAGUES} == dict.fromkeys(
        COLLEAGUES, PROCESSES
    )
    assert len(audit_actions(path, "sign_in_failed")) == PROCESSES * len(COLLEAGUES)
    assert audit_actions(path, "lock") == []
    notes = [text for (text,) in rows(path, "SELECT text FROM entry WHERE kind = 'note'")]
    assert len(notes) == PROCESSES * NOTES_EACH
    assert set(notes) == {
        note_text(process, number) for process in range(PROCESSES) for number in range(NOTES_EACH)
    }


CASES_EACH = 50


def complaint_terminal(db_path: str, process: int, start: Any, results: Any) -> None:
    """A rush of complaints and notes from one terminal, all at once with the others."""
    try:
        store = Store.open(db_path)
        actor = store.staff.sign_in(writer_no(process), WRITER_PIN)
        start.wait(START_TIMEOUT_S)
        for number in range(CASES_EACH):
            store.complaints.register(actor, **CARD_COMPLAINT)
            store.entries.add_note(actor, note_text(process, number))
        store.close()
    except BaseException:
        results.put((process, traceback.format_exc()))
        raise
    results.put((process, "ok"))


def test_four_terminals_registering_complaints_at_once_get_gap_free_case_numbers(
    db_path: Path | str,
) -> None:
    prepare_branch(db_path)

    reports = run_terminals(db_path, complaint_terminal)

    assert reports == dict.fromkeys(range(PROCESSES), "ok")
    numbers = [number for (number,) in rows(db_path, "SELECT number FROM complaint_case")]
    assert len(numbers) == PROCESSES * CASES_EACH
    by_day: dict[str, list[int]] = {}
    for number in numbers:
        _, day, serial = number.split("-")
        by_day.setdefault(day, []).append(int(serial))
    for serials in by_day.values():
        assert sorted(serials) == list(range(1, len(serials) + 1))
    notes = rows(db_path, "SELECT count(*) FROM entry WHERE kind = 'note'")
    assert notes == [(PROCESSES * CASES_EACH,)]


# -- how the sessions talk to SQLite ----------------------------------------------------------


@pytest.fixture(name="traced")
def traced_fixture(tmp_path: Path) -> Iterator[tuple[Database, list[str]]]:
    """A set-up database opened afresh, with every statement SQLite itself runs recorded.

    The trace is set on the raw ``sqlite3`` connection, so it also records any BEGIN or COMMIT
    the driver would issue on its own, not only what SQLAlchemy sends.
    """
    path = tmp_path / "lobby.sqlite"
    set_up_store(path).close()
    database = Database(database_url(str(path)))
    statements: list[str] = []
    event.listen(
        database.engine, "connect", lambda dbapi, _: dbapi.set_trace_callback(statements.append)
    )
    yield database, statements
    database.close()


@contextmanager
def other_terminal(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """Another terminal on the same file that will not wait for a lock."""
    with closing(sqlite3.connect(tmp_path / "lobby.sqlite", timeout=0)) as connection:
        yield connection


def around(statements: list[str], marker: str) -> tuple[str, str]:
    """What SQLite ran on the session's connection just before and just after the tagged query."""
    at = next(i for i, sql in enumerate(statements) if marker in sql)
    return statements[at - 1], statements[at + 1]


def test_a_write_session_takes_the_write_lock_with_begin_immediate(
    traced: tuple[Database, list[str]], tmp_path: Path
) -> None:
    database, statements = traced

    with database.write() as session:
        session.connection().exec_driver_sql("SELECT count(*) FROM staff -- write-probe")
        # Another terminal cannot start writing now, although this one has only read so far.
        with (
            other_terminal(tmp_path) as other,
            pytest.raises(sqlite3.OperationalError, match="locked"),
        ):
            other.execute("BEGIN IMMEDIATE")

    assert around(statements, "write-probe") == ("BEGIN IMMEDIATE", "COMMIT")


def test_a_read_session_runs_in_a_plain_begin_and_leaves_writers_free(
    traced: tuple[Database, list[str]], tmp_path: Path
) -> None:
    database, statements = traced

    with database.read() as session:
        session.connection().exec_driver_sql("SELECT count(*) FROM staff -- read-probe")
        assert session.connection().connection.driver_connection.in_transaction
        with other_terminal(tmp_path) as other:
            other.execute("BEGIN IMMEDIATE")
            other.rollback()

    assert around(statements, "read-probe") == ("BEGIN", "COMMIT")


def test_a_read_of_plain_rows_runs_in_a_plain_begin_with_no_listener_on_its_engine(
    traced: tuple[Database, list[str]], tmp_path: Path
) -> None:
    database, statements = traced

    with database.read_rows() as connection:
        connection.exec_driver_sql("SELECT count(*) FROM staff -- rows-probe")
        connection.exec_driver_sql("SELECT count(*) FROM entry -- rows-probe-2")
        assert connection.connection.driver_connection.in_transaction
        with other_terminal(tmp_path) as other:
            other.execute("BEGIN IMMEDIATE")
            other.rollback()

    assert around(statements, "rows-probe")[0] == "BEGIN"
    assert around(statements, "rows-probe-2")[1] == "COMMIT"
    # The BEGIN comes from the dialect, not from a listener: an engine with a connection
    # listener has SQLAlchemy look for listeners at every step of every connection (a page
    # of the log paid a fifth of its time outside SQLite for it). Only writes have one.
    assert not database.engine._has_events


def pragma(engine: Engine, name: str) -> Any:
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_every_connection_runs_wal_full_sync_busy_timeout_and_foreign_keys(
    traced: tuple[Database, list[str]],
) -> None:
    database, _ = traced

    assert pragma(database.engine, "journal_mode") == "wal"
    assert pragma(database.engine, "synchronous") == 2  # FULL
    assert pragma(database.engine, "foreign_keys") == 1
    assert pragma(database.engine, "busy_timeout") == BUSY_TIMEOUT_SECONDS * 1000 > 0
