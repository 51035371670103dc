"""The App: screens, global keys, and who is signed in. Database work happens in workers."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from time import monotonic
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.worker import Worker, WorkerState

from lobby_tui import locale
from lobby_tui.config import Settings
from lobby_tui.domain import validation
from lobby_tui.domain.checklists import is_checklist_draft
from lobby_tui.domain.clock import DEFAULT_TIME_ZONE, branch_today, utcnow
from lobby_tui.domain.roles import ROLE_LABELS, Permission, refusal
from lobby_tui.integrity_check import check_chain
from lobby_tui.locale import N_, _
from lobby_tui.screens.signin import SignInScreen
from lobby_tui.widgets.bindings import translate_bindings
from lobby_tui.writes import SaveLanded, SaveReturned, SavesChanged, WriteQueue, WriteRefused

if TYPE_CHECKING:
    from textual.driver import Driver
    from textual.screen import Screen

    from lobby_tui.data.pending import PendingSave, PendingSaves
    from lobby_tui.data.store import Store
    from lobby_tui.data.views import Actor, BranchInfo, EntryView, HandoverView, StaffInfo
    from lobby_tui.screens.entry_form import EntryFormScreen
    from lobby_tui.widgets.header import DutyHeader

# The sign-in screen is the first frame; every other screen, the command palette and the whole
# database layer are imported when first needed, so that frame is drawn as soon as Textual can.


def _commands():
    from lobby_tui.commands import LobbyCommands

    return LobbyCommands


# Screens that write, refused at once on a database opened read-only.
WRITING_SCREENS = {"queue", "enquiry", "handoff", "complaint", "checklists"}
# Actions that need a signed-in, unlocked session.
STAFF_ACTIONS = {"screen", "note", "desk", "lock", "sign_out"}
# The handover is read and acknowledged before the desk and its screens.
NOT_DURING_HANDOVER = STAFF_ACTIONS - {"lock"}
YOUNG_COLLECTION = 10_000  # allocations between young garbage collections (Python: 700)


class LobbyApp(App):
    CSS_PATH = "styles/app.tcss"
    TITLE = "lobby-tui"
    COMMANDS = {_commands}
    # Priority bindings run in the order keys are typed, before the next key reaches a field: a
    # form opened with F2 already has the cursor when the ticket's first letter arrives.
    BINDINGS = [
        Binding("f1", "help", N_("Help"), id="help", priority=True),
        Binding("f2", "screen('queue')", N_("Guidance"), id="queue", priority=True),
        Binding("f3", "screen('enquiry')", N_("Enquiry"), id="enquiry", priority=True),
        Binding("f4", "screen('handoff')", N_("Hand-off"), id="handoff", priority=True),
        Binding("f5", "screen('complaint')", N_("Complaint"), id="complaint", priority=True),
        Binding("f6", "screen('open_items')", N_("Open"), id="open_items", priority=True),
        Binding("f7", "screen('log')", N_("Log"), id="log", priority=True),
        Binding("f8", "screen('summary')", N_("Summary"), id="summary", priority=True),
        Binding("f9", "screen('checklists')", N_("Checks"), id="checklists", priority=True),
        # Admins only: named in the desk's hints and F1, not in the footer of every screen.
        Binding("f10", "screen('staff')", N_("Staff"), id="staff", show=False, priority=True),
        Binding("escape", "desk", N_("Desk"), id="desk", show=False, priority=True),
        Binding("ctrl+l", "lock", N_("Lock"), id="lock", priority=True),
        Binding("ctrl+q", "quit", N_("Quit"), id="quit", priority=True),
    ]

    class StoreOpened(Message):
        def __init__(
            self,
            store: Store,
            branch: BranchInfo | None,
            demo: list[StaffInfo],
            journal: PendingSaves,
            waiting: list[PendingSave],
            returned: list[PendingSave],
        ) -> None:
            super().__init__()
            self.store = store
            self.branch = branch
            self.demo = demo
            self.journal = journal
            self.waiting = waiting
            self.returned = returned

    class StoreFailed(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] = utcnow) -> None:
        locale.install(settings.language)
        super().__init__()
        translate_bindings(self)
        self.settings = settings
        self.clock = clock
        self.store: Store | None = None
        self.branch: BranchInfo | None = None
        self.demo_staff: list[StaffInfo] = []
        self.actor: Actor | None = None
        self.zone = ZoneInfo(DEFAULT_TIME_ZONE)
        self.locked = False
        self._last_input = monotonic()
        self.writes = WriteQueue(fallback=self, retry_seconds=settings.save_retry)
        # Saves the database refused for good, waiting to go back into their forms.
        self.returned: list[PendingSave] = []
        # Forms left unsaved, by form name: restored when staff come back to them.
        self.drafts: dict[str, dict[str, str]] = {}
        self.set_keymap(settings.keymap)

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this terminal; on Linux and macOS ours, which keeps a pasted
        escape sequence inside its paste (lobby_tui/driver.py)."""
        driver = super().get_driver_class()
        if driver.__module__ == "textual.drivers.linux_driver":
            from lobby_tui.driver import LobbyDriver

            return LobbyDriver
        return driver

    # -- start-up: the sign-in screen first, the database behind it ----------------------

    def get_default_screen(self) -> SignInScreen:
        return SignInScreen()

    def on_ready(self) -> None:
        # After the first frame is on the terminal: opening the database imports SQLAlchemy.
        self._open_store()

    def on_mount(self) -> None:
        self.run_worker(self.writes.serve, thread=True, group="writes", exit_on_error=False)
        limit = self.settings.idle_lock_minutes * 60
        if limit:
            self.set_interval(min(5.0, max(0.05, limit / 4)), self._lock_when_idle)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_store(self) -> None:
        from lobby_tui.data.pending import PendingSaves, journal_path
        from lobby_tui.data.store import Store

        try:
            store = self.store or Store.open(
                self.settings.db, busy_timeout=self.settings.busy_timeout
            )
            journal = PendingSaves(journal_path(self.settings.pending_dir, store.db.url))
            # Saves a killed or quit app left waiting are sent before anything new.
            waiting, returned = journal.load()
            branch, demo = store.branch(), store.demo_staff()
            self.post_message(self.StoreOpened(store, branch, demo, journal, waiting, returned))
        except Exception as error:  # shown to staff as one line, never a traceback
            self.post_message(self.StoreFailed(f"{type(error).__name__}: {error}".splitlines()[0]))

    @on(StoreOpened)
    def _store_opened(self, event: StoreOpened) -> None:
        if self.store is None:
            from lobby_tui.data.pending import send

            self.writes.attach(event.journal, partial(send, event.store))
            self.writes.resume(event.waiting)
            self.returned = list(event.returned)
        self.store, self.branch, self.demo_staff = event.store, event.branch, event.demo
        # Everything imported so far (Textual, SQLAlchemy: most of the objects there will ever
        # be) lives until the app ends. Frozen, it is left out of the full garbage collections
        # that would otherwise pause a save at rush hour for tens of milliseconds.
        gc.freeze()
        # A save makes thousands of short-lived objects in reference cycles (the session and
        # its rows, messages). With the default 700 allocations between young collections they
        # outlive two of them within the save, reach the old generation, and a full collection
        # of 17-40 ms follows every few saves; with 10,000 they are collected young.
        gc.set_threshold(YOUNG_COLLECTION, *gc.get_threshold()[1:])
        if event.branch is None:
            from lobby_tui.screens.setup import SetupScreen

            self.push_screen(SetupScreen(id="setup"))
            return
        self.zone = ZoneInfo(event.branch.time_zone)
        self.sign_in_screen.show_branch(event.branch, event.demo)

    @property
    def sign_in_screen(self) -> SignInScreen:
        """The bottom of the screen stack: every session starts and ends there."""
        return self.screen_stack[0]

    @on(StoreFailed)
    def _store_failed(self, event: StoreFailed) -> None:
        message = _("The database cannot be opened: {error}").format(error=event.error)
        self.notify(message, severity="error", timeout=30)

    def setup_done(self) -> None:
        self.pop_screen()
        self.sign_in_screen.reset(_("Branch created. Sign in as the admin."))
        self._open_store()

    # -- who is signed in -----------------------------------------------------------------

    def today(self) -> date:
        """Today in branch time."""
        return branch_today(self.zone, self.clock())

    def signed_in(
        self,
        actor: Actor,
        drafts: dict[str, dict[str, str]],
        handover: HandoverView | None = None,
    ) -> None:
        self.actor = actor
        if self.branch is not None and actor.branch_id not in (None, self.branch.id):
            # Several branches in one database: the header and the day are the staff's own.
            self.branch = self.store.branch(actor.branch_id)
            self.zone = ZoneInfo(self.branch.time_zone)
        self.locked = False
        self._last_input = monotonic()
        self.drafts = dict(drafts)
        from lobby_tui.screens.desk import DeskScreen

        self.push_screen(DeskScreen(id="desk"))
        check_chain(self, actor)
        if handover is not None:
            from lobby_tui.screens.handover import HandoverReadScreen

            self.push_screen(HandoverReadScreen(handover), callback=self._restore_drafts)
        else:
            self._restore_drafts()

    def _restore_drafts(self, _acknowledged: object = None) -> None:
        # A handover note being written waits for the next sign-out; an entry form reopens.
        forms = [name for name in self.drafts if name != validation.HANDOVER_DRAFT]
        forms += [save.form for save in self.returned if self._mine(save)]
        if forms:
            # An unsaved form from last time (a crash, a killed terminal): straight back to it.
            name = "checklists" if is_checklist_draft(forms[0]) else forms[0]
            self.call_after_refresh(
                self.run_action, "note" if name == "note" else f"screen('{name}')"
            )
            self.notify(_("Your unsaved entry is back: finish it or press Esc."))

    def show_identity(self, header: DutyHeader) -> None:
        branch = f"{self.branch.name} ({self.branch.code})" if self.branch else ""
        actor = self.actor
        staff = f"{actor.name} · {actor.staff_no} · {_(ROLE_LABELS[actor.role])}" if actor else ""
        header.show(branch=branch, staff=staff, zone=self.zone)

    def action_sign_out(self) -> None:
        """Ask for the handover note; its dialog signs out with one key (Ctrl+S)."""
        if self.store is not None and self.store.read_only:
            self.sign_out(_("Signed out."), shift_closed=True)  # no shift, no note to write
        elif self.screen.id != "handover-note":
            from lobby_tui.screens.handover import HandoverNoteScreen

            draft = self.drafts.get(validation.HANDOVER_DRAFT)
            self.push_screen(HandoverNoteScreen(id="handover-note", draft=draft))

    def handed_over(self, kept: bool) -> None:
        """The shift was signed out with its handover note (``kept``: stored on the shift)."""
        notice = _("Signed out. The handover note is kept.") if kept else _("Signed out.")
        self.sign_out(notice, shift_closed=True)

    def sign_out(self, notice: str, *, shift_closed: bool = False) -> None:
        if self.actor is not None and not shift_closed:
            self._close_shift(self.actor)
        self.actor = None
        self.locked = False
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.sign_in_screen.reset(notice)

    @work(thread=True, group="sign-out", exit_on_error=False)
    def _close_shift(self, actor: Actor) -> None:
        self.store.sign_out(actor)

    async def action_quit(self) -> None:
        from lobby_tui.screens.entry_form import EntryFormScreen

        if self.screen.id == "quit-waiting":
            return
        for screen in self.screen_stack:
            if isinstance(screen, EntryFormScreen):
                screen.on_screen_suspend()  # a draft still waiting for its timer is written now
        # Every save already made is tried before the app ends; one that has to wait stays
        # kept for the next start, and the person is asked before leaving it there.
        await asyncio.to_thread(self.writes.wait_until_empty)
        if self.writes.waiting:
            from lobby_tui.data.faults import FAULT_LABELS
            from lobby_tui.screens.quit_waiting import QuitWithSavesWaiting

            _count, fault = self.writes.status()
            why = _(FAULT_LABELS[fault]) if fault else ""
            dialog = QuitWithSavesWaiting(self.writes.waiting, why)
            self.push_screen(dialog, callback=self._quit_anyway)
            return
        await self._quit()

    def _quit_anyway(self, leave: bool | None) -> None:
        if leave:
            self.call_later(self._quit)

    async def _quit(self) -> None:
        if self.actor is not None and self.store is not None:
            actor, self.actor = self.actor, None
            try:
                await self._close_shift(actor).wait()
            except Exception as error:  # the shift stays open; the app still ends
                self.log.error(error)
        self.exit()

    # -- locking --------------------------------------------------------------------------

    def action_lock(self) -> None:
        if self.actor is not None and not self.locked:
            self.locked = True
            from lobby_tui.screens.lock import LockScreen

            self.push_screen(LockScreen(id="lock"))

    def unlocked(self) -> None:
        self.locked = False
        self._last_input = monotonic()
        if self.screen.id == "lock":
            self.pop_screen()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self._last_input = monotonic()
        await super().on_event(event)

    def _lock_when_idle(self) -> None:
        limit = self.settings.idle_lock_minutes * 60
        if limit and self.actor and not self.locked and monotonic() - self._last_input > limit:
            self.action_lock()

    # -- screens --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NOT_DURING_HANDOVER and self.screen.id == "handover":
            return False
        return not (action in STAFF_ACTIONS and (self.actor is None or self.locked))

    async def action_screen(self, name: str) -> None:
        if name == "complaint" and self.screen.id == "complaint":
            name = "complaint_list"  # F5 twice: from registering to the list of cases
        if self.screen.id == name or (name in WRITING_SCREENS and not self.writable()):
            return
        if name == "staff" and (refused := refusal(self.actor.role, Permission.MANAGE_STAFF)):
            self.notify(_(refused), severity="warning")
            return
        await self.to_desk()
        if name == "open_items":
            from lobby_tui.screens.open_items import OpenItemsScreen

            await self.push_screen(OpenItemsScreen())
        elif name == "complaint_list":
            from lobby_tui.screens.complaint_list import ComplaintListScreen

            await self.push_screen(ComplaintListScreen())
        elif name == "checklists":
            from lobby_tui.screens.checklists import ChecklistsScreen

            await self.push_screen(ChecklistsScreen())
        elif name == "staff":
            from lobby_tui.screens.staff import StaffScreen

            await self.push_screen(StaffScreen())
        elif name == "summary":
            from lobby_tui.screens.summary import SummaryScreen

            await self.push_screen(SummaryScreen())
        elif name == "log":
            from lobby_tui.screens.log_browser import LogBrowserScreen

            await self.push_screen(LogBrowserScreen())
        else:
            await self.push_screen(entry_form(name)(draft=self.drafts.get(name)))

    async def action_note(self) -> None:
        if self.screen.id == "desk" and self.writable():
            await self.push_screen(entry_form("note")(draft=self.drafts.get("note")))

    def form_left(self, name: str, fields: dict[str, str] | None) -> None:
        """Remember what a form held when staff left it, to show it again when they return."""
        if fields:
            self.drafts[name] = fields
        else:
            self.drafts.pop(name, None)

    # -- saves: landed, refused, waiting ---------------------------------------------------

    def writable(self) -> bool:
        """False, said at once, on a database opened read-only: before anything is typed."""
        if self.store is not None and self.store.read_only:
            self.notify(
                _("This database is read-only (an archive copy): nothing can be written here."),
                severity="warning",
            )
            return False
        return True

    @on(SaveLanded)
    def _save_landed(self, event: SaveLanded) -> None:
        """A save landed after staff left its form, or one kept from an earlier start."""
        self.entry_saved(getattr(event.result, "entry", event.result), added=True)

    @on(SaveReturned)
    def _save_returned(self, event: SaveReturned) -> None:
        self.keep_returned(event.save, event.error)

    def keep_returned(self, save: PendingSave, error: Exception) -> None:
        """A save refused for good while its form was busy or gone: it goes back into that form
        the next time it is empty, for the staff member who typed it."""
        self.returned.append(replace(save, error=_first_line(error)))
        said = _("Not saved: {error}. The entry comes back in its form when the form is empty.")
        self.notify(
            said.format(error=_first_line(error)),
            severity="error",
            timeout=15,
        )

    def take_returned(self, form: str) -> PendingSave | None:
        """The oldest refused save of ``form`` typed by the signed-in staff member, if any."""
        for save in self.returned:
            if save.form == form and self._mine(save):
                self.returned.remove(save)
                return save
        return None

    def _mine(self, save: PendingSave) -> bool:
        return self.actor is not None and save.actor.staff_no == self.actor.staff_no

    @on(SavesChanged)
    def _saves_changed(self, _event: SavesChanged) -> None:
        from lobby_tui.widgets.header import DutyHeader

        for header in self.screen.query(DutyHeader):
            header.refresh_status()
        if hasattr(self.screen, "saves_waiting"):
            self.screen.saves_waiting(self.writes.waiting)

    def on_write_refused(self, event: WriteRefused) -> None:
        """A change refused after staff left the screen that asked for it: say so."""
        self.report_failure(event.error)

    def report_failure(self, error: Exception) -> None:
        first_line = _first_line(error)
        self.notify(
            _("Not saved, nothing lost: {error}").format(error=first_line),
            severity="error",
            timeout=15,
        )

    async def action_desk(self) -> None:
        """Esc: one step back where the screen offers one (a dialog's Cancel, a detail's Back,
        so a reviewer returns to the list the entry was opened from); else back to the duty
        desk, leaving a form with its draft kept."""
        back = _own_escape(self.screen)
        if back is not None:
            await self.screen.run_action(back)
        else:
            await self.to_desk()

    async def to_desk(self) -> None:
        """Back to the duty desk, whatever is open above it."""
        while self.screen.id != "desk" and len(self.screen_stack) > 2:
            await self.pop_screen()

    def entry_saved(self, entry: EntryView, *, added: bool = False) -> None:
        """An entry was written (``added``: a new one) — the screens that show it catch up."""
        for screen in self.screen_stack:
            if screen.id == "desk" and added:
                screen.entry_added(entry)
            elif screen.id in ("desk", "open_items", "complaint_list"):
                screen.reload()

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if not CommandPalette.is_open(self):
            placeholder = _("Search for a screen or an action…")
            self.push_screen(CommandPalette(placeholder=placeholder, id="--command-palette"))

    def action_help(self) -> None:
        if self.screen.id == "help":
            return
        from lobby_tui.screens.help import HelpScreen, help_keys

        self.push_screen(HelpScreen(help_keys(self.screen), id="help"))

    def get_key_display(self, binding: Binding) -> str:
        """Keys as the keyboard prints them: F2, ^S, Home."""
        shown = super().get_key_display(binding)
        if shown.startswith("^") or (shown[:1] == "f" and shown[1:].isdigit()):
            return shown.upper()
        return shown.capitalize() if shown.isalpha() and len(shown) > 1 else shown

    def action_help_quit(self) -> None:
        """Ctrl+C quits nothing (it copies in a field); say which key does, in our words."""
        for active in self.active_bindings.values():
            if active.binding.action in ("quit", "app.quit"):
                message = _("Press {key} to quit.").format(key=self.get_key_display(active.binding))
                self.notify(message, title=_("Quit?"), markup=False)
                return

    # -- one place for worker failures ----------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.log.error(event.worker.error)
            self.report_failure(event.worker.error)


def _first_line(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}".splitlines()[0]


def _own_escape(screen: Screen) -> str | None:
    """The action of the screen's own Esc binding (Cancel, Back, Close), if it has one."""
    for binding in type(screen).BINDINGS:
        if isinstance(binding, Binding) and "escape" in binding.key.split(","):
            return binding.action
    return None


def entry_form(name: str) -> type[EntryFormScreen]:
    """The form screen for ``name``, imported when first opened."""
    if name == "queue":
        from lobby_tui.screens.queue import QueueScreen as screen
    elif name == "enquiry":
        from lobby_tui.screens.enquiry import EnquiryScreen as screen
    elif name == "handoff":
        from lobby_tui.screens.handoff import HandoffScreen as screen
    elif name == "complaint":
        from lobby_tui.screens.complaint import ComplaintScreen as screen
    else:
        from lobby_tui.screens.note import NoteScreen as screen
    return screen
