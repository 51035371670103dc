"""What staff see, screen by screen, in both languages (pytest-textual-snapshot).

Deterministic on purpose: a fixed clock, a fixed database path, entries at fixed times. After a
deliberate change of a screen, review the new pictures with ``pytest --snapshot-update``.
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Static

from lobby_tui.data.store import Store
from lobby_tui.domain.kinds import Kind
from tests.branch_day import REVIEWER, a_branch_day
from tests.conftest import LOBBY, branch_db, settle, sign_in
from tests.screen_text import screen_text

SIZE = (120, 40)
# 10:30 in Shanghai on a Sunday morning.
NOW = datetime(2026, 11, 29, 2, 30, tzinfo=UTC)
# The desk shows the database in use, so the path must not change from run to run.
FOLDER = Path("/tmp/lobby-tui-snapshots")


@pytest.fixture
def fixed_folder():
    shutil.rmtree(FOLDER, ignore_errors=True)
    FOLDER.mkdir(parents=True)
    yield FOLDER
    shutil.rmtree(FOLDER, ignore_errors=True)


def a_morning(path: Path) -> Path:
    branch_db(path)
    store = Store.open(str(path))
    actor = store.sign_in(*LOBBY)
    morning = [
        (9, 5, Kind.NOTE, "老大爷开卡并存款，已协助填单 [bold]不是标记[/]"),
        (9, 40, Kind.NOTE, "30,000 one-year fixed deposit, customer 13812345678 referred"),
        (10, 10, Kind.NOTE, "ATM 吞卡，已登记，客户明日来领"),
    ]
    for hour, minute, kind, text in morning:
        occurred = datetime(2026, 11, 29, hour - 8, minute, tzinfo=UTC)
        store.add_entry(actor, kind, occurred_at=occurred, text=text)
    store.close()
    return path


async def steady(pilot) -> None:
    """Settle until the screen stops changing, and stop the cursors blinking: a picture must not
    depend on when it is taken. On a loaded machine a panel's reader (the desk's open complaints,
    its checks) may start after a first settle: the picture waits for it."""
    await settle(pilot)
    for field in pilot.app.screen.query("Input, TextArea"):
        field.cursor_blink = False
    shown = None
    for _attempt in range(STEADY_TRIES):
        await pilot.pause(0.05)
        now = screen_text(pilot.app)
        if now == shown:
            return
        shown = now
        await settle(pilot)


STEADY_TRIES = 20


async def desk_loaded(pilot) -> None:
    """Wait for the desk's own readers: its open complaints and its checks, which a loaded
    machine may start after the first settle."""
    desk = next(screen for screen in pilot.app.screen_stack if screen.id == "desk")
    for _attempt in range(STEADY_TRIES):
        if desk.snapshot is not None and desk.complaints and desk.checks:
            return
        await settle(pilot)
        await pilot.pause(0.05)
    raise AssertionError("the desk never finished loading")


def app_for(make_app, path: Path, language: str):
    return make_app(path, language, clock=lambda: NOW)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_first_run_setup(snap_compare, make_app, fixed_folder, language):
    app = app_for(make_app, fixed_folder / "empty.sqlite", language)
    assert snap_compare(app, terminal_size=SIZE, run_before=steady)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_sign_in_with_a_refused_pin(snap_compare, make_app, fixed_folder, language):
    app = app_for(make_app, branch_db(fixed_folder / "branch.sqlite"), language)

    async def refused(pilot):
        await sign_in(pilot, LOBBY[0], "000000")
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=refused)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_desk_on_a_morning(snap_compare, make_app, fixed_folder, language):
    app = app_for(make_app, a_morning(fixed_folder / "branch.sqlite"), language)

    async def signed_in(pilot):
        await sign_in(pilot, *LOBBY)
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=signed_in)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_opening_check_half_walked(snap_compare, make_app, fixed_folder, language):
    app = app_for(make_app, branch_db(fixed_folder / "branch.sqlite"), language)

    async def walking(pilot):
        await sign_in(pilot, *LOBBY)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("1", "o", "o", "p", *"left half dark", "enter", "o", "p")
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=walking)


# -- Readable on the terminal a branch really has: each screen at 80×24 and at 120×40 ------

# How to reach each screen from the desk, signed in as the reviewer.
SCREENS = {
    "desk": (),
    "help": ("f1",),
    "open_items": ("f6",),
    "log": ("f7",),
    "summary": ("f8",),
    "complaint_list": ("f5", "f5"),
    "complaint_case": ("f5", "f5", "enter"),
    "sign_out": "sign out",
}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_each_screen_on_a_small_and_a_large_terminal(
    snap_compare, make_app, fixed_folder, screen, language, size
):
    path = a_branch_day(fixed_folder / "branch.sqlite", language)
    app = app_for(make_app, path, language)

    async def there(pilot):
        await sign_in(pilot, *REVIEWER)
        await desk_loaded(pilot)
        keys = SCREENS[screen]
        if keys == "sign out":
            await pilot.app.run_action("sign_out")
        else:
            await pilot.press(*keys)
        await steady(pilot)
        if screen == "log":
            # F7 says how long its page took: the one thing on screen a clock cannot fix.
            status = pilot.app.screen.query_one("#log-status", Static)
            status.update(re.sub(r"\d+(\s*(ms|毫秒))", r"9\1", str(status.render())))
            await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=there)
