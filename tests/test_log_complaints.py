"""F7 and complaint cases: a reviewer filters the log by the status of its complaint cases and pages
through every step of them, and an entry's detail shows its case's whole timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event

from lobby_tui.data.log_queries import key_of
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, LogFilter
from lobby_tui.domain.complaints import Status
from lobby_tui.domain.kinds import Kind
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
    Status.IN_PROGRESS: [("start_complaint", ())],
    Status.EXTENDED: [("start_complaint", ()), ("extend_complaint", ("需调取ATM监控录像",))],
    Status.DECIDED: [("start_complaint", ()), ("decide_complaint", ("当日取回银行卡", "phone"))],
    Status.FOLLOW_UP: [
        ("decide_complaint", ("当日取回银行卡", "phone")),
        ("follow_up_complaint", ("satisfied", "客户表示满意")),
    ],
    Status.CLOSED: [
        ("start_complaint", ()),
        ("decide_complaint", ("当日取回银行卡", "phone")),
        ("follow_up_complaint", ("satisfied",)),
        ("close_complaint", ()),
    ],
    Status.WITHDRAWN: [("start_complaint", ()), ("withdraw_complaint", ("客户撤回投诉",))],
}


def a_branch_with_cases_in_every_status(store: Store, actor: Actor, cases_each: int = 2) -> dict:
    """``cases_each`` cases in every status, their steps interleaved with queue entries, many
    steps and entries sharing a second. The case ids of each status."""
    at = START
    by_status: dict[str, list[int]] = {status: [] for status in Status}
    for n in range(cases_each):
        for status, steps in STEPS.items():
            at += timedelta(minutes=1)
            case_id = store.register_complaint(actor, received_at=at, **CARD).case.id
            by_status[status].append(case_id)
            store.add_entry(actor, Kind.QUEUE, at, text=f"排队 {n} {status}")
            for name, arguments in steps:
                if name == "decide_complaint":
                    arguments = (*arguments, at)
                # Every second step shares the second of the one before it.
                at += timedelta(seconds=len(by_status[status]) % 2)
                getattr(store, name)(actor, case_id, *arguments, at=at)
                store.add_entry(actor, Kind.QUEUE, at, text="排队")
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
    pages = [store.log_page(actor, log_filter, size=size)]
    while pages[-1].older:
        pages.append(
            store.log_page(actor, log_filter, before=key_of(pages[-1].entries[-1]), size=size)
        )
    down = [entry.id for page in pages for entry in page.entries]
    up_pages = [store.log_page(actor, log_filter, oldest=True, size=size)]
    while up_pages[-1].newer:
        edge = key_of(up_pages[-1].entries[0])
        up_pages.append(store.log_page(actor, log_filter, after=edge, size=size))
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
    cases = {store.complaint_of_entry(lobby, entry_id).case.status for entry_id in shown}
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
    before = store.log_page(lobby, LogFilter(complaint_status=Status.FOLLOW_UP)).entries

    closed = store.close_complaint(lobby, case_id, "已回访，结案")

    assert store.log_page(lobby, LogFilter(complaint_status=Status.FOLLOW_UP)).entries == []
    after = store.log_page(lobby, LogFilter(complaint_status=Status.CLOSED)).entries
    assert {e.id for e in before} | {closed.entry.id} <= {e.id for e in after}


def test_a_complaint_status_combines_with_the_other_filters(store: Store, lobby: Actor) -> None:
    by_status = a_branch_with_cases_in_every_status(store, lobby, cases_each=1)
    [case_id] = by_status[Status.EXTENDED]
    combined = LogFilter(complaint_status=Status.EXTENDED, text="监控录像")

    [found] = store.log_page(lobby, combined).entries

    assert (found.complaint_id, found.topic) == (case_id, "extend")
    assert store.log_page(lobby, LogFilter(complaint_status="open", kind=Kind.QUEUE)).entries == []
    with pytest.raises(ValueError, match="complaint status"):
        store.log_page(lobby, LogFilter(complaint_status="lost"))


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


def test_a_complaint_status_reads_the_cases_first_and_never_walks_the_whole_log(
    store: Store, lobby: Actor
) -> None:
    by_status = a_branch_with_cases_in_every_status(store, lobby, cases_each=1)
    for status in ("open", Status.EXTENDED, Status.CLOSED):
        page = store.log_page(lobby, LogFilter(complaint_status=status), size=2)
        key = key_of(page.entries[-1])
        log_filter = LogFilter(complaint_status=status)
        [plan] = plans_of(store, lambda f=log_filter, k=key: store.log_page(lobby, f, before=k))
        # entry_current is read by its primary key from the cases' steps, never scanned or
        # walked along one of the log's indexes.
        assert "USING INTEGER PRIMARY KEY" in plan and "SCAN entry_current" not in plan, plan
        assert "ix_entry_current" not in plan, plan
        assert "complaint_action" in plan, plan
    assert by_status
