"""Every screen the App opens, in one table: its name, its key, its label, where the command
palette lists it, and how it is opened (docs/architecture.md, "Adding a screen").

The App's function-key bindings, the command palette (``lobby_tui/commands.py``) and
``action_screen`` are made from ``SCREENS``; ``open_case`` and ``open_entry`` are how any screen
shows a complaint case or an entry's history; ``dialog`` makes a dialog a screen pushes over
itself (``DIALOGS``). A screen's or a dialog's module is imported the first time it is opened,
here and nowhere else: the sign-in screen is the first frame, and it must not wait for the
others (bench/first_frame.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from lobby_tui.domain.roles import Permission
from lobby_tui.locale import N_

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen


@dataclass(frozen=True)
class ScreenSpec:
    name: str  # the binding id and the argument of ``screen('…')``
    where: str  # module:class, imported when first opened
    label: str = ""  # the binding's label (N_: translated when shown)
    key: str | None = None  # an App-wide key that opens it from anywhere
    palette: tuple[str, str] | None = None  # (group, title) in the command palette
    action: str | None = None  # what the palette runs, when not ``screen('name')``
    form: bool = False  # an entry form: opened with the draft left in it
    writes: bool = False  # refused at once on a database opened read-only
    needs: Permission | None = None  # offered and opened only for roles with it
    shown: bool = True  # in the footer

    @property
    def run(self) -> str:
        return self.action or f"screen('{self.name}')"


# In the command palette's order.
SCREENS: tuple[ScreenSpec, ...] = (
    ScreenSpec(
        "note", "lobby_tui.screens.note:NoteScreen",
        palette=(N_("entry"), N_("new note")), action="note", form=True, writes=True,
    ),
    ScreenSpec(
        "queue", "lobby_tui.screens.queue:QueueScreen", N_("Guidance"), "f2",
        palette=(N_("entry"), N_("queue guidance")), form=True, writes=True,
    ),
    ScreenSpec(
        "enquiry", "lobby_tui.screens.enquiry:EnquiryScreen", N_("Enquiry"), "f3",
        palette=(N_("entry"), N_("enquiry")), form=True, writes=True,
    ),
    ScreenSpec(
        "handoff", "lobby_tui.screens.handoff:HandoffScreen", N_("Hand-off"), "f4",
        palette=(N_("entry"), N_("hand-off")), form=True, writes=True,
    ),
    ScreenSpec(
        "complaint", "lobby_tui.screens.complaint:ComplaintScreen", N_("Complaint"), "f5",
        palette=(N_("entry"), N_("register a complaint")), form=True, writes=True,
    ),
    ScreenSpec(
        "complaint_list", "lobby_tui.screens.complaint_list:ComplaintListScreen",
        palette=(N_("screen"), N_("complaint list")),
    ),
    ScreenSpec(
        "open_items", "lobby_tui.screens.open_items:OpenItemsScreen", N_("Open"), "f6",
        palette=(N_("screen"), N_("open items")),
    ),
    ScreenSpec(
        "log", "lobby_tui.screens.log_browser:LogBrowserScreen", N_("Log"), "f7",
        palette=(N_("screen"), N_("log browser")),
    ),
    ScreenSpec(
        "summary", "lobby_tui.screens.summary:SummaryScreen", N_("Summary"), "f8",
        palette=(N_("screen"), N_("day summary")),
    ),
    ScreenSpec(
        "checklists", "lobby_tui.screens.checklists:ChecklistsScreen", N_("Checks"), "f9",
        palette=(N_("screen"), N_("checklists")), writes=True,
    ),
    # Admins only: named in the desk's hints and F1, not in the footer of every screen.
    ScreenSpec(
        "staff", "lobby_tui.screens.staff:StaffScreen", N_("Staff"), "f10",
        palette=(N_("screen"), N_("staff")), needs=Permission.MANAGE_STAFF, shown=False,
    ),
)  # fmt: skip
BY_NAME = {spec.name: spec for spec in SCREENS}

# Screens the App and the screens open themselves (not by a key of their own).
OTHERS = {
    "desk": "lobby_tui.screens.desk:DeskScreen",
    "setup": "lobby_tui.screens.setup:SetupScreen",
    "lock": "lobby_tui.screens.lock:LockScreen",
    "help": "lobby_tui.screens.help:HelpScreen",
    "handover_read": "lobby_tui.screens.handover:HandoverReadScreen",
    "handover_note": "lobby_tui.screens.handover:HandoverNoteScreen",
    "quit_waiting": "lobby_tui.screens.quit_waiting:QuitWithSavesWaiting",
    "case": "lobby_tui.screens.complaint_case:CaseScreen",
    "entry": "lobby_tui.screens.entry_detail:EntryDetailScreen",
}

# Dialogs a screen pushes over itself, with the screen's callback for their answer.
DIALOGS = {
    "step": "lobby_tui.screens.complaint_step:StepDialog",  # a complaint case's next step
    "revise": "lobby_tui.screens.revise:ReviseScreen",
    "void": "lobby_tui.screens.revise:VoidScreen",
    "correct_outcome": "lobby_tui.screens.revise:CorrectOutcomeScreen",  # a hand-off's outcome
    "reveal_pick": "lobby_tui.screens.reveal_pick:RevealPickScreen",  # which masked value
    "log_export": "lobby_tui.screens.log_export:LogExportScreen",
}


def screen_class(name: str) -> type[Screen]:
    """The class of the screen called ``name``, its module imported now if not yet."""
    return _imported(BY_NAME[name].where if name in BY_NAME else OTHERS[name])


def dialog(name: str, *args: Any, **kwargs: Any) -> Screen:
    """The dialog ``name`` (``DIALOGS``) made with ``args``, its module imported now if not yet."""
    return _imported(DIALOGS[name])(*args, **kwargs)


def _imported(where: str) -> Any:
    module, _, name = where.partition(":")
    return getattr(import_module(module), name)


def key_bindings() -> list[Binding]:
    """The App's bindings that open a screen from anywhere, in the order of their keys."""
    keyed = sorted((s for s in SCREENS if s.key), key=lambda s: int(s.key.removeprefix("f")))
    return [Binding(s.key, s.run, s.label, id=s.name, show=s.shown, priority=True) for s in keyed]


def open_case(app: App, case_id: int) -> None:
    """Show complaint case ``case_id`` over the screen it was chosen on."""
    app.push_screen(screen_class("case")(case_id))


def open_entry(app: App, entry_id: int) -> None:
    """Show entry ``entry_id`` with its history over the screen it was chosen on."""
    app.push_screen(screen_class("entry")(entry_id))


def open_help(app: App) -> None:
    """Show the keys of the screen in sight (F1)."""
    help_keys = _imported("lobby_tui.screens.help:help_keys")
    app.push_screen(screen_class("help")(help_keys(app.screen), id="help"))
