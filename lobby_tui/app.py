"""The App: screens, global keys, and who is signed in. Database work happens in workers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from time import monotonic
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from textual import on, work
from textual.binding import Binding
from textual.reactive import var
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from lobby_tui import locale
from lobby_tui.app_lock import LocksWhenIdle
from lobby_tui.app_saves import HandlesSaves
from lobby_tui.app_start import OpensTheStore, collect_again, load_screens_css
from lobby_tui.config import Settings
from lobby_tui.domain.clock import DEFAULT_TIME_ZONE, utcnow
from lobby_tui.domain.roles import refusal
from lobby_tui.integrity_check import check_chain
from lobby_tui.locale import N_, _
from lobby_tui.messages import (
    HandedOver,
    LogChanged,
    SetupDone,
    SignedIn,
)
from lobby_tui.screens.registry import BY_NAME, key_bindings, open_help, screen_class
from lobby_tui.screens.signin import SignInScreen
from lobby_tui.session import Session
from lobby_tui.widgets.bindings import translate_bindings
from lobby_tui.writes import WriteQueue

if TYPE_CHECKING:
    from textual.driver import Driver
    from textual.screen import Screen

    from lobby_tui.data.pending import PendingSave
    from lobby_tui.data.views import Actor, StaffInfo

# The sign-in screen is the first frame; every other screen, the command palette and the whole
# database layer are imported when first needed, so that frame is drawn as soon as Textual can.


def _commands():
    from lobby_tui.commands import LobbyCommands

    return LobbyCommands


# Actions that need a signed-in, unlocked session.
STAFF_ACTIONS = {"screen", "note", "desk", "lock", "sign_out"}
# The handover is read and acknowledged before the desk and its screens.
NOT_DURING_HANDOVER = STAFF_ACTIONS - {"lock"}


class LobbyApp(OpensTheStore, HandlesSaves, LocksWhenIdle):
    CSS_PATH = "styles/app.tcss"
    TITLE = "lobby-tui"
    COMMANDS = {_commands}
    # Priority bindings run in the order keys are typed, before the next key reaches a field: a
    # form opened with F2 already has the cursor when the ticket's first letter arrives.
    BINDINGS = [
        Binding("f1", "help", N_("Help"), id="help", priority=True),
        *key_bindings(),  # F2-F10: the screens (screens/registry.py)
        Binding("escape", "desk", N_("Desk"), id="desk", show=False, priority=True),
        Binding("ctrl+l", "lock", N_("Lock"), id="lock", priority=True),
        Binding("ctrl+q", "quit", N_("Quit"), id="quit", priority=True),
    ]

    session: var[Session | None] = var(None, init=False)  # the header watches it

    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] = utcnow) -> None:
        locale.install(settings.language)
        super().__init__()
        translate_bindings(self)
        writes = WriteQueue(fallback=self, retry_seconds=settings.save_retry)
        # What screens work with (docs/architecture.md): replaced whole, never changed in place.
        self.session = Session(settings, clock, writes, ZoneInfo(DEFAULT_TIME_ZONE))
        # Once per committed write: the screens that show such things catch up (screens/follows.py).
        self.log_changed: Signal[LogChanged] = Signal(self, "log-changed")
        self.demo_staff: list[StaffInfo] = []
        self.locked = False
        self._last_input = monotonic()
        # Saves the database refused for good, waiting to go back into their forms.
        self.returned: list[PendingSave] = []
        self.set_keymap(settings.keymap)

    # The sign-in context, read through: the App's own code and tests name these directly.
    settings = property(lambda self: self.session.settings)
    clock = property(lambda self: self.session.clock)
    writes = property(lambda self: self.session.writes)
    zone = property(lambda self: self.session.zone)
    store = property(lambda self: self.session.store)
    branch = property(lambda self: self.session.branch)
    actor = property(lambda self: self.session.actor)
    drafts = property(lambda self: self.session.drafts)

    def _replace_session(self, **changes: object) -> None:
        self.session = replace(self.session, **changes)

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
        collect_again()
        load_screens_css(self)
        self._open_store()

    def on_mount(self) -> None:
        self.run_worker(self.writes.serve, thread=True, group="writes", exit_on_error=False)
        limit = self.settings.idle_lock_minutes * 60
        if limit:
            self.set_interval(min(5.0, max(0.05, limit / 4)), self._lock_when_idle)

    @property
    def sign_in_screen(self) -> SignInScreen:
        """The bottom of the screen stack: every session starts and ends there."""
        return self.screen_stack[0]

    @on(SetupDone)
    def setup_done(self) -> None:
        self.pop_screen()
        self.sign_in_screen.reset(_("Branch created. Sign in as the admin."))
        self._open_store()

    # -- who is signed in -----------------------------------------------------------------

    def today(self) -> date:
        """Today in branch time."""
        return self.session.today()

    @on(SignedIn)
    def signed_in(self, event: SignedIn) -> None:
        actor, handover = event.actor, event.handover
        branch, zone = self.session.branch, self.session.zone
        if branch is not None and actor.branch_id not in (None, branch.id):
            # Several branches in one database: the header and the day are the staff's own.
            branch = self.store.branches.get(actor.branch_id)
            zone = ZoneInfo(branch.time_zone)
        self._replace_session(actor=actor, drafts=dict(event.drafts), branch=branch, zone=zone)
        self.locked = False
        self._last_input = monotonic()
        self.push_screen(screen_class("desk")(id="desk"))
        check_chain(self, actor)
        if handover is not None:
            read = screen_class("handover_read")(handover)
            self.push_screen(read, callback=self._restore_drafts)
        else:
            self._restore_drafts()

    def _restore_drafts(self, _acknowledged: object = None) -> None:
        from lobby_tui.domain.checklists import is_checklist_draft
        from lobby_tui.domain.validation import HANDOVER_DRAFT

        # A handover note being written waits for the next sign-out; an entry form reopens.
        forms = [name for name in self.drafts if name != HANDOVER_DRAFT]
        forms += [save.form for save in self.returned if self._mine(save)]
        if forms:
            # An unsaved form from last time (a crash, a killed terminal): straight back to it.
            name = "checklists" if is_checklist_draft(forms[0]) else forms[0]
            self.call_after_refresh(
                self.run_action, "note" if name == "note" else f"screen('{name}')"
            )
            self.notify(_("Your unsaved entry is back: finish it or press Esc."))

    def action_sign_out(self) -> None:
        """Ask for the handover note; its dialog signs out with one key (Ctrl+S)."""
        if self.store is not None and self.store.read_only:
            self.sign_out(_("Signed out."), shift_closed=True)  # no shift, no note to write
        elif self.screen.id != "handover-note":
            from lobby_tui.domain.validation import HANDOVER_DRAFT

            draft = self.drafts.get(HANDOVER_DRAFT)
            self.push_screen(screen_class("handover_note")(id="handover-note", draft=draft))

    @on(HandedOver)
    def handed_over(self, event: HandedOver) -> None:
        """The shift was signed out with its handover note (``kept``: stored on the shift)."""
        kept = event.kept
        notice = _("Signed out. The handover note is kept.") if kept else _("Signed out.")
        self.sign_out(notice, shift_closed=True)

    def sign_out(self, notice: str, *, shift_closed: bool = False) -> None:
        if self.actor is not None and not shift_closed:
            self._close_shift(self.actor)
        self._replace_session(actor=None)
        self.locked = False
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.sign_in_screen.reset(notice)

    @work(thread=True, group="sign-out", exit_on_error=False)
    def _close_shift(self, actor: Actor) -> None:
        self.store.staff.sign_out(actor)

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

            _count, fault = self.writes.status()
            why = _(FAULT_LABELS[fault]) if fault else ""
            dialog = screen_class("quit_waiting")(self.writes.waiting, why)
            self.push_screen(dialog, callback=self._quit_anyway)
            return
        await self._quit()

    def _quit_anyway(self, leave: bool | None) -> None:
        if leave:
            self.call_later(self._quit)

    async def _quit(self) -> None:
        if self.actor is not None and self.store is not None:
            actor = self.actor
            self._replace_session(actor=None)
            try:
                await self._close_shift(actor).wait()
            except Exception as error:  # the shift stays open; the app still ends
                self.log.error(error)
        self.exit()

    # -- screens --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NOT_DURING_HANDOVER and self.screen.id == "handover":
            return False
        return not (action in STAFF_ACTIONS and (self.actor is None or self.locked))

    async def action_screen(self, name: str) -> None:
        if name == "complaint" and self.screen.id == "complaint":
            name = "complaint_list"  # F5 twice: from registering to the list of cases
        if self.screen.id == name or (BY_NAME[name].writes and not self.writable()):
            return
        spec = BY_NAME[name]
        if spec.needs and (refused := refusal(self.actor.role, spec.needs)):
            self.notify(_(refused), severity="warning")
            return
        await self.to_desk()
        opened = screen_class(name)
        await self.push_screen(opened(draft=self.drafts.get(name)) if spec.form else opened())

    async def action_note(self) -> None:
        if self.screen.id == "desk" and self.writable():
            await self.push_screen(screen_class("note")(draft=self.drafts.get("note")))

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

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if not CommandPalette.is_open(self):
            placeholder = _("Search for a screen or an action…")
            self.push_screen(CommandPalette(placeholder=placeholder, id="--command-palette"))

    def action_help(self) -> None:
        if self.screen.id == "help":
            return
        open_help(self)

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


def _own_escape(screen: Screen) -> str | None:
    """The action of the screen's own Esc binding (Cancel, Back, Close), if it has one."""
    for binding in type(screen).BINDINGS:
        if isinstance(binding, Binding) and "escape" in binding.key.split(","):
            return binding.action
    return None
