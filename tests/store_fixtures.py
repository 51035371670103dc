"""Shared ground for the data-layer tests: a branch database in a temporary folder, its staff.

Every database here is real: a SQLite file, or a database on the run's throw-away PostgreSQL
cluster (tests/pg.py; each data-layer test runs on both, see conftest's ``engine``). What the
store wrote is read back through the store and, where the test is about storage itself,
through the plain driver beside it (``rows``, ``change``).

Test modules import the fixtures by their function names (``store_fixture`` is the fixture
``store``), so they take precedence over any ``conftest.py`` fixture of the same name.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, SignInRefused
from lobby_tui.domain.roles import Role

ROOT = Path(__file__).resolve().parent.parent

BRANCH_CODE = "SH0101"
BRANCH_NAME = "陆家嘴支行"
ADMIN_NO, ADMIN_PIN = "9001", "999999"
LOBBY_NO, LOBBY_PIN = "1001", "111111"
REVIEWER_NO, REVIEWER_PIN = "8001", "888888"
WRONG_PIN = "123456"
# A complaint as the lobby manager registers it: the ATM kept the customer's card.
CARD_COMPLAINT = {
    "channel": "on_site",
    "business": "bank_cards",
    "cause": "facilities",
    "severity": "yellow",
    "complainant_name": "王先生",
    "complainant_contact": "13812345678",
    "facts": "ATM吞卡，客户等了40分钟无人处理，要求当天取回银行卡",
}


def set_up_store(path: Path) -> Store:
    """A new database at ``path`` after the first-run setup: the branch and its admin."""
    store = Store.open(str(path))
    store.setup(
        branch_code=BRANCH_CODE,
        branch_name=BRANCH_NAME,
        admin_no=ADMIN_NO,
        admin_name="张主管",
        pin=ADMIN_PIN,
    )
    return store


def add_staff(store: Store, staff_no: str, pin: str, role: Role = Role.LOBBY) -> None:
    """Add a staff member from the command line, as the admin does before opening day."""
    store.staff.add(Actor.console(), staff_no, f"员工{staff_no}", role, pin)


def set_up_branch(path: Path) -> Store:
    """A new database at ``path`` with the branch, its admin 9001 and the lobby manager 1001."""
    store = set_up_store(path)
    add_staff(store, LOBBY_NO, LOBBY_PIN)
    return store


def refusal(store: Store, staff_no: str, pin: str) -> SignInRefused:
    """The refusal of a sign-in that must be refused; fails the test if it is accepted."""
    with pytest.raises(SignInRefused) as caught:
        store.staff.sign_in(staff_no, pin)
    return caught.value


@contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain ``sqlite3`` connection to the file, beside the store's own engine."""
    with closing(sqlite3.connect(path, timeout=10)) as connection:
        yield connection


def rows(path: Path | str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """``sql`` (``?`` for each parameter) run beside the store: plain ``sqlite3`` on a file,
    plain ``psycopg`` on a PostgreSQL URL."""
    if is_postgresql(path):
        return pg_rows(str(path), sql.replace("?", "%s"), params)
    with raw(path) as connection:
        return connection.execute(sql, params).fetchall()


def change(path: Path | str, sql: str, *params: Any) -> None:
    """Run and commit ``sql`` beside the store, as someone with the file or the server would;
    the driver's own error (``REFUSED``) when the database refuses it."""
    if is_postgresql(path):
        pg_rows(str(path), sql.replace("?", "%s"), params, fetch=False)
        return
    with raw(path) as connection:
        connection.execute(sql, params)
        connection.commit()


def is_postgresql(database: Path | str) -> bool:
    return str(database).startswith("postgresql")


def pg_rows(
    url: str, sql: str, params: tuple[Any, ...], *, fetch: bool = True
) -> list[tuple[Any, ...]]:
    parsed = make_url(url)
    with psycopg.connect(
        host=parsed.query["host"], user=parsed.username, dbname=parsed.database
    ) as connection:
        cursor = connection.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()] if fetch else []


# What either driver raises when the database refuses a statement (a trigger, a constraint).
REFUSED = (sqlite3.DatabaseError, psycopg.Error)


def audit_actions(path: Path, action: str) -> list[tuple[str, int | None, str]]:
    """``(actor, staff_id, detail)`` of every audit event named ``action``, oldest first."""
    return rows(
        path,
        "SELECT actor, staff_id, detail FROM audit_event WHERE action = ? ORDER BY id",
        action,
    )


def failed_attempts(path: Path, staff_no: str) -> int:
    return rows(path, "SELECT failed_attempts FROM staff WHERE staff_no = ?", staff_no)[0][0]


@pytest.fixture(name="db_path")
def db_path_fixture(tmp_path: Path, engine: str, request: pytest.FixtureRequest) -> Path | str:
    """Where the test's database is: a file in the test's folder, or a new database on the
    run's PostgreSQL cluster (the data-layer tests run on both; see conftest's ``engine``)."""
    if engine == "postgresql":
        return request.getfixturevalue("pg_cluster").new_database()
    return tmp_path / "lobby.sqlite"


@pytest.fixture(name="store")
def store_fixture(db_path: Path) -> Iterator[Store]:
    """A set-up branch with its admin (9001) and one lobby manager (1001)."""
    store = set_up_branch(db_path)
    yield store
    store.close()


@pytest.fixture(name="lobby")
def lobby_fixture(store: Store) -> Actor:
    """The lobby manager 1001, signed in for the day."""
    return store.staff.sign_in(LOBBY_NO, LOBBY_PIN)


@pytest.fixture(name="admin")
def admin_fixture(store: Store) -> Actor:
    """The branch admin 9001, signed in."""
    return store.staff.sign_in(ADMIN_NO, ADMIN_PIN)


@pytest.fixture(name="reviewer")
def reviewer_fixture(store: Store) -> Actor:
    """The reviewer 8001, added to the branch and signed in."""
    add_staff(store, REVIEWER_NO, REVIEWER_PIN, Role.REVIEWER)
    return store.staff.sign_in(REVIEWER_NO, REVIEWER_PIN)
