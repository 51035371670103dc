"""F7 as a reviewer meets it: open the log, page down to the oldest entry and back, filter,
search, open an entry's history, export what the filter shows."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.widgets import Input, Static

from lobby_tui.data.areas import log as log_area
from lobby_tui.data.store import Store
from lobby_tui.data.views import LogFilter
from lobby_tui.domain.kinds import Kind
from lobby_tui.screens import log_browser
from lobby_tui.screens.desk import DeskScreen
from lobby_tui.screens.entry_detail import EntryDetailScreen
from lobby_tui.screens.log_browser import LogBrowserScreen
from lobby_tui.screens.log_export import LogExportScreen
from lobby_tui.widgets.log_view import MAX_ROWS, LogView
from tests.conftest import (
    LOBBY,
    REVIEWER,
    add_reviewer,
    settle,
    sign_in,
    the_reviewer_opens_f7,
    type_back_to_back,
)
from tests.faults import until
from tests.store_fixtures import rows

ENTRIES = 730  # more than one window of rows: paging must let rows go and fetch them again
START = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def a_month_of_entries(path: Path) -> list[int]:
    """A reviewer and ENTRIES entries, several to each second; ids newest first."""
    store = Store.open(str(path))
    try:
        add_reviewer(store)
        lobby = store.staff.sign_in(*LOBBY)
        written = []
        for n in range(ENTRIES):
            kind = Kind.ENQUIRY if n % 10 == 0 else Kind.QUEUE
            text = "ATM吞卡，客户明天来领" if n == 7 else f"第{n}位客户 customer {n}"
            at = START + timedelta(minutes=n // 4)
            written.append(store.entries.add(lobby, kind, at, ticket=f"A{n:03d}", text=text))
    finally:
        store.close()
    return [e.id for e in sorted(written, key=lambda e: (e.occurred_at, e.id), reverse=True)]


async def the_reviewer_opens_the_export(pilot) -> None:
    """The reviewer opens F7 and its export of what the filter shows (Ctrl+E)."""
    await the_reviewer_opens_f7(pilot)
    await pilot.press("ctrl+e")
    await settle(pilot)


def shown_ids(view: LogView) -> list[int]:
    return [entry.id for entry in view.rows]


async def test_a_reviewer_pages_to_the_oldest_entry_filters_searches_and_opens_one(
    db, make_app
) -> None:
    newest_first = a_month_of_entries(db)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await the_reviewer_opens_f7(pilot)
        assert isinstance(app.screen, LogBrowserScreen)
        view = app.screen.query_one(LogView)
        assert view.current.id == newest_first[0]
        assert len(view.rows) < ENTRIES  # a page, not the log

        # Page down entry by entry's pages to the very end: every entry passes under the cursor.
        seen = [view.current.id]
        for _ in range(ENTRIES):
            if view.cursor == len(view.rows) - 1 and not view.older:
                break
            await pilot.press("pagedown")
            await settle(pilot)
            index = shown_ids(view).index(seen[-1])
            seen += shown_ids(view)[index + 1 : view.cursor + 1]
        assert seen == newest_first
        assert len(view.rows) <= MAX_ROWS

        await pilot.press("home")
        await settle(pilot)
        assert view.current.id == newest_first[0]
        await pilot.press("end")
        await settle(pilot)
        assert view.current.id == newest_first[-1] and not view.older
        await pilot.press("pageup")
        await settle(pilot)
        assert view.current.id == newest_first[-1 - (view.scrollable_content_region.height - 1)]

        await pilot.press("ctrl+f")  # the kind filter: enquiries only
        await pilot.press("enter", "down", "down", "enter")
        await settle(pilot)
        assert {entry.kind for entry in view.rows} == {"enquiry"}
        assert len(view.rows) == ENTRIES // 10

        await pilot.press("slash", *"吞卡", "enter")
        await settle(pilot)
        assert shown_ids(view) == []  # entry 7 is not an enquiry
        await pilot.press("ctrl+f", "enter", "up", "up", "enter")  # any kind again
        await settle(pilot)
        assert [entry.text for entry in view.rows] == ["ATM吞卡，客户明天来领"]

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EntryDetailScreen)
        assert app.screen.entry_id == newest_first[ENTRIES - 1 - 7]


async def test_a_search_typed_ahead_in_f7_lands_in_the_search_box(db, make_app) -> None:
    # The slash, the words and Enter come all at once, as from a fast typist: none may reach the
    # log instead of the box (Enter there would open the first entry's history).
    a_month_of_entries(db)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await the_reviewer_opens_f7(pilot)
        view = app.screen.query_one(LogView)

        type_back_to_back(app, ["slash", *"吞卡", "enter"])
        await settle(pilot)

        assert isinstance(app.screen, LogBrowserScreen)
        assert [entry.text for entry in view.rows] == ["ATM吞卡，客户明天来领"]
        assert app.focused is view
        type_back_to_back(app, ["slash", *"2026/11", "enter"])  # "/" in a box is text
        await settle(pilot)
        assert app.screen.query_one("#log-text", Input).value == "2026/11"
        assert view.rows == [] and app.focused is view
        type_back_to_back(app, ["slash", "tab", *"2026/11/02", "enter"])
        await settle(pilot)
        assert app.focused is app.screen.query_one("#log-from", Input)  # not a date: fix it here
        await pilot.press("ctrl+u")  # an editing key is a binding of the box, not typed ahead
        type_back_to_back(app, [*"2026-11-02", "enter"])
        await settle(pilot)
        assert app.focused is view


async def test_esc_from_an_entry_opened_in_f7_goes_back_to_the_same_place_in_the_log(
    db, make_app
) -> None:
    newest_first = a_month_of_entries(db)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await the_reviewer_opens_f7(pilot)
        browser = app.screen
        await pilot.press("down", "down", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, EntryDetailScreen)
        assert app.screen.entry_id == newest_first[3]

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is browser
        assert browser.query_one(LogView).current.id == newest_first[3]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)


async def test_an_export_from_f7_writes_the_filtered_entries_and_is_audited(
    db, make_app, tmp_path
) -> None:
    a_month_of_entries(db)
    out = tmp_path / "enquiries.jsonl"
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await the_reviewer_opens_f7(pilot)
        await pilot.press("ctrl+f", "enter", "down", "down", "enter")  # enquiries
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, LogExportScreen)
        await pilot.press("2")  # JSON Lines, after the workbook; on to the file name
        await settle(pilot)
        assert app.screen.query_one("#input-path").value.endswith(".jsonl")
        app.screen.query_one("#input-path").value = str(out)
        await pilot.press("enter")
        await settle(pilot)

    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert "integrity" in exported.pop()  # the chain head the export was made from
    assert [row["text"] for row in exported[:2]] == [
        "第0位客户 customer 0",
        "第10位客户 customer 10",
    ]
    assert {row["kind"] for row in exported} == {"enquiry"} and len(exported) == ENTRIES // 10
    [(detail,)] = rows(db, "SELECT detail FROM audit_event WHERE action = 'export'")
    assert json.loads(detail)["kind"] == "enquiry"


async def test_a_reviewer_exports_the_filter_as_a_workbook_by_keyboard_alone(
    db, make_app, tmp_path
) -> None:
    from openpyxl import load_workbook

    a_month_of_entries(db)
    home = tmp_path / "home"
    home.mkdir()
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await the_reviewer_opens_f7(pilot)
        await pilot.press("ctrl+f", "enter", "down", "down", "enter")  # enquiries
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        path = app.screen.query_one("#input-path")
        assert path.value.endswith(".xlsx")  # the workbook is offered first
        path.value = str(home / "enquiries.xlsx")
        await pilot.press("enter", "enter")  # past the format, then export from the file name
        await settle(pilot)

    sheet = load_workbook(home / "enquiries.xlsx")["entries"]
    header, *body = sheet.values
    assert len(body) == ENTRIES // 10
    assert {row[header.index("kind")] for row in body} == {"enquiry"}
    assert isinstance(body[0][header.index("occurred_at")], datetime)


async def test_a_file_name_typed_key_by_key_is_kept_as_typed(db, make_app, tmp_path) -> None:
    # The name follows the format picked; typed over, it stays what the reviewer types: a
    # slash, a half-typed suffix, a name with none.
    a_month_of_entries(db)
    folder = tmp_path  # the database's folder: the file must be the only week* in it
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await the_reviewer_opens_the_export(pilot)
        await pilot.press("3")  # CSV; on to the file name
        path = app.screen.query_one("#input-path", Input)
        assert path.value.endswith(".csv")
        await pilot.press("ctrl+u", *"/")  # cleared; then the first key of a path
        await settle(pilot)
        assert isinstance(app.screen, LogExportScreen) and path.value == "/"
        await pilot.press("backspace")
        await pilot.press(*f"{folder}/week.cs")
        await settle(pilot)
        assert path.value == f"{folder}/week.cs"
        await pilot.press("backspace", "backspace", "backspace")
        await settle(pilot)
        assert path.value == f"{folder}/week"
        await pilot.press("enter")  # no suffix typed: the format's is added
        await settle(pilot)
        assert isinstance(app.screen, LogBrowserScreen)

    assert [p.name for p in folder.glob("week*")] == ["week.csv"]
    assert (folder / "week.csv").read_text(encoding="utf-8-sig").count("\n") == ENTRIES + 2


async def test_a_file_name_that_is_not_the_format_s_is_said_under_it_and_kept(
    db, make_app, tmp_path
) -> None:
    a_month_of_entries(db)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await the_reviewer_opens_the_export(pilot)
        await pilot.press("1")  # the workbook
        path = app.screen.query_one("#input-path", Input)
        path.value = str(tmp_path / "week.csv")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LogExportScreen)
        assert path.value == str(tmp_path / "week.csv")
        said = str(app.screen.query_one("#error-path", Static).render())
        assert said == "For Excel workbook (xlsx), name the file ….xlsx."
        await pilot.press("shift+tab", "3")  # CSV after all: the name is now the format's
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LogBrowserScreen)
    assert (tmp_path / "week.csv").exists()


def test_an_export_tells_how_many_entries_are_in_the_file_after_each_batch(
    db, monkeypatch, tmp_path
) -> None:
    monkeypatch.setattr(log_area, "EXPORT_BATCH", 100)
    a_month_of_entries(db)
    store = Store.open(str(db))
    try:
        reviewer = store.staff.sign_in(*REVIEWER)
        told: list[tuple[int, bool]] = []
        out = tmp_path / "all.csv"
        count = store.log.export(
            reviewer, LogFilter(), str(out), "csv", lambda *said: told.append(said)
        )
    finally:
        store.close()
    assert count == ENTRIES
    assert told == [*((n, False) for n in range(100, ENTRIES, 100)), (ENTRIES, True)]


async def test_a_long_export_is_shown_under_the_log_until_its_file_is_written(
    db, make_app, tmp_path, monkeypatch
) -> None:
    # The file is a FIFO: the export waits for its reader, so it is seen while it runs.
    monkeypatch.setattr(log_area, "EXPORT_BATCH", 100)
    monkeypatch.setattr(log_browser, "EXPORT_PROGRESS_EVERY_S", 0)  # each batch shown
    fifo = tmp_path / "to-the-reader.jsonl"
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot, a_reader_later(fifo):
        line = await an_export_waiting_for_its_reader(pilot, db, fifo)
        assert str(line.render()) == f"Exporting: 0 entries so far · 0 s · {fifo}"

        await pilot.press("ctrl+e")  # a second export while the first is written
        await pilot.pause()
        assert isinstance(app.screen, LogBrowserScreen)
        said = [str(n.message) for n in app._notifications]
        assert said[-1] == "An export is still being written: wait until it is done."

        shown: list[str] = []
        show = line.update
        line.update = lambda text: (shown.append(str(text)), show(text))[1]
        read = asyncio.create_task(asyncio.to_thread(fifo.read_text, encoding="utf-8"))
        await until(pilot, lambda: read.done() and not line.display)
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert said[-1] == f"{ENTRIES} entries exported to {fifo}"
    counts = [int(text.split()[1].replace(",", "")) for text in shown[:-1]]
    assert counts == list(range(100, ENTRIES, 100))
    assert shown[-1].startswith(f"Exporting: all {ENTRIES} entries in, finishing the file")
    exported = read.result().splitlines()
    assert len(exported) == ENTRIES + 1  # and the chain head the export was made from
    assert "integrity" in json.loads(exported[-1])


async def test_an_export_left_behind_in_f7_is_still_written_and_said(
    db, make_app, tmp_path
) -> None:
    fifo = tmp_path / "to-the-reader.jsonl"
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot, a_reader_later(fifo):
        await an_export_waiting_for_its_reader(pilot, db, fifo)
        await pilot.press("escape")  # back to the desk while the export waits for its reader
        await until(pilot, lambda: isinstance(app.screen, DeskScreen))
        read = asyncio.create_task(asyncio.to_thread(fifo.read_text, encoding="utf-8"))
        await until(pilot, read.done)
        said = [str(n.message) for n in app._notifications]
        await until(
            pilot,
            lambda: (
                f"{ENTRIES} entries exported to {fifo}"
                in said + [str(n.message) for n in app._notifications]
            ),
        )
    assert len(read.result().splitlines()) == ENTRIES + 1


async def test_a_home_folder_of_no_one_or_a_name_too_long_is_said_under_the_field(
    db, make_app
) -> None:
    a_month_of_entries(db)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await the_reviewer_opens_the_export(pilot)
        path = app.screen.query_one("#input-path", Input)
        error = app.screen.query_one("#error-path", Static)
        await pilot.press("1", "ctrl+u", "~")  # the workbook; its file name cleared
        await pilot.press("shift+tab", "2")  # another format: a home folder alone gets no suffix
        assert path.value == "~"
        path.value = "~nosuchstaffmember/log.jsonl"
        await pilot.press("enter")
        await settle(pilot)
        assert str(error.render()) == "No home folder is called ~nosuchstaffmember."
        path.value = "/tmp/" + "长" * 200 + ".jsonl"  # longer than a file name may be
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LogBrowserScreen)  # tried, and said to have failed
        said = [str(n.message) for n in app._notifications]
        assert "File name too long" in said[-1]


async def an_export_waiting_for_its_reader(pilot, db: Path, fifo: Path) -> Static:
    """A month of entries in ``db``, and the reviewer exporting F7's log of them as JSON
    Lines to ``fifo``, made here: the export then waits for its reader (``a_reader_later``),
    to be seen while it runs. The line under the log that says so, once it is shown."""
    a_month_of_entries(db)
    os.mkfifo(fifo)
    await the_reviewer_opens_the_export(pilot)
    await pilot.press("2")  # JSON Lines
    pilot.app.screen.query_one("#input-path", Input).value = str(fifo)
    await pilot.press("enter")
    line = pilot.app.screen.query_one("#log-export", Static)
    await until(pilot, lambda: line.display)
    return line


@asynccontextmanager
async def a_reader_later(fifo: Path) -> AsyncIterator[None]:
    """On the way out, a reader of ``fifo`` opened and closed at once, should the test not
    have read it: an export still waiting to open it then fails rather than wait for ever."""
    try:
        yield
    finally:
        with suppress(FileNotFoundError):
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))


async def test_lobby_staff_browse_the_log_but_cannot_export_it(db, make_app) -> None:
    a_month_of_entries(db)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f7")
        await settle(pilot)
        assert app.screen.query_one(LogView).rows
        assert "log_export" not in shown_binding_ids(app)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, LogBrowserScreen)
        said = [str(n.message) for n in app._notifications]
        assert said[-1] == "Only reviewers and admins can export."
        await pilot.press("escape")
        assert isinstance(app.screen, DeskScreen)


def shown_binding_ids(app) -> set[str]:
    return {b.binding.id for b in app.active_bindings.values() if b.binding.show}


async def test_ctrl_e_exports_from_the_search_and_date_fields_too(db, make_app) -> None:
    a_month_of_entries(db)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await the_reviewer_opens_f7(pilot)
        assert "log_export" in shown_binding_ids(app)
        for field in ("#log-text", "#log-from"):
            app.screen.query_one(field, Input).focus()
            await pilot.press("ctrl+e")
            await settle(pilot)
            assert isinstance(app.screen, LogExportScreen)
            await pilot.press("escape")
            await settle(pilot)


async def test_f7_takes_days_as_f3_and_f8_do_says_a_bad_one_under_the_bar_and_names_the_export(
    db, make_app
) -> None:
    a_month_of_entries(db)  # all on 2 November, branch time
    a_month_later = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
    app = make_app(db, clock=lambda: a_month_later)
    async with app.run_test(size=(120, 40)) as pilot:
        await the_reviewer_opens_f7(pilot)
        view = app.screen.query_one(LogView)
        await pilot.press("slash", "tab", *"11-2x", "enter")
        await settle(pilot)
        error = app.screen.query_one("#log-date-error", Static)
        assert app.focused is app.screen.query_one("#log-from", Input)
        assert error.display and str(error.content).startswith("Write a day as")

        await pilot.press("ctrl+u", *"-30", "tab", *"11-02", "enter")
        await settle(pilot)
        assert not error.display
        assert app.focused is view and len(view.rows) > 0
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert app.screen.query_one("#input-path").value.endswith("lobby-log-2026-11-02.xlsx")


async def test_the_log_hints_stay_while_typing_a_search_and_follow_the_keymap(db, make_app):
    from lobby_tui.widgets.hints import KeyHints

    a_month_of_entries(db)
    app = make_app(db, keymap={"log_search": "f12", "log_export": "ctrl+x"})
    async with app.run_test(size=(120, 40)) as pilot:
        await the_reviewer_opens_f7(pilot)
        await pilot.press("f12")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#log-text", Input)
        hint = str(app.screen.query_one(KeyHints).content)
        assert hint == (
            "PgDn: page · Home: newest · End: oldest · Enter: history · F12: search · "
            "Ctrl+X: Export"
        )


async def test_keys_typed_ahead_of_f7_opening_reach_its_filter_bar(db, make_app) -> None:
    # F7 and Ctrl+F at once, or F7 and a search: the key after F7 is read before the filter
    # row is drawn (it comes just after the first page), and must still land in it, never in
    # the log (Enter there would open the first entry's history).
    a_month_of_entries(db)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *REVIEWER)
        type_back_to_back(app, ["f7", "ctrl+f"])
        await settle(pilot)
        assert isinstance(app.screen, LogBrowserScreen)
        assert app.focused.id == "log-kind"
        await pilot.press("enter", "down", "down", "enter")  # the Select's list, key by key
        await settle(pilot)
        view = app.screen.query_one(LogView)
        assert {entry.kind for entry in view.rows} == {"enquiry"}
        assert len(view.rows) == ENTRIES // 10
        assert app.focused is view

        await pilot.press("escape")
        await settle(pilot)
        type_back_to_back(app, ["f7", "slash", *"吞卡", "enter"])
        await settle(pilot)
        assert isinstance(app.screen, LogBrowserScreen)
        view = app.screen.query_one(LogView)
        assert [entry.text for entry in view.rows] == ["ATM吞卡，客户明天来领"]
        assert app.focused is view
