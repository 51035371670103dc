"""A committed write reaches each screen that shows it once: the screen on top at once, a hidden
one when it is shown again (docs/architecture.md, "Changes as signals")."""

from __future__ import annotations

from collections import Counter

import pytest

from lobby_tui.screens.complaint_case import CaseScreen
from lobby_tui.screens.complaint_list import ComplaintListScreen
from lobby_tui.screens.desk import DeskScreen
from lobby_tui.screens.entry_detail import EntryDetailScreen
from lobby_tui.screens.log_browser import LogBrowserScreen
from lobby_tui.screens.open_items import OpenItemsScreen
from lobby_tui.widgets.form import Form
from tests.conftest import LOBBY, settle, sign_in
from tests.test_complaint_screens import with_cases

WATCHED = (DeskScreen, OpenItemsScreen, ComplaintListScreen, CaseScreen, LogBrowserScreen)


@pytest.fixture
def reloads(monkeypatch) -> Counter:
    """How many times each screen read the log again, by class name."""
    counted: Counter = Counter()
    for screen in WATCHED:
        original = getattr(screen, "reload", None)
        if original is None:
            continue

        def counting(self, _original=original, _name=screen.__name__) -> None:
            counted[_name] += 1
            _original(self)

        monkeypatch.setattr(screen, "reload", counting)
    return counted


async def test_a_revision_and_a_void_reload_the_desk_once_each(db, make_app, reloads):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("n", *"first", "ctrl+s", *"second", "ctrl+s", "escape")
        await settle(pilot)
        reloads.clear()
        await pilot.press("e", "ctrl+s")  # no reason yet: the cursor goes to it
        await settle(pilot)
        app.screen.query_one(Form).widget_for("text").load_text("second, corrected")
        await pilot.press(*"typo", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert reloads == {"DeskScreen": 1}
        reloads.clear()
        await pilot.press("down", "v", *"wrong customer", "enter")
        await settle(pilot)
        assert reloads == {"DeskScreen": 1}


async def test_a_case_step_reloads_the_case_once_and_the_hidden_list_once_when_shown(
    db, make_app, reloads
):
    with_cases(db, 2)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f5", "f5")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        reloads.clear()
        await pilot.press("x", *"CCTV needed", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        assert reloads == {"CaseScreen": 1}  # the list under it waits to be shown
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintListScreen)
        assert reloads == {"CaseScreen": 1, "ComplaintListScreen": 1}


async def test_f7_shows_a_step_made_on_a_case_opened_from_it(db, make_app, reloads):
    with_cases(db, 2)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EntryDetailScreen)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        reloads.clear()
        await pilot.press("x", *"CCTV needed", "ctrl+s")
        await settle(pilot)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, LogBrowserScreen)
        assert reloads == {"CaseScreen": 1, "LogBrowserScreen": 1}
        view = app.screen.query_one("#log-view")
        assert view.current.topic == "extend"  # the step is the newest entry, on top
