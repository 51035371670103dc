"""The masking table (tests/test_masking.py) wherever typed text is shown or exported: the desk
timeline, the entry history, the handover read at sign-in, F7, every export format and
``report``, in both languages. The clear value leaves the database only through the audited
reveal, which takes one step.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from textual.widgets import Static

from lobby_tui.data.export import COMPLAINT_FIELDS, complaint_rows, export_rows, write_to_path
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor
from lobby_tui.domain.clock import branch_today, branch_zone
from lobby_tui.domain.roles import Role
from lobby_tui.screens.entry_detail import EntryDetailScreen
from lobby_tui.screens.handover import HandoverReadScreen
from lobby_tui.screens.reveal_pick import RevealPickScreen
from lobby_tui.widgets.log_view import LogView
from lobby_tui.widgets.timeline import Timeline
from tests.cli_fixtures import Cli
from tests.conftest import LOBBY, REVIEWER, add_reviewer, settle, sign_in
from tests.store_fixtures import CARD_COMPLAINT, rows
from tests.test_masking import CASES

# Each case of the table (but the empty text) as its own line of text, numbered so that each is
# found on its own.
MARKED = [
    (f"#{n:02d}: {typed}", f"#{n:02d}: {shown}")
    for n, (typed, shown) in enumerate(CASES, 1)
    if typed
]
# The lines whose clear form must never be shown: those with a number to mask.
CLEAR = [typed for typed, shown in MARKED if typed != shown]
ALL_TYPED = "\n".join(typed for typed, _ in MARKED)


def assert_masked(text: str) -> None:
    """Every case of the table is in ``text`` as masked, and none in clear."""
    missing = [shown for _, shown in MARKED if shown not in text]
    assert missing == []
    assert [typed for typed in CLEAR if typed in text] == []


@pytest.fixture(name="logged")
def logged_fixture(db: Path) -> Path:
    """The branch after a shift that logged every case as a note (then all of them in one note)
    and handed over with all of them in the note; a reviewer, 8001, to read it all."""
    store = Store.open(str(db))
    try:
        add_reviewer(store)
        lobby = store.staff.sign_in(*LOBBY)
        for typed, _ in MARKED:
            store.entries.add_note(lobby, typed)
        store.entries.add_note(lobby, ALL_TYPED)
        store.shifts.hand_over(lobby, ALL_TYPED)
    finally:
        store.close()
    return db


def plain(widget: Static) -> str:
    return str(widget.render())


def log_view_text(view: LogView) -> str:
    return "\n".join(
        "".join(segment.text for segment in view.render_line(y)) for y in range(view.size.height)
    )


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_every_case_is_masked_at_sign_in_on_the_desk_in_the_history_and_in_f7(
    logged: Path, make_app, language: str
) -> None:
    app = make_app(logged, language)
    async with app.run_test(size=(200, 100)) as pilot:
        await sign_in(pilot, *REVIEWER)
        assert isinstance(app.screen, HandoverReadScreen)
        assert_masked(plain(app.screen.query_one("#handover-note", Static)))

        await pilot.press("enter")  # acknowledged: on to the desk
        await settle(pilot)
        timeline = app.screen.query_one(Timeline)
        cells = "\n".join(
            "\t".join(str(cell) for cell in timeline.get_row_at(row))
            for row in range(timeline.row_count)
        )
        assert_masked(cells)

        await pilot.press("enter")  # the newest entry: every case in one note
        await settle(pilot)
        assert isinstance(app.screen, EntryDetailScreen)
        assert_masked(plain(app.screen.query_one("#detail-fields", Static)))

        await pilot.press("f7")
        await settle(pilot)
        assert_masked(log_view_text(app.screen.query_one(LogView)))
    assert rows(logged, "SELECT COUNT(*) FROM audit_event WHERE action = 'reveal'") == [(0,)]


async def test_a_handover_note_reads_masked_and_a_reviewer_reveals_it_in_one_step(
    db: Path, make_app
) -> None:
    note = "A023 still waiting; call 13812345678 back, ID 110101 19900307 8768"
    store = Store.open(str(db))
    add_reviewer(store)
    lobby = store.staff.sign_in(*LOBBY)
    store.shifts.hand_over(lobby, note)
    store.close()

    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *REVIEWER)
        assert isinstance(app.screen, HandoverReadScreen)
        shown = plain(app.screen.query_one("#handover-note", Static))
        assert "call 138****5678 back, ID **************8768" in shown
        assert "13812345678" not in shown

        await pilot.press("r")
        await settle(pilot)
        assert note in plain(app.screen.query_one("#handover-revealed", Static))

    assert rows(db, "SELECT actor, detail FROM audit_event WHERE action = 'reveal'") == [
        (REVIEWER[0], json.dumps({"shift_id": lobby.shift_id, "field": "handover_note"}))
    ]


async def test_lobby_staff_read_the_handover_masked_and_cannot_reveal_it(db: Path, make_app):
    store = Store.open(str(db))
    store.staff.add(Actor.console(), "1002", "王强", Role.LOBBY, "222222")
    store.shifts.hand_over(store.staff.sign_in(*LOBBY), "call 13812345678 back")
    store.close()

    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1002", "222222")
        assert "138****5678" in plain(app.screen.query_one("#handover-note", Static))
        await pilot.press("r")
        await settle(pilot)
        assert plain(app.screen.query_one("#handover-revealed", Static)) == ""
    assert rows(db, "SELECT COUNT(*) FROM audit_event WHERE action = 'reveal'") == [(0,)]


async def test_an_entry_with_several_masked_values_asks_which_one_and_reveals_only_that(
    db: Path, make_app
) -> None:
    store = Store.open(str(db))
    add_reviewer(store)
    lobby = store.staff.sign_in(*LOBBY)
    saved = store.entries.add(
        lobby,
        "enquiry",
        topic="loans",
        text="客户身份证110101199003078765",
        outcome="请回电 13812345678",
        contact="13900001111",
        resolved=False,
    )
    store.close()

    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *REVIEWER)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EntryDetailScreen)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RevealPickScreen)
        choices = plain(app.screen.query_one("#reveal-choices", Static))
        assert "139****1111" in choices and "13900001111" not in choices
        await pilot.press("3")  # the contact: the third masked value
        await settle(pilot)
        assert isinstance(app.screen, EntryDetailScreen)
        revealed = plain(app.screen.query_one("#detail-revealed", Static))
        assert "13900001111" in revealed

    assert rows(db, "SELECT detail FROM audit_event WHERE action = 'reveal'") == [
        (json.dumps({"entry_id": saved.id, "field": "contact"}),)
    ]


def test_every_case_is_masked_in_every_export_format(logged: Path, tmp_path: Path) -> None:
    store = Store.open(str(logged))
    try:
        lobby = store.staff.sign_in(*LOBBY)
        store.complaints.register(
            lobby, **{**CARD_COMPLAINT, "facts": ALL_TYPED, "request": ALL_TYPED}
        )
        for fmt in ("jsonl", "csv", "xlsx"):
            entries = export_rows(store, Actor.console(), None, None)
            write_to_path(entries, tmp_path / f"entries.{fmt}", fmt)
            cases = complaint_rows(store, Actor.console())
            write_to_path(cases, tmp_path / f"complaints.{fmt}", fmt, COMPLAINT_FIELDS)
    finally:
        store.close()

    for name in ("entries.jsonl", "complaints.jsonl"):
        lines = (tmp_path / name).read_text(encoding="utf-8").splitlines()
        exported = [json.loads(line) for line in lines]
        if name == "entries.jsonl":
            assert_masked("\n".join(row["text"] for row in exported))
        else:
            [case] = exported
            assert case["complainant_contact"] == "138****5678"
            assert case["complainant_name"] == "王**"
            assert_masked(case["facts"])
            assert_masked(case["request"])
    for name in ("entries.csv", "complaints.csv"):
        with (tmp_path / name).open(encoding="utf-8-sig", newline="") as handle:
            cells = "\n".join("\t".join(row) for row in csv.reader(handle))
        assert_masked(cells)
    book = load_workbook(tmp_path / "entries.xlsx", read_only=True)
    cells = "\n".join(
        str(cell) for row in book["entries"].iter_rows(values_only=True) for cell in row
    )
    assert_masked(cells)
    book = load_workbook(tmp_path / "complaints.xlsx", read_only=True)
    cells = "\n".join(
        str(cell) for row in book["complaints"].iter_rows(values_only=True) for cell in row
    )
    assert_masked(cells)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_case_is_masked_in_the_report(logged: Path, language: str) -> None:
    store = Store.open(str(logged))
    try:
        reviewer = store.staff.sign_in(*REVIEWER)
        today = branch_today(branch_zone(store.branches.get().time_zone))
        for typed, _ in MARKED:
            store.summary.sign_off(reviewer, today, typed)
    finally:
        store.close()

    run = Cli(logged.parent)("--db", logged, "--lang", language, "report")

    assert run.returncode == 0, run.stderr
    assert_masked(run.stdout)
