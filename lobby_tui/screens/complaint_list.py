"""The complaint list (F5 F5, or l in open items): cases of any day, filtered by status,
severity, overdue and handler; open ones by time left. Enter opens the case."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from lobby_tui.domain.complaints import Status
from lobby_tui.locale import N_, _
from lobby_tui.messages import Change
from lobby_tui.screens.base import LobbyScreen
from lobby_tui.screens.follows import FollowsTheLog
from lobby_tui.screens.registry import open_case
from lobby_tui.widgets.columns import Column, cut, fit_columns, row_cells
from lobby_tui.widgets.complaint_text import code_label, severity_text, status_label, time_left
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.header import DutyHeader
from lobby_tui.widgets.hints import KeyHints
from lobby_tui.widgets.timeline import plain

if TYPE_CHECKING:
    from datetime import datetime

    from lobby_tui.data.views import CasePage, CaseView

# The status filter steps through these with s: every case, the open ones, then each status.
STATUS_FILTERS: tuple[str | None, ...] = (None, "open", *Status)
SEVERITY_FILTERS: tuple[str | None, ...] = (None, "red", "yellow", "green")


class ComplaintListScreen(FollowsTheLog, LobbyScreen):
    STATUS = "#complaints-status"  # where a failed background job is reported
    BINDINGS = [
        Binding("s", "cycle_status", N_("Status"), id="complaints_status"),
        Binding("v", "cycle_severity", N_("Severity"), id="complaints_severity"),
        Binding("o", "toggle_overdue", N_("Overdue"), id="complaints_overdue"),
        Binding("h", "toggle_mine", N_("Mine"), id="complaints_mine"),
        Binding("enter", "open_case", N_("Open the case"), id="complaints_open"),
    ]

    class Loaded(Message):
        def __init__(self, generation: int, page: CasePage, more: bool) -> None:
            super().__init__()
            self.generation = generation
            self.page = page
            self.more = more  # a later page, to add below the rows shown

    def __init__(self) -> None:
        super().__init__(id="complaint_list")
        self.cases: list[CaseView] = []
        self.after: tuple[datetime, int] | None = None  # where the next page reads on from
        self.generation = 0  # a reply to an older filter is dropped
        self.reading = False
        self.status: str | None = "open"
        self.severity: str | None = None
        self.overdue = False
        self.mine = False

    def compose(self) -> ComposeResult:
        yield DutyHeader()
        yield Static(_("Complaints"), classes="panel-title")
        yield Static("", id="complaints-filters", markup=False)
        yield DataTable(id="complaints-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="complaints-status", markup=False)
        yield KeyHints(
            "complaints_status",
            "complaints_severity",
            "complaints_overdue",
            ("complaints_mine", N_("mine / all")),
            "complaints_open",
            "desk",
        )
        yield LobbyFooter()

    def on_mount(self) -> None:
        fit_columns(self.query_one(DataTable), CASE_COLUMNS)
        self.set_focus(self.query_one(DataTable))

    def on_resize(self) -> None:
        table = self.query_one(DataTable)
        if fit_columns(table, CASE_COLUMNS, least=16):
            keep = table.cursor_row
            table.clear()
            self._add_rows(self.cases)
            if self.cases:
                table.move_cursor(row=min(max(keep, 0), len(self.cases) - 1))

    SHOWS = frozenset({Change.CASE})
    RELOADS_ON_RESUME = True

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._show_filters()
        self.generation += 1
        self.reading = True
        self._load(self.generation, None)

    @work(thread=True, group="complaint-list", exit_on_error=False)
    def _load(self, generation: int, after: tuple[datetime, int] | None) -> None:
        actor = self.session.actor
        page = self.session.store.complaints.page(
            actor,
            status=self.status,
            severity=self.severity,
            overdue=self.overdue,
            handler_no=actor.staff_no if self.mine else None,
            now=self.session.clock(),
            after=after,
        )
        self.post_message(self.Loaded(generation, page, more=after is not None))

    @on(DataTable.RowHighlighted)
    def _near_the_end(self, event: DataTable.RowHighlighted) -> None:
        """Read the next page of finished cases before the cursor reaches the last row."""
        if self.after is not None and not self.reading and event.cursor_row >= len(self.cases) - 5:
            self.reading = True
            self._load(self.generation, self.after)

    def _add_rows(self, cases: list[CaseView]) -> None:
        table = self.query_one(DataTable)
        now, zone = self.session.clock(), self.session.zone
        for case in cases:
            cells = {
                "number": case.number,
                "received": case.received_at.astimezone(zone).strftime("%m-%d %H:%M"),
                "severity": severity_text(case.severity),
                "status": cut(Text(status_label(case.status), end="")),
                "left": cut(time_left(case, now)),
                "handler": plain(case.handler_name, 10),
                "cause": plain(code_label("cause", case.cause), 14),
                "complainant": plain(case.complainant_name, 8),
                "facts": plain(case.facts, 200),
            }
            table.add_row(*row_cells(table, cells), key=str(case.id))

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        if event.generation != self.generation:
            return
        self.reading = False
        self.after = event.page.after
        table = self.query_one(DataTable)
        keep = table.cursor_row
        if event.more:
            self.cases = self.cases + event.page.cases
        else:
            self.cases = event.page.cases
            table.clear()
        self._add_rows(event.page.cases)
        if self.cases and not event.more:
            table.move_cursor(row=min(max(keep, 0), len(self.cases) - 1))
        status = "" if self.cases else _("No complaint matches.")
        self.query_one("#complaints-status", Static).update(status)

    def _show_filters(self) -> None:
        parts = [
            _("status: {value}").format(
                value=_("all")
                if self.status is None
                else _("open")
                if self.status == "open"
                else status_label(self.status)
            ),
            _("severity: {value}").format(
                value=code_label("severity", self.severity) if self.severity else _("all")
            ),
        ]
        if self.overdue:
            parts.append(_("overdue only"))
        parts.append(_("my cases") if self.mine else _("every handler"))
        self.query_one("#complaints-filters", Static).update(" · ".join(parts))

    def action_cycle_status(self) -> None:
        self.status = _next(STATUS_FILTERS, self.status)
        self.reload()

    def action_cycle_severity(self) -> None:
        self.severity = _next(SEVERITY_FILTERS, self.severity)
        self.reload()

    def action_toggle_overdue(self) -> None:
        self.overdue = not self.overdue
        self.reload()

    def action_toggle_mine(self) -> None:
        self.mine = not self.mine
        self.reload()

    def on_data_table_row_selected(self) -> None:
        # Enter on a table row: the table takes the key before the screen's binding sees it.
        self.action_open_case()

    def action_open_case(self) -> None:
        table = self.query_one(DataTable)
        if self.cases and table.cursor_row >= 0:
            case = self.cases[min(table.cursor_row, len(self.cases) - 1)]
            open_case(self.app, case.id)


# On a narrow terminal when received, the cause and the complainant give way: the case shows
# them, and the time left says more than the day of receipt.
CASE_COLUMNS = [
    Column("number", N_("Case"), 15, 15),
    Column("received", N_("Received"), 11, 11, keep=False),
    Column("severity", N_("Severity"), 8, 4),
    Column("status", N_("Status"), 12, 6),
    Column("left", N_("Time left"), 22, 10),
    Column("handler", N_("Handler"), 10, 8),
    Column("cause", N_("Cause"), 14, 8, keep=False),
    Column("complainant", N_("Complainant"), 8, 6, keep=False),
    Column("facts", N_("Facts")),
]


def _next(values: tuple[str | None, ...], current: str | None) -> str | None:
    return values[(values.index(current) + 1) % len(values)]
