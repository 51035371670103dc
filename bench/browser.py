"""Section browser: the log browser (F7) on 1,000,000 entries.

Budgets: first page ≤ 150 ms, page step ≤ 16 ms, filter change ≤ 100 ms; text
search ≤ 100 ms (3+ characters) and ≤ 250 ms (1–2 Chinese characters); ≤ 150 MB peak RSS while
browsing; the page query through the data layer ≤ 2 × the same SQL through raw `sqlite3`, the
whole page (`Store.log.page`) ≤ 1.5 × its statements replayed through raw `sqlite3` (issue 15).

- Through the app: the real app headless on a copy of the million-entry demo database, signed in
  as its reviewer. Timed from the key (sent as save_latency sends Ctrl+S) until the log view
  holds the rows, polled every half millisecond: F7 to the first page, a filter
  change (a kind picked), a search typed then Enter, and the End key (the oldest page). For
  F7, also until the first frame drawn with the page in it, and with the filter row's Selects
  (mounted after the first frame; Ctrl+F typed at once waits for them): each frame the app
  hands its driver is looked at (headless, the driver then drops it). No budget: a frame
  waits for the screen's next tick at 60 frames a second, up to 17 ms after what it shows.
- In tmux, as a user sees it: the app on the same copy in a 120x40 pane, signed in as the
  reviewer; from F7 sent with `tmux send-keys` until the page's status line is on the pane,
  then the filter row's first Select (the pane read every 5 ms), Esc back between runs.
- The data layer alone (`Store.log.page`, no UI): the same and each page step, p50 / p90.
- The same first page shown by the log view and by Textual's DataTable, in a bare app: each is
  handed the page's 100 entries and then draws the lines on screen (for DataTable, after the
  sizing of rows and columns that it otherwise leaves to its idle handler).
- Against raw `sqlite3`, for the newest page with no filter and with a kind filter, and a page
  step down: the page query (`log_pages.page_rows`, the one statement that reads a page, in
  the store's read transaction, its rows fetched typed) against the same statements replayed
  through raw `sqlite3` and fetched, on one connection kept open as the store's pool keeps
  its own (≤ 2 ×). The whole `Store.log.page` (the permission check, the page query, the
  revisions and events it needs, and an `EntryView` built for each row) against its
  statements replayed (≤ 1.5 ×).
- Peak RSS: a separate process browses (pages down 200 times, End, Home, searches) and reports
  its own maximum resident set size (VmHWM; ru_maxrss would carry over the bench's own peak).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from datetime import datetime
from functools import partial
from itertools import repeat
from pathlib import Path
from time import perf_counter
from typing import Any

import million
from pilot_app import run_app, settle, signed_in
from results import BenchError, Row, SectionResult, ms, percentile, verdict
from tmux_frame import f7_in_tmux

DEMO_REVIEWER = ("2001", "222222")
FIRST_PAGE, PAGE_STEP, FILTER_CHANGE = 0.150, 0.016, 0.100
SEARCH_LONG, SEARCH_SHORT = 0.100, 0.250
MEMORY_MB, RAW_RATIO = 150, 2.0
# The whole page (Store.log.page: the check, the page, its revisions and events, the views)
# against the same statements replayed in raw sqlite3 (issue 15).
WHOLE_PAGE_RATIO = 1.5
# A ticket number, a 3-character word, and the 2-character Chinese words staff type most.
LONG_QUERIES = ("A023", "贵宾室", "ATM")
SHORT_QUERIES = ("吞卡", "客户", "汇率")
FILTERS: dict[str, dict[str, Any]] = {
    "kind = check": {"kind": "check"},
    "business = forex": {"business": "forex"},
    "priority = disability": {"priority": "disability"},
    "staff = 2001": {"staff_no": "2001"},
    "void only": {"marker": "void"},
    "one day, 3 days ago": {"days_ago": 3},
}


def run(args: argparse.Namespace) -> SectionResult:
    with million.working_copy(args.rebuild_million) as db:
        ui = run_app(lambda: _through_the_app(db.path, args.runs))
        layer = _data_layer(db.path, args.runs, args.warmup)
        shown = run_app(lambda: _log_view_and_data_table(db.path, args.runs))
        raw = _against_raw(db.path, args.warmup)
        rss = _peak_rss(db.path)
        in_tmux = f7_in_tmux(db.path, *DEMO_REVIEWER, args.runs)

    def p50_p90(values: list[float]) -> str:
        return f"{ms(percentile(values, 50))} / {ms(percentile(values, 90))}"

    def row(name: str, values: list[float], budget: float | None) -> Row:
        if budget is None:
            return Row(name, p50_p90(values))
        p90 = percentile(values, 90)
        return Row(name, p50_p90(values), f"p90 ≤ {ms(budget)}", verdict(p90 <= budget))

    rows = [
        Row("database", f"{db.entries:,} entries"),
        *page_rows(ui, layer, row),
    ]
    if in_tmux is None:
        rows.append(Row("in tmux: F7", "not measured: tmux missing"))
    else:
        rows += [
            row("in tmux: F7 → the first page on the pane", in_tmux["page"], FIRST_PAGE),
            row("in tmux: F7 → the filter row on the pane", in_tmux["filter_row"], None),
        ]
    for query in LONG_QUERIES:
        name = f"data layer: search {query!r} (3+)"
        rows.append(row(name, layer[f"search {query}"], SEARCH_LONG))
    for query in SHORT_QUERIES:
        name = f"data layer: search {query!r} (2 Chinese)"
        rows.append(row(name, layer[f"search {query}"], SEARCH_SHORT))
    ratio = statistics.median(shown["data_table"]) / statistics.median(shown["log_view"])
    rows += [
        Row("first page drawn: log view (p50 / p90)", p50_p90(shown["log_view"])),
        Row("first page drawn: DataTable (p50 / p90)", p50_p90(shown["data_table"])),
        Row("DataTable / log view (p50)", f"{ratio:.1f} ×"),
    ]
    for name, measures in raw.items():
        for measure, (ours, theirs) in measures.items():
            factor = statistics.median(ours) / statistics.median(theirs)
            if measure == FLOOR:
                rows.append(
                    Row(
                        f"whole page, {name}: the least Python building its views / raw sqlite3"
                        f" (p50 {_fine_ms(ours)} vs {_fine_ms(theirs)})",
                        f"{factor:.2f} ×",
                    )
                )
                continue
            limit = RAW_RATIO if measure == "page query" else WHOLE_PAGE_RATIO
            rows.append(
                Row(
                    f"{measure}, {name}: data layer / raw sqlite3"
                    f" (p50 {_fine_ms(ours)} vs {_fine_ms(theirs)})",
                    f"{factor:.2f} ×",
                    f"≤ {limit:g} ×",
                    verdict(factor <= limit),
                )
            )
    budget = f"≤ {MEMORY_MB} MB"
    rows.append(Row("peak RSS while browsing", f"{rss:.0f} MB", budget, verdict(rss <= MEMORY_MB)))
    notes = [
        f"{args.runs} runs per measure after {args.warmup} warm-up (the app: no warm-up)",
        f"against raw sqlite3: {RAW_RUNS} runs each, one of each in turn; raw sqlite3 replays "
        "the statements the data layer ran (BEGIN, COMMIT, and for the whole page the "
        "permission check and the event and revision reads) on one connection kept open, and "
        "fetches their rows",
        "the page query is the statement that reads a page, run and its rows fetched typed in "
        "the data layer's read transaction (≤ 2 ×); the whole page adds the permission check, "
        "revisions and events, and an EntryView per row, its free text masked (≤ 1.5 ×)",
        "the least Python: the whole page's statements replayed in raw sqlite3, then only the "
        "page's times parsed, its free text masked and an EntryView built for each row, as "
        "directly as Python allows (no permission logic, events or revisions): a floor under "
        "any whole page that builds the same views in Python, not a way to read one",
    ]
    if db.built_because:
        notes.append(f"{million.CACHE} was built by this run: {db.built_because}")
    data = {
        "ui_ms": {k: [v * 1000 for v in vs] for k, vs in ui.items()},
        "data_layer_ms": {k: [v * 1000 for v in vs] for k, vs in layer.items()},
        "drawn_ms": {k: [v * 1000 for v in vs] for k, vs in shown.items()},
        "raw_ms": {
            name: {measure: [[v * 1000 for v in vs] for vs in pair] for measure, pair in m.items()}
            for name, m in raw.items()
        },
        "peak_rss_mb": rss,
        "tmux_ms": {k: [v * 1000 for v in vs] for k, vs in (in_tmux or {}).items()},
    }
    return SectionResult(rows, data, notes)


# -- through the app ---------------------------------------------------------------------------


def page_rows(
    ui: dict[str, list[float]],
    layer: dict[str, list[float]],
    row: Callable[[str, list[float], float | None], Row],
) -> list[Row]:
    """The rows of the app and of the data layer's pages and filters, which both browser
    sections (this and pg_browser) print."""
    rows = [
        row("app: F7 → first page on screen (p50 / p90)", ui["first_page"], FIRST_PAGE),
        row("app: F7 → drawn: the first page", ui["page_drawn"], None),
        row("app: F7 → drawn: the filter row", ui["selects_drawn"], None),
        row("app: kind picked → rows on screen", ui["filter"], FILTER_CHANGE),
        row("app: search typed, Enter → rows on screen (吞卡)", ui["search"], SEARCH_SHORT),
        row("app: End → the oldest page on screen", ui["oldest"], FIRST_PAGE),
        row("app: PageDown → drawn (a fetch when due)", ui["page_down"], PAGE_STEP),
        row("data layer: first page", layer["first page"], FIRST_PAGE),
        row("data layer: page step down, mid-log", layer["page step down"], PAGE_STEP),
        row("data layer: page step up, mid-log", layer["page step up"], PAGE_STEP),
        row("data layer: the oldest page", layer["oldest page"], FIRST_PAGE),
    ]
    for name in FILTERS:
        rows.append(row(f"data layer: filter {name}", layer[f"filter {name}"], FILTER_CHANGE))
    return rows


async def _until(pilot, done: Callable[[], bool], what: str = "its rows") -> None:
    """Wait, letting the app run, until ``done()``; an app that never gets there fails."""
    deadline = perf_counter() + 30
    while perf_counter() < deadline:
        if done():
            return
        await asyncio.sleep(0.0005)
    raise BenchError(f"the log browser never showed {what}")


class _Drawn:
    """When the app first hands its driver a frame in which each thing looked for holds.

    Headless, the driver drops the frame, but the app has laid it out and rendered it: what it
    shows is on screen as far as the app can put it there.
    """

    def __init__(self, app) -> None:
        self._waits: dict[str, Callable[[], bool]] = {}
        self.at: dict[str, float] = {}
        display = app._display

        def display_and_look(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is None:
                return
            for name, shown in list(self._waits.items()):
                if shown():
                    self.at[name] = perf_counter()
                    del self._waits[name]

        app._display = display_and_look

    def watch(self, **waits: Callable[[], bool]) -> None:
        """Look for these in each frame from now on (before the key that should bring them)."""
        self._waits, self.at = dict(waits), {}

    def done(self) -> bool:
        return not self._waits


async def _through_the_app(db: Path, runs: int) -> dict[str, list[float]]:
    from lobby_tui.widgets.log_view import LogView

    found: dict[str, list[float]] = {
        k: []
        for k in (
            "first_page",
            "page_drawn",
            "selects_drawn",
            "filter",
            "search",
            "oldest",
            "page_down",
        )
    }
    async with signed_in(db, *DEMO_REVIEWER) as pilot:
        app = pilot.app
        drawn = _Drawn(app)
        for _ in range(runs):
            started = perf_counter()
            drawn.watch(
                page=lambda: app.screen.id == "log" and _rows(app),
                selects=lambda: app.screen.id == "log" and _selects_mounted(app),
            )
            app.simulate_key("f7")
            await _until(pilot, lambda: app.screen.id == "log" and _rows(app))
            found["first_page"].append(perf_counter() - started)
            await _until(pilot, drawn.done, "its first page and filter row drawn")
            found["page_drawn"].append(drawn.at["page"] - started)
            found["selects_drawn"].append(drawn.at["selects"] - started)
            await settle(pilot)
            view = app.screen.query_one(LogView)

            for _ in range(5):
                cursor = view.cursor
                started = perf_counter()
                app.simulate_key("pagedown")
                await _until(pilot, lambda v=view, c=cursor: v.cursor != c and not v.waiting)
                found["page_down"].append(perf_counter() - started)

            await _press_settled(pilot, "ctrl+f", "enter", "down", "down", "down", "down", "down")
            generation = app.screen.generation
            started = perf_counter()
            app.simulate_key("enter")  # the fifth kind: checks
            await _until(pilot, lambda g=generation: _shown_after(app, g))
            found["filter"].append(perf_counter() - started)
            await settle(pilot)

            await _press_settled(pilot, "ctrl+f", "enter", "home", "enter", "slash", *"吞卡")
            generation = app.screen.generation
            started = perf_counter()
            app.simulate_key("enter")
            await _until(pilot, lambda g=generation: _shown_after(app, g))
            found["search"].append(perf_counter() - started)
            await settle(pilot)

            started = perf_counter()
            app.simulate_key("end")
            await _until(pilot, lambda v=view: not v.waiting and not v.older)
            found["oldest"].append(perf_counter() - started)
            await pilot.press("escape")
            await settle(pilot)
    return found


async def _press_settled(pilot, *keys: str) -> None:
    """Untimed keys, each let through the app before the next (a Select's overlay opens)."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def _rows(app) -> bool:
    from lobby_tui.widgets.log_view import LogView

    views = app.screen.query(LogView)
    return bool(views and views.first().rows)


def _selects_mounted(app) -> bool:
    from textual.widgets import Select

    selects = app.screen.query(Select)
    return len(selects) == 5 and all(select.is_mounted for select in selects)


def _selects_mounted(app) -> bool:
    from textual.widgets import Select

    selects = app.screen.query(Select)
    return len(selects) == 5 and all(select.is_mounted for select in selects)


def _shown_after(app, generation: int) -> bool:
    from lobby_tui.widgets.log_view import LogView

    screen = app.screen
    reading = any(w.group == "log-page" and not w.is_finished for w in app.workers)
    return screen.generation > generation and not reading and bool(screen.query_one(LogView).rows)


# -- the data layer --------------------------------------------------------------------------


def _timed(function: Callable[[], Any], runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(runs):
        started = perf_counter()
        function()
        samples.append(perf_counter() - started)
    return samples


def _data_layer(
    db: Path | str, runs: int, warmup: int, *, reviewer=DEMO_REVIEWER, searches: bool = True
) -> dict[str, list[float]]:
    """Store.log.page for each page and filter (and each search) this section times."""
    from datetime import timedelta

    from lobby_tui.data.log_pages import key_of
    from lobby_tui.data.store import Store
    from lobby_tui.data.views import LogFilter

    store = Store.open(str(db))
    try:
        actor = store.staff.sign_in(*reviewer)
        everything = LogFilter()
        newest = store.log.page(actor, everything)
        # An entry half-way down the log: its id is about half the newest one's in a demo.
        middle = store.entries.history(actor, newest.entries[0].id // 2).entry
        key = key_of(middle)
        found = {
            "first page": _timed(lambda: store.log.page(actor, everything), runs, warmup),
            "page step down": _timed(
                lambda: store.log.page(actor, everything, before=key), runs, warmup
            ),
            "page step up": _timed(
                lambda: store.log.page(actor, everything, after=key), runs, warmup
            ),
            "oldest page": _timed(
                lambda: store.log.page(actor, everything, oldest=True), runs, warmup
            ),
        }
        today = newest.entries[0].occurred_at.date()
        for name, fields in FILTERS.items():
            if "days_ago" in fields:
                day = today - timedelta(days=fields["days_ago"])
                log_filter = LogFilter(first_day=day, last_day=day)
            else:
                log_filter = LogFilter(**fields)
            found[f"filter {name}"] = _timed(
                lambda f=log_filter: store.log.page(actor, f), runs, warmup
            )
        for query in (*LONG_QUERIES, *SHORT_QUERIES) if searches else ():
            found[f"search {query}"] = _timed(
                lambda q=query: store.log.page(actor, LogFilter(text=q)), runs, warmup
            )
    finally:
        store.close()
    return found


# -- drawn: the log view against DataTable -------------------------------------------------------


async def _log_view_and_data_table(db: Path, runs: int) -> dict[str, list[float]]:
    from rich.text import Text
    from textual.app import App, ComposeResult
    from textual.geometry import Region
    from textual.widgets import DataTable

    from lobby_tui.data.store import Store
    from lobby_tui.data.views import LogFilter
    from lobby_tui.domain.clock import branch_zone
    from lobby_tui.domain.lists import default_lists
    from lobby_tui.widgets.log_view import LogView

    store = Store.open(str(db))
    try:
        page = store.log.page(store.staff.sign_in(*DEMO_REVIEWER), LogFilter())
    finally:
        store.close()
    zone, lists = branch_zone(None), default_lists()

    class Both(App):
        def compose(self) -> ComposeResult:
            yield LogView(zone, lists, id="view")
            yield DataTable(id="table")

    found: dict[str, list[float]] = {"log_view": [], "data_table": []}
    app = Both()
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one(LogView)
        table = app.query_one(DataTable)
        table.add_columns("time", "kind", "ticket", "staff", "entry")
        await pilot.pause()
        for _ in range(runs):
            started = perf_counter()
            view.show_page(page)
            view.render_lines(Region(0, 0, view.size.width, view.size.height))
            found["log_view"].append(perf_counter() - started)

            started = perf_counter()
            table.clear()
            # The usual approach: each row's cells as Text, the table sizing its columns.
            table.add_rows(
                [
                    (
                        entry.occurred_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                        entry.kind,
                        Text(entry.ticket or ""),
                        Text(entry.staff_name),
                        Text(entry.text or ""),
                    )
                    for entry in page.entries
                ]
            )
            # What DataTable leaves to its idle handler: sizing the rows and columns it was given.
            await table._on_idle(None)
            table.render_lines(Region(0, 0, table.size.width, table.size.height))
            found["data_table"].append(perf_counter() - started)
            await pilot.pause()
    return found


# -- against raw sqlite3 ---------------------------------------------------------------------


# The pages compared with raw sqlite3: (filter, which page).
RAW_PAGES = {
    "newest page, no filter": ({}, "newest"),
    "newest page, kind = enquiry": ({"kind": "enquiry"}, "newest"),
    "a page step down, no filter": ({}, "next"),
}
# Each comparison is well under a millisecond: many runs cost little and steady the median.
RAW_RUNS = 300
# The whole page's statements replayed, their rows made into views with the least Python
# (``_least_views``): a floor under the whole page, shown beside it.
FLOOR = "the least Python"
Pair = tuple[list[float], list[float]]


def _against_raw(db: Path, warmup: int) -> dict[str, dict[str, Pair]]:
    """For each of RAW_PAGES, timed through the data layer and then as the statements it ran,
    replayed through raw sqlite3: the page query (`log_pages.page_rows` in the store's read
    transaction) and the whole `Store.log.page`."""
    from lobby_tui.data.log_pages import key_of, page_rows
    from lobby_tui.data.store import Store
    from lobby_tui.data.views import LogFilter

    store = Store.open(str(db))
    # The statements are captured on a store of their own: an engine that has had a listener
    # goes on looking for listeners at every step of every connection, which the timed store
    # must not pay and the app does not.
    watched = Store.open(str(db))
    found: dict[str, dict[str, Pair]] = {}
    try:
        actor = store.staff.sign_in(*DEMO_REVIEWER)
        branch = store.branches.get()
        # One connection kept open across runs, as the store's pool keeps its own: opening one
        # (and SQLite reading the schema on its first statement) would be raw-only work.
        with closing(_raw_connection(db)) as connection:
            for name, (fields, which) in RAW_PAGES.items():
                log_filter = LogFilter(**fields)
                before = None
                if which == "next":
                    before = key_of(store.log.page(actor, log_filter).entries[-1])

                def query(on=store, log_filter=log_filter, before=before) -> None:
                    with on.db.read_rows() as reading:
                        page_rows(reading, branch, log_filter, before, False, 100)

                def page(on=store, log_filter=log_filter, before=before) -> None:
                    on.log.page(actor, log_filter, before=before)

                replayed = {
                    measure: _statements_run(watched.db.engine, partial(function, watched))
                    for measure, function in (("page query", query), ("whole page", page))
                }
                statements = replayed["whole page"]
                _check_least_views(
                    store.log.page(actor, log_filter, before=before).entries,
                    _least_views(connection, statements),
                )
                # Taking turns, run by run: a burst of the machine's other work then falls on
                # all of them, not on the one whose block of runs it met.
                query_ours, query_raw, page_ours, page_raw, floor = _timed_in_turn(
                    [
                        query,
                        partial(_replay, connection, replayed["page query"]),
                        page,
                        partial(_replay, connection, statements),
                        partial(_least_views, connection, statements),
                    ],
                    RAW_RUNS,
                    warmup,
                )
                found[name] = {
                    "page query": (query_ours, query_raw),
                    "whole page": (page_ours, page_raw),
                    FLOOR: (floor, page_raw),
                }
    finally:
        store.close()
        watched.close()
    return found


def _timed_in_turn(functions: list[Callable[[], Any]], runs: int, warmup: int) -> list[list[float]]:
    """Each of ``functions`` timed ``runs`` times after ``warmup``, one run of each in turn."""
    for _ in range(warmup):
        for function in functions:
            function()
    samples: list[list[float]] = [[] for _ in functions]
    for _ in range(runs):
        for function, taken in zip(functions, samples, strict=True):
            started = perf_counter()
            function()
            taken.append(perf_counter() - started)
    return samples


def _fine_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.2f} ms"


def _statements_run(engine: Any, function: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The statements, with their parameters, that the engine runs while ``function`` runs."""
    from sqlalchemy import event

    statements: list[tuple[str, Any]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        function()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return statements


def _least_views(connection: sqlite3.Connection, statements: list[tuple[str, Any]]) -> list:
    """The whole page's statements replayed as ``_replay`` does, then the views of its rows
    made with the least Python there is: each time column parsed in one ``map``, the free
    text checked for numbers in one pass and masked where it holds one, an EntryView built
    for each row. Nothing more: no permission logic, no page shapes, no events or revisions
    replayed, so the views of hand-offs and revised entries are not what the page returns.

    Not a way to read a page: a floor under any that builds the same views in Python, to read
    the whole page's ratio against.
    """
    from lobby_tui.data.entries import ROW_COLUMNS
    from lobby_tui.data.views import EntryView
    from lobby_tui.domain.masking import mask, may_hold_numbers

    connection.execute("BEGIN")
    rows: list[Any] = []
    for statement, parameters in statements:
        if statement.strip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            continue
        found = connection.execute(statement, parameters).fetchall()
        if statement.lstrip().startswith("SELECT entry.id"):
            rows = found[:100]
    connection.execute("COMMIT")
    if not rows:
        return []
    columns: list[Any] = list(zip(*rows, strict=True))
    for name in ("occurred_at", "recorded_at"):
        at = ROW_COLUMNS.index(name)
        columns[at] = list(map(_fromisoformat, map(str.__add__, columns[at], repeat("+00:00"))))
    at = ROW_COLUMNS.index("follow_up_due")
    columns[at] = [v if v is None else _fromisoformat(v + "+00:00") for v in columns[at]]
    for name in ("resolved", "referral"):
        at = ROW_COLUMNS.index(name)
        columns[at] = list(map({0: False, 1: True, None: None}.__getitem__, columns[at]))
    first = ROW_COLUMNS.index("text")
    texts = columns[first] + columns[first + 1] + columns[first + 2]
    masked = [list(columns[first + i]) for i in range(3)]
    for at in may_hold_numbers(texts):
        masked[at // len(rows)][at % len(rows)] = mask(texts[at])
    columns[first : first + 3] = masked
    status = list(map({"handoff": "pending"}.get, columns[ROW_COLUMNS.index("kind")]))
    size, fields = len(rows), len(ROW_COLUMNS)
    as_written = (repeat(1, size), repeat(False, size), status, repeat(None, size))
    return list(
        map(
            partial(tuple.__new__, EntryView),
            zip(*columns[:fields], *as_written, columns[-1], strict=True),
        )
    )


_fromisoformat = datetime.fromisoformat


def _check_least_views(page: list[Any], least: list[Any]) -> None:
    """The floor does all the page does to an entry as written: the same entries in the same
    order, each as the page shows it unless its events or revisions change it."""
    if [view.id for view in page] != [view.id for view in least]:
        raise BenchError("the least-Python views are not the page's entries")
    for ours, floor in zip(page, least, strict=True):
        as_written = ours.revision == 1 and not ours.voided and ours.kind != "handoff"
        if as_written and ours._replace(status=None) != floor._replace(status=None):
            raise BenchError(f"the least-Python view of entry {ours.id} is not the page's")


def _raw_connection(db: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection set up as the store's engine sets up its own."""
    connection = sqlite3.connect(db, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=10000", "foreign_keys=ON"):
        connection.execute(f"PRAGMA {pragma}")
    return connection


def _replay(connection: sqlite3.Connection, statements: list[tuple[str, Any]]) -> None:
    """The statements in one read transaction, each one's rows fetched, as the store runs them."""
    connection.execute("BEGIN")
    for statement, parameters in statements:
        if statement.strip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            continue
        connection.execute(statement, parameters).fetchall()
    connection.execute("COMMIT")


# -- memory --------------------------------------------------------------------------------------

BROWSE = r"""
import asyncio, json, resource, sys
sys.path.insert(0, sys.argv[2])
from pilot_app import settle, signed_in
from pathlib import Path

async def browse():
    async with signed_in(Path(sys.argv[1]), "2001", "222222") as pilot:
        await pilot.press("f7")
        await settle(pilot)
        for _ in range(200):
            await pilot.press("pagedown")
            await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        await pilot.press("home")
        await settle(pilot)
        for query in ("客户", "A023", "吞卡"):
            await pilot.press("slash", *query, "enter")
            await settle(pilot)
            for _ in range(20):
                await pilot.press("pagedown")
                await settle(pilot)

asyncio.run(browse())
# The peak of this process's own memory. Not ru_maxrss: Linux carries that across exec from the
# process that started this one, so it would report the bench's own peak when that is higher.
try:
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(peak))
"""


def _peak_rss(db: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", BROWSE, str(db), str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise BenchError("the browsing process failed", done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1]) / 1024
