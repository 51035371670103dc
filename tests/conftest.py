"""Fixtures for driving the real app through Textual's Pilot on real SQLite files."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual import events
from textual.keys import _character_to_key

from lobby_tui import locale
from lobby_tui.app import LobbyApp
from lobby_tui.config import Settings
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor
from lobby_tui.domain.roles import Role

ADMIN = ("9001", "999999")
LOBBY = ("1001", "111111")
REVIEWER = ("8001", "888888")


ENGINES = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: about the SQLite file itself; not run on PostgreSQL"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test that uses the ``engine`` fixture (through ``db_path``, ``store``…) runs on each
    database engine, unless it is about the SQLite file itself."""
    if "engine" in metafunc.fixturenames:
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("engine", ENGINES[:1] if only_sqlite else ENGINES)


@pytest.fixture(scope="session")
def pg_cluster():
    """One throw-away PostgreSQL cluster for the whole run (tests/pg.py)."""
    from tests.pg import Cluster

    cluster = Cluster()
    yield cluster
    cluster.stop()


# scrypt's cost in the program: 16 MiB and ~40 ms of CPU per PIN hashed or checked. The suite
# hashes thousands of PINs (each branch's staff, each sign-in); at this cost that was a quarter
# of its CPU time.
PIN_COST = 2**14
TEST_PIN_COST = 2**10


@pytest.fixture(autouse=True, scope="session")
def _cheap_pin_hashes():
    """The same scrypt at a lower cost in the test processes. A hash names its own cost, so a
    program started by a test (tests/terminal.py, the CLI) checks these PINs as cheaply."""
    from lobby_tui.data import pins

    assert pins._N == PIN_COST, "the program's PIN cost changed: say why, then change PIN_COST"
    pins._N = TEST_PIN_COST
    yield
    pins._N = PIN_COST


@pytest.fixture(autouse=True)
def _english_between_tests():
    """Each test starts in English with no translation found missing."""
    locale.install("en")
    locale.missing.clear()
    yield
    locale.install("en")


def branch_db(path: Path) -> Path:
    """A database with a branch, its admin 9001 and a lobby manager 1001."""
    store = Store.open(str(path))
    store.setup(
        branch_code="SH0101",
        branch_name="陆家嘴支行",
        admin_no=ADMIN[0],
        admin_name="张主管",
        pin=ADMIN[1],
    )
    store.staff.add(Actor.console(), LOBBY[0], "李娜", Role.LOBBY, LOBBY[1])
    store.close()
    return path


def add_reviewer(store: Store) -> None:
    """The reviewer 8001, 陈刚, added to the branch."""
    store.staff.add(Actor.console(), REVIEWER[0], "陈刚", Role.REVIEWER, REVIEWER[1])


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return branch_db(tmp_path / "branch.sqlite")


AppFactory = Callable[..., LobbyApp]


@pytest.fixture
def make_app(tmp_path: Path) -> AppFactory:
    def make(
        path: Path,
        language: str = "en",
        *,
        idle_lock_minutes: float = 10,
        keymap: dict[str, str] | None = None,
        clock: Callable[[], datetime] | None = None,
        **settings_given,
    ) -> LobbyApp:
        settings = Settings(
            db=str(path),
            language=language,
            idle_lock_minutes=idle_lock_minutes,
            keymap=keymap or {},
            # A look for other terminals' saves every hour: a test that counts reloads or
            # reads a desk is not moved by one (tests/test_others.py looks every 0.2 s).
            **{"state_dir": tmp_path / "state", "peer_check": 3600, **settings_given},
        )
        return LobbyApp(settings, clock=clock or (lambda: datetime.now(UTC)))

    return make


def type_back_to_back(app, keys: list[str]) -> None:
    """Send ``keys`` as a fast typist or a scanner would: all at once, with no pause for the app
    to catch up (Pilot's ``press`` waits for the app to go idle after every key)."""
    for key in keys:
        name = key
        if len(key) == 1 and not key.isalnum():
            name = _character_to_key(key)
        event = events.Key(name, key if len(key) == 1 else None)
        event.set_sender(app)
        app.post_message(event)  # straight into the app's queue, in order, without waiting


async def settle(pilot, timeout: float = 60) -> None:
    """As ``_settle``, but a test whose app has died fails instead of waiting for ever."""
    await asyncio.wait_for(_settle(pilot), timeout)


async def _settle(pilot) -> None:
    """Let the app's database work finish and its messages be handled: the queued saves, then
    the workers that read (the write queue's own worker runs for the whole session)."""
    app = pilot.app
    for _ in range(3):
        # Every message already queued for the app (keys typed back to back among them) is
        # handled before this callback runs.
        handled = asyncio.get_running_loop().create_future()
        app.call_later(handled.set_result, None)
        await handled
        await pilot.pause()
        await asyncio.to_thread(app.writes.wait_until_empty)
        readers = [worker for worker in app.workers if worker.group != "writes"]
        if readers:  # an empty list would mean "every worker", the write queue's included
            await app.workers.wait_for_complete(readers)
        # The replies the workers posted to the screen, handled before this callback runs.
        replied = asyncio.get_running_loop().create_future()
        if app.screen.call_later(replied.set_result, None):
            await replied
        await pilot.pause()


async def sign_in(pilot, staff_no: str, pin: str) -> None:
    await settle(pilot)
    await pilot.press(*staff_no, "enter", *pin, "enter")
    await settle(pilot)


async def the_reviewer_opens_f7(pilot) -> None:
    """The reviewer 8001 signs in and opens the log browser."""
    await sign_in(pilot, *REVIEWER)
    await pilot.press("f7")
    await settle(pilot)
