"""Schema migrations: the head is known without Alembic, and an older release's log still opens."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
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
            for entry, _ in store.entries_between(Actor.console(), None, None)
        }
        assert len(written) == 12
        assert [kept.get(entry["id"]) for entry in written] == written
        assert store.branch().code == "FIX01"
        assert store.sign_in("1001", "111111").staff_no == "1001"
    finally:
        store.close()
    assert rows(path, "SELECT version_num FROM alembic_version") == [(migrate.HEAD,)]
