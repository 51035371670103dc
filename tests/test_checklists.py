"""Checklists (F9): a walk stored item by item, a problem becoming a ``check`` entry, and the
desk showing which checks are done today."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, CheckAnswer, PermissionDenied
from lobby_tui.domain.clock import branch_today, branch_zone
from lobby_tui.domain.lists import default_lists
from lobby_tui.domain.validation import ValidationError
from lobby_tui.screens.checklists import ChecklistsScreen
from lobby_tui.screens.desk import DeskScreen
from lobby_tui.widgets.timeline import Timeline
from tests.conftest import LOBBY, settle, sign_in, type_back_to_back

# The *_fixture names are pytest fixtures (db_path, store, lobby): pytest finds them here.
from tests.store_fixtures import (  # noqa: F401
    REFUSED,
    audit_actions,
    change,
    db_path_fixture,
    lobby_fixture,
    rows,
    store_fixture,
)

OPENING = default_lists().checklist["opening"]


def opening_walk(problem: str | None = None) -> list[CheckAnswer]:
    """The opening check as staff walk it: every item OK but the LED screen, if ``problem``."""
    return [
        CheckAnswer(
            item.code,
            item.zh,
            ok=not (problem and item.code == "led_screen"),
            note=problem if item.code == "led_screen" else None,
        )
        for item in OPENING
    ]


def today() -> date:
    return branch_today(branch_zone(None))


# -- the store -------------------------------------------------------------------------------


def test_the_opening_check_with_a_dark_led_screen_logs_one_check_entry(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    run = store.checklists.record(lobby, "opening", opening_walk("左侧屏幕不亮"))

    [entry] = run.entries
    assert (entry.kind, entry.text, entry.shift_id) == (
        "check",
        "LED 屏显示正常: 左侧屏幕不亮",
        lobby.shift_id,
    )
    stored = rows(
        db_path,
        "SELECT checklist, item, ok, note, entry_id, staff_id, shift_id FROM check_result "
        "ORDER BY id",
    )
    assert len(stored) == len(OPENING)
    assert [row for row in stored if not row[2]] == [
        ("opening", "led_screen", 0, "左侧屏幕不亮", entry.id, lobby.staff_id, lobby.shift_id)
    ]
    assert all(row[4] is None for row in stored if row[2])
    desk = store.entries.desk(lobby)
    assert desk.counts == {"check": 1}
    assert audit_actions(db_path, "checklist")[0][1] == lobby.staff_id


def test_the_day_says_which_checks_were_done_and_their_problems(store: Store, lobby: Actor) -> None:
    store.checklists.record(lobby, "opening", opening_walk("左侧屏幕不亮"))
    store.checklists.record(lobby, "closing", [CheckAnswer("lobby_clear", "大堂无滞留人员", True)])

    days = store.checklists.of_day(lobby, today())

    assert [(d.checklist, d.done, d.problems, d.staff_no) for d in days] == [
        ("opening", True, 1, lobby.staff_no),
        ("midday", False, 0, None),
        ("closing", True, 0, lobby.staff_no),
    ]
    yesterday = store.checklists.of_day(Actor.console(), today() - timedelta(days=1))
    assert [day.done for day in yesterday] == [False, False, False]


def test_a_problem_without_its_note_is_refused_and_nothing_is_stored(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    with pytest.raises(ValidationError) as refused:
        store.checklists.record(lobby, "opening", opening_walk("   "))

    assert refused.value.field == "led_screen"
    assert rows(db_path, "SELECT count(*) FROM check_result") == [(0,)]
    assert rows(db_path, "SELECT count(*) FROM entry") == [(0,)]


def test_results_are_append_only_and_a_walk_needs_a_signed_in_shift(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    store.checklists.record(lobby, "midday", [CheckAnswer("lobby_order", "大堂秩序", True)])

    with pytest.raises(REFUSED, match="append-only"):
        change(db_path, "UPDATE check_result SET ok = false")
    with pytest.raises(REFUSED, match="append-only"):
        change(db_path, "DELETE FROM check_result")
    with pytest.raises(PermissionDenied):
        store.checklists.record(Actor.console(), "midday", [CheckAnswer("x", "x", True)])
    with pytest.raises(ValueError, match="not a checklist"):
        store.checklists.record(lobby, "lunch", [CheckAnswer("x", "x", True)])


# -- the app ---------------------------------------------------------------------------------


async def test_f9_walks_the_opening_check_with_one_problem_and_the_desk_marks_it(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        marks = str(app.screen.query_one("#desk-checks", Static).content)
        assert marks == "opening – mid-day – closing –"
        await pilot.press("f9")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChecklistsScreen)
        await pilot.press("1")  # the opening check
        items = screen.query_one("#checks-items", DataTable)
        assert items.row_count == len(OPENING)
        await pilot.press("o", "enter")  # paper, network
        await pilot.press("p", *"left half dark", "enter")  # the LED screen
        await pilot.press(*"o" * (len(OPENING) - 3))
        await settle(pilot)
        status = str(screen.query_one("#checks-status", Static).content)
        assert status.startswith("Opening check saved; problems logged as #")
        lists = screen.query_one("#checks-lists", DataTable)
        assert lists.get_row("opening")[2].plain.startswith("✓")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        marks = str(app.screen.query_one("#desk-checks", Static).content)
        assert marks == "opening ✓ mid-day – closing –"
        [row] = [app.screen.query_one(Timeline).get_row_at(0)]
        assert row[-1].plain == "LED screen: left half dark"

    assert rows(db, "SELECT item, ok, note FROM check_result WHERE ok = 0") == [
        ("led_screen", 0, "left half dark")
    ]
    assert rows(db, "SELECT kind, text FROM entry") == [("check", "LED screen: left half dark")]


async def test_an_empty_problem_note_goes_back_to_the_item_unanswered(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("2", "p", "enter")
        screen = app.screen
        items = screen.query_one("#checks-items", DataTable)
        assert (items.cursor_row, screen.answers) == (0, {})
        assert app.focused is items
    assert rows(db, "SELECT count(*) FROM check_result") == [(0,)]


async def test_a_fast_typist_walks_the_mid_day_check_without_waiting(db, make_app):
    midday = default_lists().checklist["midday"]
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f9")
        await settle(pilot)
        keys = ["2", "o", "enter", "p", *"paper low, 1 roll", "enter", *"o" * (len(midday) - 3)]
        type_back_to_back(app, keys)
        await settle(pilot)
        status = str(app.screen.query_one("#checks-status", Static).content)
        assert status.startswith("Mid-day check saved; problems logged as #")

    stored = rows(db, "SELECT item, ok, note FROM check_result ORDER BY id")
    assert [row[0] for row in stored] == [item.code for item in midday]
    assert [row for row in stored if not row[1]] == [(midday[2].code, 0, "paper low, 1 roll")]


async def test_a_walk_left_with_esc_keeps_its_answers_even_after_the_terminal_is_closed(
    db, make_app
):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("1", "o", "p", *"no paper", "enter")
        await settle(pilot)
        await pilot.press("escape", "f9")  # out to the desk, and back
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        screen = app.screen
        assert {code: (a.ok, a.note) for code, a in screen.answers.items()} == {
            OPENING[0].code: (True, None),
            OPENING[1].code: (False, "no paper"),
        }
        items = screen.query_one("#checks-items", DataTable)
        assert items.cursor_row == 2
    assert rows(db, "SELECT count(*) FROM check_result") == [(0,)]

    # A new session (the terminal was closed): the walk opens where it stopped.
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await settle(pilot)
        assert isinstance(app.screen, ChecklistsScreen)
        await pilot.press("1")
        await settle(pilot)
        assert len(app.screen.answers) == 2
        await pilot.press(*"o" * (len(OPENING) - 2))
        await settle(pilot)
    assert rows(db, "SELECT count(*) FROM check_result WHERE ok = 0") == [(1,)]
    assert rows(db, "SELECT count(*) FROM draft") == [(0,)]
