"""Migration 0002 (rush hour) on a log written by release 0.1.0: the new columns and tables are
there, the tables stay append-only, the first migration still builds what 0.1.0 built, and the
tables declared in code are the tables the migrations make.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel

from lobby_tui.data import migrate
from lobby_tui.data.search import is_search_table
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor
from lobby_tui.domain.kinds import Kind
from tests.store_fixtures import raw, rows

RELEASE_0_1_0 = Path(__file__).parent / "fixtures" / "release-0.1.0.sqlite"
APPEND_ONLY = ("entry", "revision", "audit_event", "entry_event")
SCHEMA = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"


@pytest.fixture(name="upgraded")
def upgraded_fixture(tmp_path: Path) -> Path:
    """The 0.1.0 log, opened (and so migrated) by this release, with a hand-off followed and
    corrected, so that every append-only table has rows."""
    path = tmp_path / "lobby.sqlite"
    shutil.copy(RELEASE_0_1_0, path)
    store = Store.open(str(path))
    try:
        lobby = store.staff.sign_in("1001", "111111")
        handed = store.entries.add(lobby, Kind.HANDOFF, ticket="V001", target="vip_room")
        store.handoffs.update(lobby, handed.id, "accepted")
        store.entries.revise(lobby, handed.id, {"referral": True}, "客户有理财意向")
        store.drafts.save(lobby, "queue", {"ticket": "A0"})
    finally:
        store.close()
    return path


def migrate_to(path: Path, revision: str) -> None:
    engine = create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS_DIR))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def columns(path: Path, table: str) -> list[str]:
    return [name for _, name, *_ in rows(path, f"PRAGMA table_info({table})")]


def test_the_0_1_0_log_gains_the_new_fields_and_tables(upgraded: Path) -> None:
    assert rows(upgraded, "SELECT version_num FROM alembic_version") == [(migrate.HEAD,)]
    entry_columns = columns(upgraded, "entry")
    start = entry_columns.index("contact")
    assert entry_columns[start : start + 4] == ["contact", "resolved", "referral", "complaint_id"]
    assert columns(upgraded, "entry_event") == [
        "id",
        "entry_id",
        "event",
        "product_sold",
        "note",
        "staff_id",
        "at",
    ]
    assert columns(upgraded, "draft") == ["id", "staff_id", "form", "fields", "updated_at"]
    # The twelve notes of 0.1.0 are kept, with the new fields empty.
    assert rows(
        upgraded,
        "SELECT count(*), count(contact), count(resolved), count(referral) FROM entry "
        "WHERE kind = 'note'",
    ) == [(12, 0, 0, 0)]


@pytest.mark.parametrize("table", APPEND_ONLY)
@pytest.mark.parametrize("verb", ["UPDATE", "DELETE"])
def test_after_the_upgrade_the_database_still_refuses_to_change_records(
    upgraded: Path, table: str, verb: str
) -> None:
    statement = {
        "UPDATE": f"UPDATE {table} SET id = id + 1000",
        "DELETE": f"DELETE FROM {table}",
    }[verb]
    before = rows(upgraded, f"SELECT * FROM {table} ORDER BY id")

    with raw(upgraded) as connection, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        connection.execute(statement)

    assert before
    assert rows(upgraded, f"SELECT * FROM {table} ORDER BY id") == before


def test_drafts_are_working_state_and_may_be_rewritten(upgraded: Path) -> None:
    with raw(upgraded) as connection, connection:
        connection.execute("DELETE FROM draft")

    assert rows(upgraded, "SELECT count(*) FROM draft") == [(0,)]


def test_the_first_migration_still_builds_exactly_what_release_0_1_0_built(tmp_path: Path) -> None:
    path = tmp_path / "lobby.sqlite"

    migrate_to(path, "0001")

    assert rows(path, SCHEMA) == rows(RELEASE_0_1_0, SCHEMA)


def test_an_upgraded_log_and_a_new_one_have_the_same_schema(upgraded: Path, tmp_path: Path) -> None:
    new = tmp_path / "new.sqlite"
    Store.open(str(new)).close()

    assert rows(upgraded, SCHEMA) == rows(new, SCHEMA)


def search_tables_left_out(name: str | None, type_: str, _parents: dict) -> bool:
    return not (type_ == "table" and name is not None and is_search_table(name))


def test_the_tables_in_code_are_the_tables_the_migrations_make(tmp_path: Path) -> None:
    path = tmp_path / "lobby.sqlite"
    store = Store.open(str(path))
    try:
        with store.db.engine.connect() as connection:
            # The FTS5 search tables are virtual tables that no model describes.
            opts = {"compare_type": True, "include_name": search_tables_left_out}
            context = MigrationContext.configure(connection, opts=opts)
            differences = compare_metadata(context, SQLModel.metadata)
    finally:
        store.close()

    assert differences == []


def test_hand_offs_written_before_the_upgrade_are_open_items(tmp_path: Path) -> None:
    # A 0.1.0 demo database has hand-offs that nothing could close: they are all still open.
    path = tmp_path / "lobby.sqlite"
    shutil.copy(RELEASE_0_1_0, path)
    migrate_to(path, "0001")
    with raw(path) as connection, connection:
        connection.execute(
            "INSERT INTO entry (branch_id, staff_id, kind, occurred_at, recorded_at, ticket) "
            "SELECT branch_id, staff_id, 'handoff', occurred_at, recorded_at, 'V009' "
            "FROM entry ORDER BY id LIMIT 1"
        )

    store = Store.open(str(path))
    try:
        items = store.handoffs.open_items(Actor.console())
    finally:
        store.close()

    assert [(item.kind, item.entry.ticket, item.entry.status) for item in items] == [
        ("handoff", "V009", "pending")
    ]
