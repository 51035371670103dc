"""F7 and complaint cases: a reviewer filters the log by the status of its complaint cases and pages
through every step of them, and an entry's detail shows its case's whole timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.text import Text
from sqlalchemy import event
from textual.widgets import Select, Static

from lobby_tui.data.log_pages import key_of
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, LogFilter
from lobby_tui.domain.complaints import FINISHED, Status
from lobby_tui.domain.kinds import Kind
from lobby_tui.screens.complaint_case import CaseScreen
from lobby_tui.screens.entry_detail import EntryDetailScreen
from lobby_tui.widgets.log_view import LogView
from tests.conftest import LOBBY, REVIEWER, add_reviewer, settle, sign_in, the_reviewer_opens_f7
from tests.store_fixtures import (  # noqa: F401 (fixtures)
    db_path_fixture,
    lobby_fixture,
    rows,
    store_fixture,
)

# Ten days ago, so every step lies in the past and the cases' clocks still run.
START = datetime.now(UTC).replace(microsecond=0) - timedelta(days=10)
CARD = {
    "channel": "on_site",
    "business": "bank_cards",
    "cause": "facilities",
    "severity": "yellow",
    "complainant_name": "王先生",
    "facts": "ATM吞卡，客户要求当天取回",
}
# The steps after registering that bring a case to each status, each with its arguments.
STEPS: dict[str, list[tuple[str, tuple]]] = {
    Status.RECEIVED: [],
    Status.IN_PROGRESS: [("start", ())],
    Status.EXTENDED: [("start", ()), ("extend", ("需调取ATM监控录像",))],
    Status.DECIDED: [("start", ()), ("decide", ("当日取回银行卡", "phone"))],
    Status.FOLLOW_UP: [
        ("decide", ("当日取回银行卡", "phone")),
        ("follow_up", ("satisfied", "客户表示满意")),
    ],
    Status.CLOSED: [
        ("start", ()),
        ("decide", ("当日取回银行卡", "phone")),
        ("follow_up", ("satisfied",)),
        ("close", ()),
    ],
    Status.WITHDRAWN: [("start", ()), ("withdraw", ("客户撤回投诉",))],
}


def a_branch_with_cases_in_every_status(store: Store, actor: Actor, cases_each: int = 2) -> dict:
    """``cases_each`` cases in every status, their steps interleaved with queue entries, many
    steps and entries sharing a second. The case ids of each status."""
    at = START
    by_status: dict[str, list[int]] = {status: [] for status in Status}
    for n in range(cases_each):
        for status, steps in STEPS.items():
            at += timedelta(minutes=1)
            case_id = store.complaints.register(actor, received_at=at, **CARD).case.id
            by_status[status].append(case_id)
            store.entries.add(actor, Kind.QUEUE, at, text=f"排队 {n} {status}")
            for name, arguments in steps:
                if name == "decide":
                    arguments = (*arguments, at)
                # Every second step shares the second of the one before it.
                at += timedelta(seconds=len(by_status[status]) % 2)
                getattr(store.complaints, name)(actor, case_id, *arguments, at=at)
                store.entries.add(actor, Kind.QUEUE, at, text="排队")
    return by_status


def steps_of(db_path: Path, case_ids: list[int]) -> list[int]:
    """The duty-log entries of these cases, newest first, read straight from ``entry``."""
    marks = ",".join("?" * len(case_ids))
    found = rows(
        db_path,
        f"SELECT id FROM entry WHERE complaint_id IN ({marks}) ORDER BY occurred_at DESC, id DESC",
        *case_ids,
    )
    return [entry_id for (entry_id,) in found]


def walk_down_and_up(store: Store, actor: Actor, log_filter: LogFilter, size: int) -> list[int]:
    """Every entry of ``log_filter`` page by page down to the oldest, then back up; checks that
    both walks see the same entries."""
    pages = [store.log.page(actor, log_filter, size=size)]
    while pages[-1].older:
        pages.append(
            store.log.page(actor, log_filter, before=key_of(pages[-1].entries[-1]), size=size)
        )
    down = [entry.id for page in pages for entry in page.entries]
    up_pages = [store.log.page(actor, log_filter, oldest=True, size=size)]
    while up_pages[-1].newer:
        edge = key_of(up_pages[-1].entries[0])
        up_pages.append(store.log.page(actor, log_filter, after=edge, size=size))
    up = [entry.id for page in reversed(up_pages) for entry in page.entries]
    assert up == down
    return down


@pytest.mark.parametrize("status", [*Status])
def test_a_reviewer_filters_the_log_by_each_complaint_status_and_pages_every_step(
    store: Store, lobby: Actor, db_path: Path, status: str
) -> None:
    by_status = a_branch_with_cases_in_every_status(store, lobby)
    log_filter = LogFilter(complaint_status=status)

    shown = walk_down_and_up(store, lobby, log_filter, size=3)

    assert shown == steps_of(db_path, by_status[status])
    assert len(shown) == 2 * (1 + len(STEPS[status]))
    cases = {store.complaints.of_entry(lobby, entry_id).case.status for entry_id in shown}
    assert cases == {status}


def test_the_open_cases_filter_shows_every_step_of_every_case_not_closed_nor_withdrawn(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    by_status = a_branch_with_cases_in_every_status(store, lobby)
    still_open = [
        case_id
        for status, ids in by_status.items()
        if status not in (Status.CLOSED, Status.WITHDRAWN)
        for case_id in ids
    ]

    shown = walk_down_and_up(store, lobby, LogFilter(complaint_status="open"), size=7)

    assert shown == steps_of(db_path, still_open)


def test_a_case_closed_today_leaves_the_open_filter_and_joins_the_closed_one_with_every_step(
    store: Store, lobby: Actor
) -> None:
    by_status = a_branch_with_cases_in_every_status(store, lobby, cases_each=1)
    [case_id] = by_status[Status.FOLLOW_UP]
    before = store.log.page(lobby, LogFilter(complaint_status=Status.FOLLOW_UP)).entries

    closed = store.complaints.close(lobby, case_id, "已回访，结案")

    assert store.log.page(lobby, LogFilter(complaint_status=Status.FOLLOW_UP)).entries == []
    after = store.log.page(lobby, LogFilter(complaint_status=Status.CLOSED)).entries
    assert {e.id for e in before} | {closed.entry.id} <= {e.id for e in after}


def test_a_complaint_step_on_a_page_carries_its_case_number_as_its_history_does(
    store: Store, lobby: Actor
) -> None:
    by_status = a_branch_with_cases_in_every_status(store, lobby, cases_each=1)

    page = store.log.page(lobby, LogFilter(complaint_status=Status.EXTENDED)).entries

    [case_id] = by_status[Status.EXTENDED]
    number = store.complaints.of_entry(lobby, page[0].id).case.number
    assert {(e.complaint_id, e.complaint_no) for e in page} == {(case_id, number)}
    assert page == [store.entries.history(lobby, e.id).entry for e in page]


def test_a_complaint_status_combines_with_the_other_filters(store: Store, lobby: Actor) -> None:
    by_status = a_branch_with_cases_in_every_status(store, lobby, cases_each=1)
    [case_id] = by_status[Status.EXTENDED]
    combined = LogFilter(complaint_status=Status.EXTENDED, text="监控录像")

    [found] = store.log.page(lobby, combined).entries

    assert (found.complaint_id, found.topic) == (case_id, "extend")
    assert store.log.page(lobby, LogFilter(complaint_status="open", kind=Kind.QUEUE)).entries == []
    with pytest.raises(ValueError, match="complaint status"):
        store.log.page(lobby, LogFilter(complaint_status="lost"))


def plans_of(store: Store, run: Callable[[], object]) -> list[str]:
    """The query plans of the statements ``run`` makes that read ``entry_current``."""
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if "FROM entry_current" in statement and not statement.startswith("EXPLAIN"):
            seen.append((statement, parameters))

    event.listen(store.db.engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(store.db.engine, "before_cursor_execute", record)
    with store.db.engine.connect() as connection:
        return [
            " | ".join(
                str(row[-1])
                for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
            )
            for sql, params in seen
        ]


@pytest.mark.sqlite_only  # reads SQLite's own query plan
def test_a_complaint_status_reads_the_cases_first_and_never_walks_the_whole_log(
    store: Store, lobby: Actor
) -> None:
    by_status = a_branch_with_cases_in_every_status(store, lobby, cases_each=1)
    for status in ("open", Status.EXTENDED, Status.CLOSED):
        page = store.log.page(lobby, LogFilter(complaint_status=status), size=2)
        key = key_of(page.entries[-1])
        log_filter = LogFilter(complaint_status=status)
        [plan] = plans_of(store, lambda f=log_filter, k=key: store.log.page(lobby, f, before=k))
        # entry_current is read by its primary key from the cases' steps, never scanned or
        # walked along one of the log's indexes.
        assert "USING INTEGER PRIMARY KEY" in plan and "SCAN entry_current" not in plan, plan
        assert "ix_entry_current" not in plan, plan
        assert "complaint_action" in plan, plan
    assert by_status


# -- in F7 -------------------------------------------------------------------------------------


def a_reviewer_and_cases(path: Path) -> dict:
    """The reviewer 8001 and two cases in every status, written by the lobby manager."""
    store = Store.open(str(path))
    try:
        add_reviewer(store)
        return a_branch_with_cases_in_every_status(store, store.staff.sign_in(*LOBBY))
    finally:
        store.close()


def shown(app, selector: str) -> str:
    content = app.screen.query_one(selector, Static).render()
    return content.plain if isinstance(content, Text) else str(content)


async def test_a_reviewer_picks_each_complaint_status_in_f7_and_sees_only_those_cases_steps(
    db, make_app
) -> None:
    by_status = a_reviewer_and_cases(db)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await the_reviewer_opens_f7(pilot)
        view = app.screen.query_one(LogView)
        assert len(view.rows) == len(rows(db, "SELECT id FROM entry"))
        # From the kind filter, four tabs reach the complaint status; each pick is the next.
        await pilot.press("ctrl+f", "tab", "tab", "tab", "tab")
        assert app.focused.id == "log-complaint_status"
        for status in ("open", *Status):
            await pilot.press("enter", "down", "enter")
            await settle(pilot)
            assert app.screen.log_filter.complaint_status == status
            if status == "open":
                cases = [c for s, ids in by_status.items() if s not in FINISHED for c in ids]
            else:
                cases = by_status[status]
            assert [entry.id for entry in view.rows] == steps_of(db, cases), status
            assert {entry.kind for entry in view.rows} == {"complaint"}
            await pilot.press("ctrl+f", "tab", "tab", "tab", "tab")  # back to the filter
            assert app.focused.id == "log-complaint_status"


async def test_enter_on_a_complaint_step_shows_its_cases_timeline_and_c_opens_the_case(
    db, make_app
) -> None:
    by_status = a_reviewer_and_cases(db)
    [case_id, _other] = by_status[Status.CLOSED]
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await the_reviewer_opens_f7(pilot)
        app.screen.query_one("#log-complaint_status", Select).value = Status.CLOSED
        await settle(pilot)
        view = app.screen.query_one(LogView)
        while view.current.complaint_id != case_id or view.current.topic != "start":
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(app.screen, EntryDetailScreen)
        assert "Complaint step: taken in hand\n" in shown(app, "#detail-fields")
        timeline = shown(app, "#detail-case")
        number = rows(db, "SELECT number FROM complaint_case WHERE id = ?", case_id)[0][0]
        assert timeline.startswith(f"{number}  closed\n")
        lines = timeline.splitlines()
        steps = [line.split("  ", 1)[1] for line in lines[1:] if line[:1].isdigit()]
        assert steps == [
            f"{action} · 李娜 (1001)"
            for action in (
                "registered",
                "taken in hand",
                "decided, customer told",
                "follow-up call",
                "closed",
            )
        ]
        assert "    decision: 当日取回银行卡" in lines and "    satisfaction: Satisfied" in lines
        assert lines[-1] == "c opens the case"
        assert app.screen.query_one("#detail-case").display

        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == case_id


async def test_an_open_case_shows_its_time_left_and_a_queue_entry_has_no_case(db, make_app) -> None:
    by_status = a_reviewer_and_cases(db)
    [case_id, _other] = by_status[Status.IN_PROGRESS]
    [[step_id]] = rows(db, "SELECT MIN(id) FROM entry WHERE complaint_id = ?", case_id)
    [[queue_id]] = rows(db, "SELECT MIN(id) FROM entry WHERE kind = 'queue'")
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *REVIEWER)
        await app.push_screen(EntryDetailScreen(step_id))
        await settle(pilot)
        # Received ten days ago: five of its fifteen days are left.
        assert shown(app, "#detail-case").split("\n")[0].endswith("in progress  due in 5 days")
        await pilot.press("escape")
        await app.push_screen(EntryDetailScreen(queue_id))
        await settle(pilot)
        assert not app.screen.query_one("#detail-case").display
        await pilot.press("c")  # no case to open
        await settle(pilot)
        assert isinstance(app.screen, EntryDetailScreen)


async def test_a_hand_off_opened_from_f7_shows_each_outcome_with_who_and_the_sale(
    db, make_app
) -> None:
    store = Store.open(str(db))
    try:
        add_reviewer(store)
        lobby = store.staff.sign_in(*LOBBY)
        handoff = store.entries.add(
            lobby, Kind.HANDOFF, START, ticket="A023", target="wealth", text="客户想了解理财"
        )
        store.handoffs.update(lobby, handoff.id, "accepted")
        store.handoffs.update(lobby, handoff.id, "completed", product_sold=True, note="购买理财")
    finally:
        store.close()
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await the_reviewer_opens_f7(pilot)
        await pilot.press("slash", *"A023", "enter")
        await settle(pilot)
        assert [entry.id for entry in app.screen.query_one(LogView).rows] == [handoff.id]
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(app.screen, EntryDetailScreen)
        history = shown(app, "#detail-history").splitlines()
        assert [line.split("  ", 1)[1] for line in history] == [
            "accepted · 李娜 (1001)",
            "completed · 李娜 (1001) · product sold · 购买理财",
        ]
        assert not app.screen.query_one("#detail-case").display
