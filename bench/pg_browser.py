"""Sections pg_browser and pg_search: the log browser (F7) and its text search on a PostgreSQL
server holding 1,000,000 entries.

Budgets (issue 12), the SQLite browser's: first page ≤ 150 ms, filter change
≤ 100 ms; search ≤ 100 ms for 3+ characters, ≤ 250 ms for 1–2 Chinese characters. Measured as
the browser section measures them, with its code and its filters and queries:

- pg_browser, through the app: the real app headless, signed in as the demo's reviewer, timed
  from the key until the log view holds the rows (F7, a kind picked, a search typed then Enter,
  End, PageDown); and the data layer alone (``Store.log.page``): first page, page steps, the
  oldest page, each filter.
- pg_search, the data layer alone: ``Store.log.page`` with each of the browser's search queries,
  and for each the plan PostgreSQL chose for the page query (EXPLAIN ANALYZE), so that a slow
  search says whether the trigram index was used.
"""

from __future__ import annotations

import argparse
from typing import Any

import browser as sqlite_browser
import pg_server
from pilot_app import run_app
from results import Row, SectionResult, ms, percentile, verdict

FIRST_PAGE, PAGE_STEP, FILTER_CHANGE = (
    sqlite_browser.FIRST_PAGE,
    sqlite_browser.PAGE_STEP,
    sqlite_browser.FILTER_CHANGE,
)
SEARCH_LONG, SEARCH_SHORT = sqlite_browser.SEARCH_LONG, sqlite_browser.SEARCH_SHORT
REVIEWER = sqlite_browser.DEMO_REVIEWER
# Terms the demo's log never holds: the worst case of a search, whose page is never filled, so
# that whatever index it walks is walked to its end. One of 3+ characters, one of 2 Chinese.
RARE_LONG, RARE_SHORT = ("保险箱钥匙",), ("火车",)


def _row(name: str, values: list[float], budget: float | None) -> Row:
    p50, p90 = percentile(values, 50), percentile(values, 90)
    shown = f"{ms(p50)} / {ms(p90)}"
    if budget is None:
        return Row(name, shown)
    return Row(name, shown, f"p90 ≤ {ms(budget)}", verdict(p90 <= budget))


def run_browser(args: argparse.Namespace) -> SectionResult:
    server = pg_server.server_million(args)
    ui = run_app(lambda: sqlite_browser._through_the_app(server.db, args.runs))
    layer = _pages(server.db, args.runs, args.warmup)
    rows = [
        *server.rows(),
        *sqlite_browser.page_rows(ui, layer, _row),
    ]
    notes = [
        f"{args.runs} runs per measure after {args.warmup} warm-up (the app: no warm-up)",
        *server.notes(),
    ]
    data = {
        "ui_ms": {k: [v * 1000 for v in vs] for k, vs in ui.items()},
        "data_layer_ms": {k: [v * 1000 for v in vs] for k, vs in layer.items()},
        "build_seconds": server.build_seconds,
    }
    return SectionResult(rows, data, notes)


def run_search(args: argparse.Namespace) -> SectionResult:
    server = pg_server.server_million(args)
    found, plans = _searches(server.db, args.runs, args.warmup)
    rows = [*server.rows()]
    for queries, length, budget in (
        ((*sqlite_browser.LONG_QUERIES, *RARE_LONG), "3+", SEARCH_LONG),
        ((*sqlite_browser.SHORT_QUERIES, *RARE_SHORT), "2 Chinese", SEARCH_SHORT),
    ):
        for query in queries:
            rare = ", no match" if query in (*RARE_LONG, *RARE_SHORT) else ""
            name = f"data layer: search {query!r} ({length}{rare})"
            rows.append(_row(name, found[query], budget))
    for query, plan in plans.items():
        rows.append(Row(f"plan of the page query, {query!r}", plan["summary"]))
    notes = [
        f"{args.runs} runs per query after {args.warmup} warm-up",
        "a plan shown is the server's for the query with its values, as the timed runs are"
        " planned: the store prepares no statement on the server (no generic plan)",
        *server.notes(),
    ]
    data = {
        "data_layer_ms": {k: [v * 1000 for v in vs] for k, vs in found.items()},
        "plans": plans,
    }
    return SectionResult(rows, data, notes)


def _pages(db: str, runs: int, warmup: int) -> dict[str, list[float]]:
    """Store.log.page for each page and filter the browser section times, on the server."""
    return sqlite_browser._data_layer(db, runs, warmup, reviewer=REVIEWER, searches=False)


def _searches(
    db: str, runs: int, warmup: int
) -> tuple[dict[str, list[float]], dict[str, dict[str, Any]]]:
    """Store.log.page with each search query, timed; and the plan of each one's page query."""
    from lobby_tui.data.store import Store
    from lobby_tui.data.views import LogFilter

    store = Store.open(str(db))
    found: dict[str, list[float]] = {}
    plans: dict[str, dict[str, Any]] = {}
    try:
        actor = store.staff.sign_in(*REVIEWER)
        queries = (*sqlite_browser.LONG_QUERIES, *RARE_LONG, *sqlite_browser.SHORT_QUERIES)
        for query in (*queries, *RARE_SHORT):
            log_filter = LogFilter(text=query)
            found[query] = sqlite_browser._timed(
                lambda f=log_filter: store.log.page(actor, f), runs, warmup
            )
        # After every timing: the plans are read through a listener, and an engine that has
        # had one goes on looking for listeners at every step of every connection.
        for query in (*queries, *RARE_SHORT):
            plans[query] = _plan(store, actor, LogFilter(text=query))
    finally:
        store.close()
    return found, plans


def _plan(store: Any, actor: Any, log_filter: Any) -> dict[str, Any]:
    """EXPLAIN ANALYZE of the page query (the statement that reads the page's rows) as the
    data layer runs it, after what it runs before in the same transaction: its total time and
    the scans it chose."""
    from sqlalchemy import event

    from lobby_tui.data.log_pages import page_rows

    statements: list[tuple[str, Any]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:
        statements.append((statement, parameters))

    branch = store.branches.get()
    engine = store.db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        with store.db.read_rows() as reading:
            page_rows(reading, branch, log_filter, None, False, 100)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    # The page query is the last that reads entries; a search's look at the log and its
    # planner settings (search.probe, search.planned) come before it, in the same transaction.
    at = max(i for i, (sql, _) in enumerate(statements) if sql.lstrip().startswith("SELECT entry."))
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        for sql, values in statements[:at]:
            if sql.strip().upper() not in ("BEGIN", "COMMIT"):
                raw.execute(sql, values or None)
        statement, parameters = statements[at]
        lines = [
            row[0] for row in raw.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
        ]
        raw.rollback()
    # The first scan is the keyset query's, the one that finds the page: the trigram index,
    # the log's order index walked until a page matched, or the whole table read.
    scans = [line.strip().removeprefix("->").strip() for line in lines if "Scan" in line]
    # The keyset query reads entry_current under an alias of its own (entry_current_1).
    scan = next((line for line in scans if "entry_current_" in line), scans[0] if scans else "")
    total = next((line for line in lines if line.startswith("Execution Time")), "")
    summary = f"{total.removeprefix('Execution Time: ')}, {scan.split('  (')[0]}"
    return {"summary": summary, "plan": lines}
