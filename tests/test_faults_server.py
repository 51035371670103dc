"""A terminal of a shared PostgreSQL server keeps logging when the server is out of reach: its
saves wait in the pending-saves queue and land once, in order, when the server answers again."""

from __future__ import annotations

from contextlib import asynccontextmanager

from textual.widgets import Static

from lobby_tui.widgets.form import Form
from lobby_tui.widgets.header import DutyHeader
from tests.conftest import LOBBY, settle, sign_in
from tests.faults import FAST, until
from tests.store_fixtures import rows, set_up_branch


@asynccontextmanager
async def note_form_on_a_new_server(pg_cluster, make_app):
    """A new database on the test server with a branch set up, an app for it whose faults are
    told quickly (FAST), signed in as the lobby manager with the note form open: its URL, the
    app and its pilot."""
    url = pg_cluster.new_database()
    set_up_branch(url).close()
    app = make_app(url, **FAST)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("n")
        yield url, app, pilot


@asynccontextmanager
async def server_away(pg_cluster, app, pilot):
    """The server stopped while the block runs; started again after it, and every save that
    waited for it landed."""
    pg_cluster.stop_server()
    try:
        yield
    finally:
        pg_cluster.start_server()
    await until(pilot, lambda: app.writes.waiting == 0)


async def test_the_server_stopped_in_a_burst_of_saves_loses_and_doubles_nothing(
    pg_cluster, make_app
):
    async with note_form_on_a_new_server(pg_cluster, make_app) as (url, app, pilot):
        await pilot.press(*"BURST-1", "ctrl+s")
        await settle(pilot)
        async with server_away(pg_cluster, app, pilot):
            for number in (2, 3, 4):
                await pilot.press(*f"BURST-{number}", "ctrl+s")
                await pilot.pause(0.2)
            await until(pilot, lambda: app.writes.status() == (3, "unreachable"))
            header = str(app.screen.query_one(DutyHeader).render())
            assert "offline — 3 waiting" in header
            assert app.screen.query_one(Form).values() == {"text": ""}  # typing goes on
        await pilot.press(*"BURST-5", "ctrl+s")
        await settle(pilot)
        assert "offline" not in str(app.screen.query_one(DutyHeader).render())
    notes = rows(url, "SELECT text FROM entry WHERE kind = 'note' ORDER BY id")
    assert notes == [(f"BURST-{number}",) for number in range(1, 6)]


async def test_a_draft_of_an_entry_saved_while_the_server_is_away_does_not_come_back(
    pg_cluster, make_app
):
    async with note_form_on_a_new_server(pg_cluster, make_app) as (url, app, pilot):
        await pilot.press(*"AWAY-1")
        await until(pilot, lambda: rows(url, "SELECT count(*) FROM draft") == [(1,)])
        async with server_away(pg_cluster, app, pilot):
            await pilot.press("ctrl+s")
            await until(pilot, lambda: app.writes.status() == (1, "unreachable"))
            await pilot.pause(0.5)  # the emptied form's draft has failed by now, more than once
            status = str(app.screen.query_one("#form-status", Static).content)
            assert status == "kept: it is saved as soon as the database answers"
        # The draft kept on the server, AWAY-1 as typed, goes as the form is empty.
        await until(pilot, lambda: rows(url, "SELECT count(*) FROM draft") == [(0,)])
    notes = rows(url, "SELECT text FROM entry WHERE kind = 'note' ORDER BY id")
    assert notes == [("AWAY-1",)]
