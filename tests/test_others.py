"""Two terminals of one branch on one database: what the other terminal saves comes onto the
desk within a look (``peer_check_seconds``), and the desk's cursor stays on its entry."""

from __future__ import annotations

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor
from lobby_tui.domain.roles import Role
from lobby_tui.widgets.timeline import Timeline
from tests.conftest import LOBBY, settle, sign_in
from tests.faults import until
from tests.store_fixtures import db_path_fixture, lobby_fixture, store_fixture  # noqa: F401

ASSISTANT = ("1002", "222222")


def shown(app) -> list[int]:
    return [key[0] for key in app.screen.query_one(Timeline)._shown]


async def test_a_note_saved_on_another_terminal_comes_onto_the_desk(db, make_app):
    other = Store.open(str(db))  # the other terminal: its own connection to the same file
    try:
        other.staff.add(Actor.console(), ASSISTANT[0], "王芳", Role.LOBBY, ASSISTANT[1])
        assistant = other.staff.sign_in(*ASSISTANT)
        app = make_app(db, peer_check=0.2)
        async with app.run_test(size=(120, 40)) as pilot:
            await sign_in(pilot, *LOBBY)
            await pilot.press("n", *"first", "ctrl+s", "escape")
            await settle(pilot)
            await pilot.press("n", *"second", "ctrl+s", "escape")
            await settle(pilot)
            mine = shown(app)
            assert len(mine) == 2
            app.screen.query_one(Timeline).move_cursor(row=1)  # on "first"
            await pilot.pause(0.5)  # a look or two: nothing new, the desk stays as it is

            elsewhere = other.entries.add_note(assistant, "from the other terminal")
            await until(pilot, lambda: elsewhere.id in shown(app), timeout=10)

            assert shown(app) == [elsewhere.id, *mine]
            timeline = app.screen.query_one(Timeline)
            assert shown(app)[timeline.cursor_row] == mine[1]  # still on "first"
    finally:
        other.close()


def test_the_log_mark_moves_with_every_write_of_the_branch(store, lobby):
    before = store.integrity.log_mark(lobby)
    entry = store.entries.add_note(lobby, "one")
    after_note = store.integrity.log_mark(lobby)
    assert after_note > before
    assert store.integrity.log_mark(lobby) == after_note  # a look changes nothing
    store.entries.void(lobby, entry.id, "typed on the wrong day")
    assert store.integrity.log_mark(lobby) > after_note
