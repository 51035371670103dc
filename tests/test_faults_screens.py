"""Every failure is shown, none is swallowed: a screen whose database work fails says so, next
to what the person was doing, and stays usable; sign-in waits out a busy database by itself;
a read-only file opens read-only on purpose; a damaged page is reported, not shown as empty."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import exc
from textual.widgets import Static

from lobby_tui.data.store import Store
from lobby_tui.widgets.header import DutyHeader
from tests.cli_fixtures import Cli
from tests.conftest import LOBBY, REVIEWER, add_reviewer, settle, sign_in
from tests.faults import FAST, until, write_lock
from tests.store_fixtures import rows

DAMAGED = "the database file is damaged"


def with_reviewer(path: Path) -> None:
    store = Store.open(str(path))
    add_reviewer(store)
    store.close()


def said(app) -> list[str]:
    """What the person was told: notifications, and every status line on the screen."""
    told = [str(notification.message) for notification in app._notifications]
    for status in app.screen.query(Static):
        if (status.id or "").endswith("status"):
            told.append(str(status.render()))
    return told


def damaged(*_args, **_kwargs):
    """What SQLite answers a query that meets a damaged page."""
    raise exc.DatabaseError(
        "SELECT …", {}, sqlite3.DatabaseError("database disk image is malformed")
    )


@pytest.mark.parametrize(
    ("keys", "area", "method"),
    [
        (("f6",), "handoffs", "open_items"),
        (("f7",), "log", "page"),
        (("f8",), "summary", "day"),
        (("f5", "f5"), "complaints", "page"),
        (("f9",), "checklists", "of_day"),
    ],
)
async def test_a_screen_whose_database_work_fails_says_so_and_stays_usable(
    db, make_app, monkeypatch, keys, area, method
):
    with_reviewer(db)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *REVIEWER)
        monkeypatch.setattr(getattr(app.store, area), method, damaged)
        await pilot.press(*keys)
        await settle(pilot)
        assert any(f"Could not be done: {DAMAGED}" in line for line in said(app)), said(app)
        monkeypatch.undo()
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.id == "desk"
        await pilot.press("n", *"still working", "ctrl+s")
        await settle(pilot)
    assert rows(db, "SELECT text FROM entry") == [("still working",)]


async def test_the_desk_whose_reload_fails_says_so(db, make_app, monkeypatch):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        monkeypatch.setattr(app.store.entries, "desk", damaged)
        app.screen.reload()
        await settle(pilot)
        assert any(DAMAGED in line for line in said(app))


async def test_a_failure_said_again_while_its_notice_is_up_is_one_notice(db, make_app, monkeypatch):
    # The server out of reach: each form left and each screen shown reloads, and fails alike.
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, *LOBBY)
        monkeypatch.setattr(app.store.entries, "desk", damaged)
        for _ in range(4):
            app.screen.reload()
            await settle(pilot)
        notices = [str(n.message) for n in app._notifications if DAMAGED in str(n.message)]
        assert len(notices) == 1


async def test_sign_in_under_a_held_write_lock_waits_says_so_and_gets_in(db, make_app):
    app = make_app(db, **FAST)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        with write_lock(db) as lock:
            await pilot.press(*LOBBY[0], "enter", *LOBBY[1], "enter")
            await until(pilot, lambda: any("database is busy" in line for line in said(app)))
            assert app.screen.id != "desk"
            lock.release()
            await until(pilot, lambda: app.screen.id == "desk")
            await settle(pilot)
    assert rows(db, "SELECT count(*) FROM shift WHERE signed_in_at IS NOT NULL") == [(1,)]


@pytest.fixture
def read_only_copy(db, tmp_path):
    """The branch's file on a file system mounted read-only, as an archive copy would be."""
    with_reviewer(db)
    folder = tmp_path / "archive"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)], check=True)
    try:
        copy = folder / "branch.sqlite"
        copy.write_bytes(db.read_bytes())
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield copy
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


async def test_a_read_only_file_opens_read_only_and_says_why_keys_are_off(read_only_copy, make_app):
    app = make_app(read_only_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *REVIEWER)
        assert app.screen.id == "desk"
        assert "read-only" in str(app.screen.query_one(DutyHeader).render())
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen.id == "desk"  # refused before anything is typed
        assert any("read-only" in line for line in said(app))
        await pilot.press("f7")
        await settle(pilot)
        assert app.screen.id != "desk"
        assert not any("Could not be done" in line for line in said(app))
        await app.action_quit()
        await pilot.pause()


def test_export_and_report_of_a_read_only_file_work_and_say_the_export_is_unrecorded(
    read_only_copy, tmp_path
):
    cli = Cli(tmp_path)
    export = cli("--db", read_only_copy, "export", "--format", "csv")
    assert export.returncode == 0, export.stderr
    assert "not recorded in its audit log" in export.stderr
    assert export.stdout.splitlines()[0].lstrip("\ufeff").startswith("id,")
    report = cli("--db", read_only_copy, "report")
    assert report.returncode == 0, report.stderr


async def test_f7_on_a_file_with_a_damaged_index_page_reports_it(db, make_app, tmp_path):
    with_reviewer(db)
    [(page_size,)] = rows(db, "PRAGMA page_size")
    [(root,)] = rows(db, "SELECT rootpage FROM sqlite_master WHERE name = 'ix_entry_current_order'")
    with open(db, "r+b") as handle:  # one index page overwritten, as a bad sector would
        handle.seek((root - 1) * page_size)
        handle.write(b"\xff" * page_size)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *REVIEWER)
        await pilot.press("f7")
        await settle(pilot)
        status = str(app.screen.query_one("#log-status", Static).render())
        assert "damaged" in status, said(app)
