"""F6 open items: pending hand-offs and follow-ups, oldest first, closed from here."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from lobby_tui.data.views import OpenItem
from lobby_tui.locale import N_, _
from lobby_tui.screens.base import LobbyScreen
from lobby_tui.screens.entry_actions import EntryActions
from lobby_tui.screens.follows import FollowsTheLog
from lobby_tui.screens.registry import open_case
from lobby_tui.widgets.choices import label_of
from lobby_tui.widgets.columns import Column, cut, fit_columns, row_cells
from lobby_tui.widgets.complaint_text import time_left
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.header import DutyHeader
from lobby_tui.widgets.hints import KeyHints
from lobby_tui.widgets.timeline import plain
from lobby_tui.writes import EntryWritten, WriteJob, WriteRefused

if TYPE_CHECKING:
    from lobby_tui.data.views import CaseView, EntryView

STATUS_LABELS = {
    "pending": N_("pending"),
    "accepted": N_("accepted"),
    "follow_up": N_("follow-up due"),
}


def open_columns() -> list[Column]:
    kinds = max(cell_len(_(kind)) for kind in ("complaint", "hand-off", "follow-up"))
    return [
        Column("since", N_("Since"), 11, 11),
        Column("kind", N_("Kind"), kinds, kinds),
        Column("ticket", N_("Ticket"), 6, 6, keep=False),
        Column("status", N_("Status"), 22, 12),
        Column("target", N_("To / contact"), 20, 10),
        Column("text", N_("Entry")),
    ]


class OpenItemsScreen(FollowsTheLog, EntryActions, LobbyScreen):
    STATUS = "#open-status"  # where a failed background job is reported
    BINDINGS = [
        Binding("a", "handoff('accepted')", N_("Accepted"), id="handoff_accepted"),
        Binding("c", "handoff('completed')", N_("Completed"), id="handoff_completed"),
        Binding("s", "handoff('completed', True)", N_("Sold"), id="handoff_sold"),
        Binding("r", "handoff('returned')", N_("Returned"), id="handoff_returned"),
        Binding("x", "handoff('no_show')", N_("No-show"), id="handoff_no_show"),
        Binding("d", "follow_up_done", N_("Followed up"), id="follow_up_done"),
        Binding("l", "app.screen('complaint_list')", N_("Complaints"), id="complaint_list"),
        *EntryActions.ENTRY_BINDINGS,
    ]

    class Loaded(Message):
        def __init__(self, items: list[OpenItem], cases: list[CaseView]) -> None:
            super().__init__()
            self.items = items
            self.cases = cases

    def __init__(self) -> None:
        super().__init__(id="open_items")
        self.items: list[OpenItem] = []
        # What each row shows, in table order: open complaints first, then the other items.
        self.rows: list[CaseView | OpenItem] = []
        self.shown: OpenItemsScreen.Loaded | None = None

    def compose(self) -> ComposeResult:
        yield DutyHeader()
        yield Static(
            _(
                "Open items: complaints by time left, then pending hand-offs and follow-ups, "
                "oldest first"
            ),
            classes="panel-title",
        )
        yield DataTable(id="open-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="open-status", markup=False)
        yield KeyHints(
            *(f"handoff_{outcome}" for outcome in ("accepted", "completed")),
            ("handoff_sold", N_("completed, product sold")),
            *(f"handoff_{outcome}" for outcome in ("returned", "no_show")),
            "follow_up_done",
            ("entry_history", N_("history or the case")),
            "entry_revise",
            "entry_void",
            ("complaint_list", N_("complaint list")),
        )
        yield LobbyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        fit_columns(table, open_columns())
        self.set_focus(table)

    def on_resize(self) -> None:
        if fit_columns(self.query_one(DataTable), open_columns()) and self.shown is not None:
            self._show(self.shown)

    RELOADS_ON_RESUME = True

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="open-items", exit_on_error=False)
    def _load(self) -> None:
        store, actor = self.session.store, self.session.actor
        self.post_message(
            self.Loaded(store.handoffs.open_items(actor), store.complaints.open_cases(actor))
        )

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        self.shown = event
        self.items = event.items
        self.rows = [*event.cases, *event.items]
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        lists = self.session.settings.lists
        now = self.session.clock()
        for case in event.cases:
            cells = {
                "since": case.received_at.astimezone(self.session.zone).strftime("%m-%d %H:%M"),
                "kind": _("complaint"),
                "ticket": plain(case.ticket, 6),
                "status": cut(time_left(case, now)),
                "target": plain(case.handler_name, 20),
                "text": cut(Text(f"{case.number} ", end="") + plain(case.facts, 200)),
            }
            table.add_row(*row_cells(table, cells), key=f"case-{case.id}")
        for item in event.items:
            entry = item.entry
            # A follow-up is due on a day; a hand-off waits since a moment.
            when = "%m-%d %H:%M" if item.kind == "handoff" else "%m-%d"
            since = item.since.astimezone(self.session.zone).strftime(when)
            status = Text(_(STATUS_LABELS.get(entry.status or "", entry.status or "")))
            if item.overdue:
                status = Text(_("overdue"), style="bold red")
            who = (
                label_of(lists, "target", entry.target, "handoff")
                if item.kind == "handoff"
                else entry.contact
            )
            kind = _("hand-off") if item.kind == "handoff" else _("follow-up")
            cells = {
                "since": since,
                "kind": kind,
                "ticket": plain(entry.ticket, 6),
                "status": cut(status),
                "target": plain(who, 20),
                "text": plain(entry.text, 200),
            }
            table.add_row(*row_cells(table, cells), key=str(entry.id))
        if self.rows:
            table.move_cursor(row=min(keep, len(self.rows) - 1))
        self.query_one("#open-status", Static).update("" if self.rows else _("Nothing open."))

    def _selected(self) -> CaseView | OpenItem | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def selected_entry(self) -> EntryView | None:
        selected = self._selected()
        return selected.entry if isinstance(selected, OpenItem) else None

    def on_data_table_row_selected(self) -> None:
        selected = self._selected()
        if selected is not None and not isinstance(selected, OpenItem):
            open_case(self.app, selected.id)
        else:
            self.action_entry_detail()

    def action_handoff(self, event: str, sold: bool | None = None) -> None:
        if not self.app.writable():
            return
        entry = self.selected_entry()
        if entry is None or entry.kind != "handoff":
            self.notify(_("Pick a hand-off first."), severity="warning")
            return
        store, actor = self.session.store, self.session.actor
        if event == "completed" and sold is None and entry.referral:
            sold = False
        self._send(partial(store.handoffs.update, actor, entry.id, event, product_sold=sold))

    def action_follow_up_done(self) -> None:
        if not self.app.writable():
            return
        entry = self.selected_entry()
        if entry is None or entry.status != "follow_up":
            self.notify(_("Pick a follow-up first."), severity="warning")
            return
        self._send(
            partial(self.session.store.handoffs.close_follow_up, self.session.actor, entry.id)
        )

    def _send(self, run) -> None:
        self.session.writes.put(
            WriteJob(run=run, reply_to=self, done=EntryWritten, failed=WriteRefused)
        )

    @on(EntryWritten)
    def _updated(self, event: EntryWritten) -> None:
        event.stop()
        self.query_one("#open-status", Static).update(_("#{id} updated").format(id=event.entry.id))
        self.wrote(event.entry)

    @on(WriteRefused)
    def _refused(self, event: WriteRefused) -> None:
        event.stop()
        from lobby_tui.data.views import StoreError

        if isinstance(event.error, StoreError):
            self.notify(_(str(event.error)), severity="warning")
        else:
            self.report_failure(event.error)
