"""The duty desk: today's timeline, counts per kind, open items, the database in use."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Static

from lobby_tui.domain.kinds import KIND_LABELS, Kind
from lobby_tui.domain.roles import Permission, allows
from lobby_tui.locale import N_, _
from lobby_tui.messages import Change, LogChanged
from lobby_tui.screens.base import LobbyScreen
from lobby_tui.screens.entry_actions import EntryActions
from lobby_tui.screens.follows import FollowsTheLog
from lobby_tui.screens.others import FollowsOtherTerminals
from lobby_tui.widgets.cells import cell_line
from lobby_tui.widgets.checks import day_marks
from lobby_tui.widgets.choices import label_of
from lobby_tui.widgets.complaint_text import time_left
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.header import DutyHeader
from lobby_tui.widgets.hints import KeyHints
from lobby_tui.widgets.timeline import Timeline

if TYPE_CHECKING:
    from lobby_tui.data.views import CaseView, ChecklistDay, DeskSnapshot, EntryView, OpenItem


class DeskScreen(FollowsTheLog, FollowsOtherTerminals, EntryActions, LobbyScreen):
    BINDINGS = [
        Binding("n", "app.note", N_("Note"), id="note", priority=True),
        *EntryActions.ENTRY_BINDINGS,
    ]

    class Loaded(Message):
        def __init__(self, snapshot: DeskSnapshot) -> None:
            super().__init__()
            self.snapshot = snapshot

    class ChecksLoaded(Message):
        def __init__(self, days: list[ChecklistDay]) -> None:
            super().__init__()
            self.days = days

    class OpenLoaded(Message):
        def __init__(self, items: list[OpenItem]) -> None:
            super().__init__()
            self.items = items

    class ComplaintsLoaded(Message):
        def __init__(self, cases: list[CaseView]) -> None:
            super().__init__()
            self.cases = cases

    def compose(self) -> ComposeResult:
        yield DutyHeader()
        with Horizontal(id="desk-body"):
            with Vertical(id="desk-main"):
                yield Static(_("Today's duty log"), classes="panel-title")
                yield Timeline(id="timeline")
                admin = allows(self.session.actor.role, Permission.MANAGE_STAFF)
                staff = (("staff", N_("staff")),) if admin else ()
                yield KeyHints(
                    ("note", N_("write a note")), *staff, ("help", N_("every key")), id="desk-hint"
                )
                # On a narrow terminal the side panel folds into this one line.
                yield Static("", id="desk-fold")
            with Vertical(id="desk-side"):
                yield Static(_("Today"), classes="panel-title")
                yield Static("", id="desk-counts")
                yield Static("", id="desk-checks")
                yield Static(_("Open items"), classes="panel-title")
                yield Static("", id="desk-open")
                yield Static(_("Database"), classes="panel-title")
                yield Static("", id="desk-db", markup=False)
        yield LobbyFooter()

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[EntryView] = []
        self.snapshot: DeskSnapshot | None = None
        self.complaints: list[CaseView] = []
        self.checks: list[ChecklistDay] = []

    def selected_entry(self) -> EntryView | None:
        timeline = self.query_one(Timeline)
        if not self.entries or timeline.cursor_row < 0:
            return None
        return self.entries[min(timeline.cursor_row, len(self.entries) - 1)]

    def on_mount(self) -> None:
        self.query_one("#desk-db", Static).update(self.session.store.db.display_name)
        self.set_focus(self.query_one(Timeline))
        self.on_resize()

    def on_resize(self) -> None:
        # Textual has no media queries: below the width where the timeline keeps
        # ENTRY_CELLS for an entry's text beside the side panel, the panel folds into a line.
        timeline = self.query_one(Timeline)
        beside = self.size.width - SIDE_PANEL_CELLS - MAIN_PADDING - timeline.fixed_cells()
        self.set_class(beside < ENTRY_CELLS, "-narrow")

    SHOWS = frozenset({Change.ENTRY, Change.HANDOFF, Change.CASE})
    RELOADS_ON_RESUME = True

    def on_screen_resume(self) -> None:
        self.reload()

    def log_changed(self, change: LogChanged) -> None:
        if change.added and change.entry is not None:
            self.entry_added(change.entry)
        else:
            self.reload()

    def log_changed_hidden(self, change: LogChanged) -> None:
        if change.added and change.entry is not None:
            self.entry_added(change.entry)  # on top already when staff come back

    def reload(self) -> None:
        if self.session.actor is not None:
            self._load()
            self._load_complaints()
            self._load_checks()

    @work(thread=True, exclusive=True, group="desk", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(
            self.Loaded(self.session.store.entries.desk(self.session.actor, self.session.today()))
        )

    def entry_added(self, entry: EntryView) -> None:
        """A new entry from a form: on top of the timeline at once, without reading the whole
        day again (a save must reach the timeline within the budget of a rush hour)."""
        snapshot = self.snapshot
        today = entry.occurred_at.astimezone(self.session.zone).date() == self.session.today()
        if snapshot is None or not today or any(e.id == entry.id for e in snapshot.entries):
            self.reload()
            return
        counts = {**snapshot.counts, entry.kind: snapshot.counts.get(entry.kind, 0) + 1}
        # Under a form the timeline may grow past its limit: the desk reads the day again when
        # it is shown (RELOADS_ON_RESUME), and a save does not pay for dropping the last row.
        # (Not Screen.is_current: that is true of the screen just under the top one as well.)
        limit = TIMELINE_LIMIT if self.app.screen is self else None
        self.snapshot = replace(
            snapshot,
            entries=[entry, *snapshot.entries][:limit],
            counts=counts,
            total_today=snapshot.total_today + 1,
        )
        self.entries = self.snapshot.entries
        timeline = self.query_one(Timeline)
        timeline.add_on_top(entry, self.session.zone, self.session.settings.lists, limit)
        self._show_counts(self.snapshot)
        self._show_fold()
        if entry.status in ("pending", "follow_up"):
            self._load_open_items()
        if entry.kind == Kind.COMPLAINT:
            self._load_complaints()

    @work(thread=True, exclusive=True, group="desk-complaints", exit_on_error=False)
    def _load_complaints(self) -> None:
        self.post_message(
            self.ComplaintsLoaded(self.session.store.complaints.open_cases(self.session.actor))
        )

    @on(ComplaintsLoaded)
    def _show_complaints(self, event: ComplaintsLoaded) -> None:
        self.complaints = event.cases
        if self.snapshot is not None:
            self.query_one("#desk-open", Static).update(self._open_items(self.snapshot.open_items))
            self._show_fold()

    @work(thread=True, exclusive=True, group="desk-checks", exit_on_error=False)
    def _load_checks(self) -> None:
        days = self.session.store.checklists.of_day(self.session.actor, self.session.today())
        self.post_message(self.ChecksLoaded(days))

    @on(ChecksLoaded)
    def _show_checks(self, event: ChecksLoaded) -> None:
        self.checks = event.days
        self.query_one("#desk-checks", Static).update(day_marks(event.days))
        self._show_fold()

    @work(thread=True, exclusive=True, group="desk-open", exit_on_error=False)
    def _load_open_items(self) -> None:
        self.post_message(
            self.OpenLoaded(self.session.store.handoffs.open_items(self.session.actor))
        )

    @on(OpenLoaded)
    def _show_open_items(self, event: OpenLoaded) -> None:
        if self.snapshot is not None:
            self.snapshot = replace(self.snapshot, open_items=event.items)
        self.query_one("#desk-open", Static).update(self._open_items(event.items))
        self._show_fold()

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        self.snapshot = event.snapshot
        self._show_snapshot(event.snapshot)

    def _show_snapshot(self, snapshot: DeskSnapshot) -> None:
        self.entries = snapshot.entries
        self.query_one(Timeline).show(
            snapshot.entries, self.session.zone, self.session.settings.lists
        )
        self._show_counts(snapshot)
        self.query_one("#desk-open", Static).update(self._open_items(snapshot.open_items))
        self._show_fold()

    def _show_fold(self) -> None:
        """The side panel in one line: today's total, open complaints and the nearest deadline,
        other open items, the checks done."""
        snapshot = self.snapshot
        if snapshot is None:
            return
        line = Text(_("Today {n}").format(n=snapshot.total_today), style="bold", no_wrap=True)
        if self.complaints:
            nearest = self.complaints[0]
            line.append(" · " + _("Complaints open: {n}").format(n=len(self.complaints)) + " ")
            line.append(f"{nearest.number} ")
            line.append_text(time_left(nearest, self.session.clock()))
        if snapshot.open_items:
            line.append(" · " + _("Open items: {n}").format(n=len(snapshot.open_items)))
        if self.checks:
            line.append(" · ")
            line.append_text(day_marks(self.checks))
        line.overflow = "ellipsis"
        self.query_one("#desk-fold", Static).update(line)

    def _show_counts(self, snapshot: DeskSnapshot) -> None:
        counts = Text()
        for kind in Kind:
            counts.append(_count_line(_(KIND_LABELS[kind]), snapshot.counts.get(kind, 0)))
        counts.append(_count_line(_("total"), snapshot.total_today).rstrip(), style="bold")
        self.query_one("#desk-counts", Static).update(counts)

    def _open_items(self, items: list[OpenItem]) -> Text:
        if not items and not self.complaints:
            return Text(_("Nothing open."))
        shown = complaint_lines(self.complaints, self.session.clock())
        lists = self.session.settings.lists
        for item in items[:OPEN_ITEMS_SHOWN]:
            entry = item.entry
            if item.kind == "handoff":
                line = (
                    f"{entry.ticket or ''} → {label_of(lists, 'target', entry.target, 'handoff')}"
                )
                shown.append(cell_line(line, SIDE_TEXT_CELLS) + "\n")
            else:
                due = item.since.astimezone(self.session.zone).strftime("%m-%d")
                style = "bold red" if item.overdue else ""
                shown.append(
                    cell_line(f"{_('follow-up')} {due} {entry.ticket or ''}", SIDE_TEXT_CELLS)
                    + "\n",
                    style=style,
                )
        if len(items) > OPEN_ITEMS_SHOWN:
            shown.append(_("… {n} more: F6").format(n=len(items) - OPEN_ITEMS_SHOWN))
        return shown


OPEN_ITEMS_SHOWN = 8
ENTRY_CELLS = 40  # the least of an entry's text the timeline shows beside the side panel
SIDE_PANEL_CELLS = 34  # #desk-side in app.tcss, its border included
MAIN_PADDING = 2  # #desk-main's padding
SIDE_TEXT_CELLS = SIDE_PANEL_CELLS - 3
COMPLAINTS_SHOWN = 3


def complaint_lines(cases: list[CaseView], now: datetime) -> Text:
    """The open complaints: how many, then the nearest deadlines, red within three days."""
    if not cases:
        return Text()
    shown = Text(_("Complaints open: {n}").format(n=len(cases)) + "\n", style="bold")
    for case in cases[:COMPLAINTS_SHOWN]:
        shown.append(f"{case.number} ")
        shown.append_text(time_left(case, now))
        shown.append("\n")
    return shown


TIMELINE_LIMIT = 500  # as many as the store's desk() reads


def _count_line(label: str, count: int, width: int = 16) -> str:
    # Pad by terminal cells, not characters: a Chinese label is twice as wide.
    return f"{label}{' ' * max(1, width - cell_len(label))}{count:>5}\n"
