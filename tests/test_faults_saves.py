"""Nothing lost under faults: saves made while the database cannot take them wait in the
pending-saves queue, outside the database, and land once, in order, when the fault clears."""

from __future__ import annotations

import time

from textual.widgets import Static

from lobby_tui.data.engine import database_url
from lobby_tui.data.pending import PendingSaves, journal_path
from lobby_tui.widgets.form import Form
from lobby_tui.widgets.header import DutyHeader
from tests.conftest import LOBBY, settle, sign_in
from tests.faults import FAST, SmallDisk, WriteLock, notes_in, until, write_lock
from tests.store_fixtures import rows
from tests.terminal import Terminal


def header_text(app) -> str:
    return str(app.screen.query_one(DutyHeader).render())


async def test_three_notes_saved_under_a_held_write_lock_all_land_in_order_once(
    db, make_app, tmp_path
):
    app = make_app(db, **FAST)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("n")
        with write_lock(db) as lock:
            for number in (1, 2, 3):
                await pilot.press(*f"LOCK-{number}", "ctrl+s")
                await pilot.pause(0.3)
            await until(pilot, lambda: app.writes.status() == (3, "busy"))
            # The person sees why, and has an empty form for the next customer.
            assert "3 waiting to save: the database is busy" in header_text(app)
            assert app.screen.query_one(Form).values() == {"text": ""}
            assert notes_in(db) == []
            journal = PendingSaves(journal_path(tmp_path / "state", database_url(str(db))))
            waiting, _returned = journal.load()
            assert [save.fields["text"] for save in waiting] == ["LOCK-1", "LOCK-2", "LOCK-3"]
            lock.release()
            await until(pilot, lambda: app.writes.waiting == 0)
        await settle(pilot)
        assert "waiting to save" not in header_text(app)
        status = str(app.screen.query_one("#form-status", Static).content)
        assert status.startswith("saved #")
    assert notes_in(db) == ["LOCK-1", "LOCK-2", "LOCK-3"]
    # Each happened when its key was pressed, not when it finally landed.
    occurred = rows(db, "SELECT occurred_at, recorded_at FROM entry WHERE kind = 'note'")
    assert all(at < recorded for at, recorded in occurred)


async def test_a_note_typed_while_saves_wait_is_never_dropped(db, make_app):
    """The repro of the bug: the second of three saves vanished under "nothing lost"."""
    app = make_app(db, **FAST)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("n")
        with write_lock(db) as lock:
            await pilot.press(*"LOCK-1", "ctrl+s")
            await until(pilot, lambda: app.writes.status()[1] is not None)
            await pilot.press(*"LOCK-2", "ctrl+s", *"LOCK-3")  # the third still being typed
            await pilot.pause(0.3)
            lock.release()
            await until(pilot, lambda: app.writes.waiting == 0)
            await pilot.press("ctrl+s")
            await settle(pilot)
    assert notes_in(db) == ["LOCK-1", "LOCK-2", "LOCK-3"]


async def test_saves_on_a_full_disk_land_once_the_disk_has_room(db, make_app, tmp_path):
    disk = SmallDisk(tmp_path / "small")
    try:
        on_disk = disk.folder / "branch.sqlite"
        on_disk.write_bytes(db.read_bytes())
        # The journal is on the same full disk, as the user's folders would be.
        app = make_app(on_disk, state_dir=disk.folder / "state", **FAST)
        async with app.run_test(size=(120, 40)) as pilot:
            await sign_in(pilot, *LOBBY)
            await pilot.press("n")
            disk.fill()
            for number in (1, 2, 3):
                await pilot.press(*f"FULL-{number}", "ctrl+s")
                await pilot.pause(0.3)
            await until(pilot, lambda: app.writes.status() == (3, "disk_full"))
            assert "3 waiting to save: the disk is full" in header_text(app)
            disk.free()
            await until(pilot, lambda: app.writes.waiting == 0)
            await settle(pilot)
        assert [text[:6] for text in notes_in(on_disk)] == ["FULL-1", "FULL-2", "FULL-3"]
    finally:
        disk.unmount()


def test_saves_waiting_when_the_terminal_is_killed_land_at_the_next_start(db, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("busy_timeout_seconds = 0.2\nsave_retry_seconds = 0.1\n")
    args = ("--db", str(db), "--lang", "en", "--config", str(config))
    terminal = Terminal(*args, home=tmp_path)
    try:
        terminal.wait_for("Staff number")
        terminal.type(f"{LOBBY[0]}\r{LOBBY[1]}\r")
        terminal.wait_for("Today's duty log")
        terminal.type("n")
        terminal.wait_for("Ctrl+S")
        with write_lock(db):
            for number in (1, 2, 3):
                terminal.type(f"KILL-{number}\x13")  # Ctrl+S
                time.sleep(0.3)
            terminal.wait_for("3 waiting to save")
            terminal.kill()
    finally:
        if terminal.process.poll() is None:
            terminal.kill()
    assert notes_in(db) == []

    again = Terminal(*args, home=tmp_path)
    try:
        again.wait_for("Staff number")
        deadline = time.monotonic() + 20
        while notes_in(db) != ["KILL-1", "KILL-2", "KILL-3"] and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        again.kill()
    assert notes_in(db) == ["KILL-1", "KILL-2", "KILL-3"]


async def test_a_save_refused_for_good_comes_back_into_its_form_never_dropped(
    db, make_app, tmp_path
):
    app = make_app(db, **FAST)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("n")
        with write_lock(db) as lock:
            await pilot.press(*"ONE", "ctrl+s")
            await until(pilot, lambda: app.writes.status() == (1, "busy"))
            await pilot.press(*"TWO")  # the next one being typed when the refusal comes
            # The holder of the lock disables the account: no retry can change that.
            lock.execute("UPDATE staff SET active = 0 WHERE staff_no = ?", LOBBY[0])
            lock.release()
            await until(pilot, lambda: app.writes.waiting == 0)
        await settle(pilot)
        assert [save.fields for save in app.returned] == [{"text": "ONE"}]
        assert any("Not saved" in str(n.message) for n in app._notifications)
        assert app.screen.query_one(Form).values() == {"text": "TWO"}
        # The admin enables the account again; TWO is saved, and ONE is back in the form.
        with write_lock(db) as lock:
            lock.execute("UPDATE staff SET active = 1 WHERE staff_no = ?", LOBBY[0])
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.query_one(Form).values() == {"text": "ONE"}
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert notes_in(db) == ["TWO", "ONE"]
    journal = PendingSaves(journal_path(tmp_path / "state", database_url(str(db))))
    assert journal.load() == ([], [])


async def test_quitting_with_saves_waiting_asks_first_and_keeps_them(db, make_app, tmp_path):
    app = make_app(db, **FAST)
    lock = None
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await sign_in(pilot, *LOBBY)
            await pilot.press("n")
            lock = WriteLock(db)  # held until the app has ended
            await pilot.press(*"WAIT", "ctrl+s")
            await until(pilot, lambda: app.writes.status() == (1, "busy"))
            await pilot.press("ctrl+q")
            await until(pilot, lambda: app.screen.id == "quit-waiting")
            await pilot.press("escape")  # stay
            await pilot.pause()
            assert app.screen.id == "note"
            await pilot.press("ctrl+q")
            await until(pilot, lambda: app.screen.id == "quit-waiting")
            await pilot.press("enter")
            await until(pilot, lambda: app.return_code is not None or not app.is_running)
        journal = PendingSaves(journal_path(tmp_path / "state", database_url(str(db))))
        waiting, _returned = journal.load()
        assert [save.fields for save in waiting] == [{"text": "WAIT"}]
        assert notes_in(db) == []
    finally:
        if lock is not None:
            lock.release()
