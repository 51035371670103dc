"""F7 log browser: every entry in the database, newest first, filtered and searched.

The rows come a page at a time from thread workers (keyset pages, ``Store.log.page``); the
``LogView`` draws only those on screen. A filter change starts again from the newest entry, and
replies to an older filter are dropped by their generation number.
"""

from __future__ import annotations

import asyncio
import gc
from contextlib import suppress
from datetime import date
from time import monotonic, perf_counter
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Select, Static

from lobby_tui.domain.complaints import Status
from lobby_tui.domain.dates import parse_date
from lobby_tui.domain.kinds import KIND_LABELS, Kind
from lobby_tui.domain.roles import Permission, refusal
from lobby_tui.locale import N_, _
from lobby_tui.messages import Change
from lobby_tui.screens.base import LobbyScreen
from lobby_tui.screens.branch_pick import may_pick_branch, next_branch
from lobby_tui.screens.follows import FollowsTheLog
from lobby_tui.screens.registry import dialog, open_entry
from lobby_tui.widgets.bindings import hide_bindings
from lobby_tui.widgets.choices import pairs
from lobby_tui.widgets.complaint_text import status_label
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.header import DutyHeader
from lobby_tui.widgets.hints import KeyHints
from lobby_tui.widgets.keys import queued_keys_handled
from lobby_tui.widgets.log_view import LogView

if TYPE_CHECKING:
    from lobby_tui.data.views import LogFilter, LogPage

MARKER_LABELS = {"revised": N_("revised"), "void": N_("void")}
SELECTS = ("kind", "business", "priority", "marker", "complaint_status")
# How often a running export's line is redrawn, at most: the export is not slowed by it.
EXPORT_PROGRESS_EVERY_S = 0.25


class LogBrowserScreen(FollowsTheLog, LobbyScreen):
    STATUS = "#log-status"  # where a failed background job is reported
    DEFAULT_CSS = """
    #log-filters, #log-selects { height: 1; margin: 0 0 1 0; }
    #log-filters Input { width: 1fr; margin: 0 1 0 0; }
    #log-filters #log-text { width: 2fr; }
    #log-selects Select { width: 1fr; margin: 0 1 0 0; }
    #log-filters Input:focus { background: $accent 30%; }
    #log-selects Select:focus > SelectCurrent { background: $accent 30%; text-style: bold; }
    #log-status { height: 1; color: $text-muted; }
    #log-export { height: 1; display: none; text-style: bold; }
    #log-export.-shown { display: block; }
    """
    # Priority bindings run in the app in key order, so keys typed ahead follow the focus they
    # move: "/ 吞卡 Enter" typed at once searches (see ``widgets.keys``). In a box of the filter
    # bar, "/" is text, and Enter applies the filter.
    BINDINGS = [
        Binding("slash", "search", N_("Search"), id="log_search", priority=True),
        Binding("ctrl+f", "filters", N_("Filters"), id="log_filters", priority=True),
        Binding(
            "enter", "apply_filter", N_("Apply filter"), show=False, id="log_apply", priority=True
        ),
        Binding(
            "tab", "app.focus_next", N_("Next field"), show=False, id="log_next", priority=True
        ),
        Binding(
            "shift+tab",
            "app.focus_previous",
            N_("Previous field"),
            show=False,
            id="log_previous",
            priority=True,
        ),
        # Priority: the search and date fields would take Ctrl+E as "end of line".
        Binding("ctrl+e", "export", N_("Export"), id="log_export", priority=True),
        Binding("b", "next_branch", N_("Branch"), id="log_branch"),
    ]

    class Loaded(Message):
        def __init__(self, generation: int, where: str, page: LogPage, seconds: float) -> None:
            super().__init__()
            self.generation = generation
            self.where = where
            self.page = page
            self.seconds = seconds

    def __init__(self) -> None:
        super().__init__(id="log")
        self.generation = 0
        if self.refused_export():
            hide_bindings(self, "log_export")
        if not may_pick_branch(self):
            hide_bindings(self, "log_branch")
        self.log_filter: LogFilter | None = None
        self._selects_shown = asyncio.Event()

    def compose(self) -> ComposeResult:
        lists = self.session.settings.lists
        yield DutyHeader()
        yield Static(_("Duty log: every entry, newest first"), classes="panel-title")
        with Horizontal(id="log-filters"):
            yield Input(placeholder=_("Search text or ticket"), id="log-text", compact=True)
            yield Input(placeholder=_("From (12-07, -1)"), id="log-from", compact=True)
            yield Input(placeholder=_("To (12-07, -1)"), id="log-to", compact=True)
            yield Input(placeholder=_("Staff no."), id="log-staff", compact=True)
        yield Static("", id="log-date-error", classes="field-error", markup=False)
        # Its Selects are mounted once the first frame is drawn (``_mount_selects``).
        yield Horizontal(id="log-selects")
        yield LogView(self.session.zone, lists, id="log-view")
        yield Static("", id="log-export", markup=False)  # an export's progress, while it runs
        yield Static("", id="log-status", markup=False)
        yield KeyHints(
            ("log_page_down", N_("page")),
            ("log_newest", N_("newest")),
            ("log_oldest", N_("oldest")),
            ("log_history", N_("history")),
            ("log_search", N_("search")),
            "log_export",
        )
        yield LobbyFooter()

    def on_mount(self) -> None:
        self.set_focus(self.query_one(LogView))
        self._apply_filter()
        # The five Selects of the filter row are most of the work of opening F7: some 60 ms
        # of widgets and their styles, more than all the rest. They are mounted once the first
        # frame is out, in a task of their own, so the first page need not wait for them.
        self.call_after_refresh(self.run_worker, self._mount_selects, group="log-selects")

    async def _mount_selects(self) -> None:
        lists = self.session.settings.lists
        kinds = [(_(KIND_LABELS[kind]), str(kind)) for kind in Kind]
        businesses = [(label, code) for code, label in pairs(lists.business)]
        priorities = [(label, code) for code, label in pairs(lists.priorities)]
        markers = [(_(label), code) for code, label in MARKER_LABELS.items()]
        statuses = [(_("open"), "open"), *((status_label(s), str(s)) for s in Status)]
        choices = {
            "kind": (kinds, _("Any kind")),
            "business": (businesses, _("Any business")),
            "priority": (priorities, _("Any priority")),
            "marker": (markers, _("Revised or not")),
            "complaint_status": (statuses, _("Any complaint status")),
        }
        await self.query_one("#log-selects").mount_all(
            Select(options, prompt=prompt, id=f"log-{name}", compact=True)
            for name, (options, prompt) in choices.items()
        )
        self._selects_shown.set()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = isinstance(self.focused, Input)
        if action == "search":
            return not typing
        if action == "apply_filter":
            return typing
        return True

    # -- the filter -----------------------------------------------------------------------

    def current_filter(self) -> LogFilter | None:
        """The filter the bar shows, or None when a date is not a date (said under the bar,
        the cursor in the field)."""
        from lobby_tui.data.views import LogFilter

        days: list[date | None] = []
        error = self.query_one("#log-date-error", Static)
        for name in ("log-from", "log-to"):
            field = self.query_one(f"#{name}", Input)
            value = field.value.strip()
            try:
                days.append(parse_date(value, self.session.today()) if value else None)
            except ValueError as refused:
                error.update(_(str(refused)))
                error.add_class("-shown")
                self.set_focus(field)
                return None
        error.remove_class("-shown")
        chosen: dict[str, str | None] = dict.fromkeys(SELECTS)  # none, before they are shown
        for select in self.query_one("#log-selects").query_children(Select):
            if select.value is not Select.NULL:
                chosen[select.id.removeprefix("log-")] = str(select.value)
        return LogFilter(
            first_day=days[0],
            last_day=days[1],
            staff_no=self.query_one("#log-staff", Input).value.strip() or None,
            text=self.query_one("#log-text", Input).value.strip(),
            **chosen,
        )

    def _apply_filter(self) -> bool:
        """Show the filter the bar holds from its newest entry; False if a date is not one."""
        log_filter = self.current_filter()
        if log_filter is None:
            return False
        self.log_filter = log_filter
        self.generation += 1
        self._fetch(self.generation, log_filter, "newest", None)
        return True

    def on_unmount(self) -> None:
        # The screen's widgets, styles and pages are garbage once it is closed, held in
        # reference cycles that only a collection frees: some 25,000 objects, 40-60 ms to
        # collect. Collected here, as the screen below is shown again, rather than by whatever
        # collection comes due next: often within the next F7, making its first page late.
        self.app.call_after_refresh(gc.collect)

    SHOWS = frozenset({Change.ENTRY, Change.HANDOFF, Change.CASE})

    def reload(self) -> None:
        """The filter shown, read again from its newest entry (a change was saved)."""
        if self.log_filter is not None:
            self.generation += 1
            self._fetch(self.generation, self.log_filter, "newest", None)

    async def action_apply_filter(self) -> None:
        """Enter in a box of the filter bar: the filter as typed, and back to the log."""
        if isinstance(self.focused, Input):
            await queued_keys_handled(self.focused)
        if self._apply_filter():  # else the error says why, the date field has the cursor
            self.set_focus(self.query_one(LogView))

    @on(Select.Changed)
    def _selected(self, event: Select.Changed) -> None:
        event.stop()
        if self.log_filter is not None:
            self._apply_filter()
            # Unless keys typed ahead have already moved on (to the search box, say).
            if event.select.has_focus_within:
                self.set_focus(self.query_one(LogView))

    def action_next_branch(self) -> None:
        """Head office: the next branch granted, read from its newest entry."""
        if next_branch(self):
            self.log_filter = None
            self._apply_filter()

    def action_search(self) -> None:
        self.set_focus(self.query_one("#log-text", Input))

    async def action_filters(self) -> None:
        # Ctrl+F typed ahead of the Selects (F7 Ctrl+F at once) waits for them, and so do the
        # keys after it: they are meant for the Select, not the log (Enter would open an entry).
        await self._selects_shown.wait()
        self.set_focus(self.query_one("#log-kind", Select))

    # -- pages ----------------------------------------------------------------------------

    @on(LogView.NeedPage)
    def _need_page(self, event: LogView.NeedPage) -> None:
        view = event.log_view
        key = None
        if event.where == "older" and view.rows:
            key = (view.rows[-1].occurred_at, view.rows[-1].id)
        elif event.where == "newer" and view.rows:
            key = (view.rows[0].occurred_at, view.rows[0].id)
        if self.log_filter is not None:
            self._fetch(self.generation, self.log_filter, event.where, key)

    @work(thread=True, group="log-page", exit_on_error=False)
    def _fetch(self, generation: int, log_filter: LogFilter, where: str, key) -> None:
        store, actor = self.session.store, self.session.actor
        started = perf_counter()
        page = store.log.page(
            actor,
            log_filter,
            before=key if where == "older" else None,
            after=key if where == "newer" else None,
            oldest=where == "oldest",
        )
        self.post_message(self.Loaded(generation, where, page, perf_counter() - started))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        if event.generation != self.generation:
            return  # a page of a filter no longer shown
        view = self.query_one(LogView)
        if event.where == "older":
            view.add_older(event.page)
        elif event.where == "newer":
            view.add_newer(event.page)
        else:
            view.show_page(event.page, at_end=event.where == "oldest")
        self._show_status(view, event.seconds)

    def _show_status(self, view: LogView, seconds: float) -> None:
        if not view.rows:
            status = _("No entry matches.")
        else:
            status = _("{count} entries in view · last page read in {ms} ms").format(
                count=len(view.rows), ms=round(seconds * 1000)
            )
            if not view.newer:
                status += " · " + _("newest entry on top")
            if not view.older:
                status += " · " + _("oldest entry reached")
        self.query_one("#log-status", Static).update(status)

    @on(LogView.Chosen)
    def _chosen(self, event: LogView.Chosen) -> None:
        open_entry(self.app, event.entry.id)

    # -- export ---------------------------------------------------------------------------

    def refused_export(self) -> str | None:
        actor = self.session.actor
        return refusal(actor.role if actor else None, Permission.EXPORT)

    def action_export(self) -> None:
        if refused := self.refused_export():
            self.notify(_(refused), severity="warning")
            return
        if any(w.node is self and w.group == "log-export" for w in self.app.workers):
            self.notify(_("An export is still being written: wait until it is done."))
            return
        log_filter = self.current_filter()
        if log_filter is None:
            return

        def chosen(choice: tuple[str, str] | None) -> None:
            if choice is not None:
                self._export(log_filter, *choice)

        formats = self.session.store.log.export_formats
        screen = dialog(
            "log_export", self.session.today(), formats, log_filter.first_day, log_filter.last_day
        )
        self.app.push_screen(screen, chosen)

    def _export(self, log_filter: LogFilter, path: str, fmt: str) -> None:
        # What the export needs of the app, taken while F7 is on screen: a screen left (Esc,
        # sign-out) no longer reaches its app, and the export must still finish and say so.
        app, store, actor = self.app, self.session.store, self.session.actor
        self._write_export(app, store, actor, log_filter, path, fmt)

    @work(thread=True, group="log-export", exit_on_error=False)
    def _write_export(self, app, store, actor, log_filter: LogFilter, path: str, fmt: str) -> None:
        from lobby_tui.data.views import StoreError

        started = shown_at = monotonic()

        def show(*progress: Any) -> None:
            with suppress(Exception):  # the app gone or going: the export goes on regardless
                app.call_from_thread(self._export_progress, path, *progress)

        def written(count: int, last: bool) -> None:  # on the worker's thread, after each batch
            nonlocal shown_at
            if (now := monotonic()) >= shown_at or last:
                shown_at = now + EXPORT_PROGRESS_EVERY_S
                show(count, now - started, last)

        show(0, 0.0)
        severity = "information"
        try:
            count = store.log.export(actor, log_filter, path, fmt, written)
            message = _("{count} entries exported to {path}").format(count=count, path=path)
            if store.read_only:
                unrecorded = _("The database is read-only: this export is not in its audit log.")
                message = f"{message}\n{unrecorded}"
        except (StoreError, OSError) as error:
            message = _(str(error)) if isinstance(error, StoreError) else str(error)
            severity = "error"
        finally:
            show(None, 0.0)
        app.call_from_thread(app.notify, message, severity=severity, markup=False)

    def _export_progress(
        self, path: str, count: int | None, seconds: float, last: bool = False
    ) -> None:
        """The line under the log while an export runs: how many entries are in the file so
        far, and for how long it has run; once the last is in, that the file is being finished
        (a workbook takes a while to close). Gone when ``count`` is None (done, or failed). The
        file comes last: a long path is cut at the screen's edge, the count never."""
        if not self.is_attached:  # F7 left meanwhile: the export goes on, its toast says when done
            return
        line = self.query_one("#log-export", Static)
        line.set_class(count is not None, "-shown")
        if count is None:
            return
        said = (
            _("Exporting: all {count} entries in, finishing the file · {seconds} s · {path}")
            if last
            else _("Exporting: {count} entries so far · {seconds} s · {path}")
        )
        line.update(said.format(path=path, count=f"{count:,}", seconds=int(seconds)))
