"""The shift handover (交接班): the note written when signing out, read at the next sign-in.

Signing out shows what stays open and asks for the note; Ctrl+S signs out, with the note or,
said plainly, without one. The next staff member sees the last note and what is open before the
desk, and acknowledges it with Enter. The note comes masked; a reviewer may reveal it (r), audited.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from lobby_tui import messages
from lobby_tui.domain import validation
from lobby_tui.domain.roles import Permission, allows
from lobby_tui.domain.text import visible
from lobby_tui.locale import N_, _
from lobby_tui.screens.base import LobbyModal, LobbyScreen
from lobby_tui.screens.drafts import KeepsDraft
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.form import FieldSpec, Form
from lobby_tui.widgets.header import DutyHeader
from lobby_tui.widgets.open_summary import open_summary_text
from lobby_tui.writes import WriteJob, WriteRefused

if TYPE_CHECKING:
    from lobby_tui.data.views import HandoverView, OpenSummary


class OpenLoaded(Message):
    def __init__(self, summary: OpenSummary) -> None:
        super().__init__()
        self.summary = summary


class _ShowsOpenItems:
    """Loads what stays open in the branch into ``#handover-open``."""

    def load_open_items(self) -> None:
        self.run_worker(
            self._read_open_items, thread=True, group="handover-open", exit_on_error=False
        )

    def _read_open_items(self) -> None:
        self.post_message(OpenLoaded(self.session.store.shifts.still_open(self.session.actor)))

    def on_open_loaded(self, event: OpenLoaded) -> None:
        shown = open_summary_text(
            event.summary, self.session.zone, self.session.settings.lists, self.session.clock()
        )
        self.query_one("#handover-open", Static).update(shown)


class HandoverNoteScreen(KeepsDraft, _ShowsOpenItems, LobbyModal):
    """Signing out: what stays open, and the note for the next shift. The note is kept as a
    draft while it is written; it comes back at the next sign-out, and signing out forgets it."""

    FORM = validation.HANDOVER_DRAFT

    DEFAULT_CSS = """
    HandoverNoteScreen { align: center middle; }
    #handover-box {
        width: 96; max-width: 100%; height: auto; max-height: 90%; padding: 0 2;
        border: round $primary; background: $panel;
    }
    #handover-note-form TextArea { height: 6; }
    #handover-empty { color: $warning; }
    """

    class HandedOver(Message):
        def __init__(self, kept: bool) -> None:
            super().__init__()
            self.kept = kept

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="handover-box"):
            yield Static(_("Sign out: handover to the next shift"), classes="box-title")
            yield Static(_("What stays open"), classes="panel-title")
            yield Static(_("Reading…"), id="handover-open")
            yield Form(
                [
                    FieldSpec(
                        "note",
                        _("Handover note"),
                        kind="text",
                        max_length=validation.NOTE_MAX_LENGTH,
                    )
                ],
                on_submit=self.save,
                id="handover-note-form",
            )
            yield Static("", id="handover-empty")
            yield Static(_("Ctrl+S: sign out · Esc: stay signed in"), classes="hint")

    def on_mount(self) -> None:
        if self.draft:
            self.form.load(self.draft)
        self.form.focus_first()
        self._say_if_empty()
        self.load_open_items()

    def on_screen_suspend(self) -> None:
        if not self._sent:  # Esc: the note stays a draft, for the next sign-out
            self.keep_draft_now()
            self.session.form_left(self.FORM, None if self.form.is_blank() else self.form.values())

    @on(Form.Edited)
    def _say_if_empty(self) -> None:
        empty = not self.query_one(Form).values()["note"].strip()
        self.query_one("#handover-empty", Static).update(
            _("The note is empty: the next shift gets only the open items above.") if empty else ""
        )

    def __init__(self, id: str | None = None, draft: dict[str, str] | None = None) -> None:
        super().__init__(id=id)
        self.draft = draft
        self._sent = False  # a second Ctrl+S while the first is being written signs out once

    def save(self, fields: dict[str, str]) -> None:
        if self._sent:
            return
        self._sent = True
        note = fields["note"] if fields["note"].strip() else ""
        store, actor = self.session.store, self.session.actor
        self.session.writes.put(
            WriteJob(
                run=partial(store.shifts.hand_over, actor, note),
                reply_to=self,
                done=self.HandedOver,
                failed=WriteRefused,
            )
        )

    @on(HandedOver)
    def _handed_over(self, event: HandedOver) -> None:
        self.tell_app(messages.HandedOver(event.kept))

    @on(WriteRefused)
    def _refused(self, event: WriteRefused) -> None:
        event.stop()
        self._sent = False
        from lobby_tui.domain.validation import ValidationError

        if isinstance(event.error, ValidationError):
            self.query_one(Form).set_error("note", _(event.error.message))
        else:
            self.report_failure(event.error)


class HandoverReadScreen(_ShowsOpenItems, LobbyScreen):
    """At sign-in, before the desk: the last handover note and what is open now."""

    BINDINGS = [
        Binding("enter", "acknowledge", N_("Acknowledge"), id="handover_acknowledge"),
        Binding("r", "reveal", N_("Reveal"), id="reveal"),
    ]
    DEFAULT_CSS = """
    #handover-read {
        margin: 1 2; padding: 0 2; height: 1fr; border: round $primary; background: $panel;
    }
    #handover-note { padding: 1 0; }
    """

    class Acknowledged(Message):
        def __init__(self, handover: HandoverView) -> None:
            super().__init__()
            self.handover = handover

    class Revealed(Message):
        def __init__(self, note: str) -> None:
            super().__init__()
            self.note = note

    def __init__(self, handover: HandoverView) -> None:
        super().__init__(id="handover")
        self.handover = handover
        self._sent = False

    def compose(self) -> ComposeResult:
        handover = self.handover
        written = handover.written_at.astimezone(self.session.zone).strftime("%Y-%m-%d %H:%M")
        yield DutyHeader()
        with VerticalScroll(id="handover-read"):
            yield Static(_("Handover from the last shift"), classes="box-title")
            yield Static(
                Text(
                    _("{name} ({staff_no}), signed out {time}").format(
                        name=handover.staff_name, staff_no=handover.staff_no, time=written
                    )
                )
            )
            if handover.note:
                note = Text(visible(handover.note, keep_newlines=True))
            else:
                note = Text(_("No note: it was left empty on purpose."), style="italic")
            yield Static(note, id="handover-note")
            yield Static("", id="handover-revealed")
            if handover.acknowledged_by_no:
                at = handover.acknowledged_at.astimezone(self.session.zone).strftime("%m-%d %H:%M")
                first = _("Already acknowledged by {name} ({staff_no}) at {time}.").format(
                    name=handover.acknowledged_by_name,
                    staff_no=handover.acknowledged_by_no,
                    time=at,
                )
                yield Static(Text(first), classes="hint")
            yield Static(_("Open now"), classes="panel-title")
            yield Static(_("Reading…"), id="handover-open")
            yield Static(_("Enter: acknowledge, then on to the desk"), classes="hint")
        yield LobbyFooter()

    def on_mount(self) -> None:
        self.load_open_items()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            actor = self.session.actor
            return (
                self.handover.masked and actor is not None and allows(actor.role, Permission.REVIEW)
            )
        return True

    def action_reveal(self) -> None:
        self._reveal()

    @work(thread=True, group="reveal", exit_on_error=False)
    def _reveal(self) -> None:
        note = self.session.store.shifts.reveal_note(self.session.actor, self.handover.shift_id)
        self.post_message(self.Revealed(note))

    @on(Revealed)
    def _revealed(self, event: Revealed) -> None:
        shown = Text(_("Revealed (recorded in the audit log):") + "\n", style="italic")
        shown.append(visible(event.note, keep_newlines=True), style="bold")
        self.query_one("#handover-revealed", Static).update(shown)

    def action_acknowledge(self) -> None:
        if self._sent:
            return
        self._sent = True
        store, actor = self.session.store, self.session.actor
        self.session.writes.put(
            WriteJob(
                run=partial(store.shifts.acknowledge, actor, self.handover.shift_id),
                reply_to=self,
                done=self.Acknowledged,
                failed=WriteRefused,
            )
        )

    @on(Acknowledged)
    def _acknowledged(self, event: Acknowledged) -> None:
        self.dismiss(event.handover)

    @on(WriteRefused)
    def _refused(self, event: WriteRefused) -> None:
        event.stop()
        self._sent = False
        from lobby_tui.data.views import StoreError

        if isinstance(event.error, StoreError):
            self.notify(_(str(event.error)), severity="warning")
        else:
            self.report_failure(event.error)
