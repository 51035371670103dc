"""Schema migrations: the head is known without Alembic, and an older release's log still opens."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from lobby_tui.data import migrate
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor
from tests.store_fixtures import ROOT, rows, set_up_store

FIXTURES = Path(__file__).parent / "fixtures"
RELEASE_0_1_0 = FIXTURES / "release-0.1.0.sqlite"
TABLES = {"branch", "staff", "shift", "entry", "revision", "audit_event"}

# Run in a fresh interpreter: open the database, then say whether Alembic was ever imported.
OPEN_AND_REPORT = """
import json, sys
from lobby_tui.data.store import Store
Store.open(sys.argv[1]).close()
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] == "alembic")))
"""


def alembic_modules_after_opening(path: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", OPEN_AND_REPORT, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


def test_head_is_alembics_own_head_revision() -> None:
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(config)

    assert script.get_heads() == [migrate.HEAD]


def test_a_new_database_is_created_at_head_with_every_table(tmp_path: Path) -> None:
    path = tmp_path / "lobby.sqlite"

    Store.open(str(path)).close()

    assert rows(path, "SELECT version_num FROM alembic_version") == [(migrate.HEAD,)]
    tables = {name for (name,) in rows(path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables >= TABLES


def test_opening_a_database_already_at_head_does_not_import_alembic(tmp_path: Path) -> None:
    path = tmp_path / "lobby.sqlite"
    set_up_store(path).close()

    assert alembic_modules_after_opening(path) == []


def test_opening_a_new_database_does_import_alembic_to_create_it(tmp_path: Path) -> None:
    # The check above can fail: the same probe sees Alembic when a migration has to run.
    assert "alembic" in alembic_modules_after_opening(tmp_path / "new.sqlite")


def test_the_log_written_by_release_0_1_0_opens_with_every_entry(tmp_path: Path) -> None:
    path = tmp_path / "lobby.sqlite"
    shutil.copy(RELEASE_0_1_0, path)
    written = json.loads((FIXTURES / "release-0.1.0.json").read_text(encoding="utf-8"))

    store = Store.open(str(path))
    try:
        kept = {
            entry.id: {"id": entry.id, "kind": entry.kind, "text": entry.text}
            for entry, _ in store.log.between(Actor.console(), None, None)
        }
        assert len(written) == 12
        assert [kept.get(entry["id"]) for entry in written] == written
        assert store.branches.get().code == "FIX01"
        assert store.staff.sign_in("1001", "111111").staff_no == "1001"
    finally:
        store.close()
    assert rows(path, "SELECT version_num FROM alembic_version") == [(migrate.HEAD,)]


def test_a_number_the_old_masking_missed_is_no_longer_searchable_after_the_upgrade(
    tmp_path: Path,
) -> None:
    """0010 builds the search index again with today's masking."""
    from lobby_tui.data.search import TRIGRAM_TABLE
    from lobby_tui.data.views import LogFilter
    from lobby_tui.domain.roles import Role
    from tests.store_fixtures import (
        LOBBY_NO,
        LOBBY_PIN,
        REVIEWER_NO,
        REVIEWER_PIN,
        add_staff,
        set_up_branch,
    )

    path = tmp_path / "lobby.sqlite"
    store = set_up_branch(path)
    add_staff(store, REVIEWER_NO, REVIEWER_PIN, Role.REVIEWER)
    store.entries.add_note(
        store.staff.sign_in(LOBBY_NO, LOBBY_PIN), "卡号6222021234567890123已挂失"
    )
    store.close()
    with closing(sqlite3.connect(path)) as connection, connection:
        # As an earlier release indexed it: the card number in clear.
        connection.execute("UPDATE entry_current SET search_text = '卡号6222021234567890123已挂失'")
        connection.execute(f"INSERT INTO {TRIGRAM_TABLE}({TRIGRAM_TABLE}) VALUES ('rebuild')")
        connection.execute("UPDATE alembic_version SET version_num = '0009'")
        connection.execute("DROP TABLE branch_grant")  # 0011's, made again on the way up

    store = Store.open(str(path))
    reviewer = store.staff.sign_in(REVIEWER_NO, REVIEWER_PIN)
    found = store.log.page(reviewer, LogFilter(text="1234567890123"))
    kept = store.log.page(reviewer, LogFilter(text="已挂失"))
    store.close()

    assert found.entries == []
    assert len(kept.entries) == 1
