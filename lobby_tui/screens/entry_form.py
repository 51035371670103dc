"""What the entry forms (guidance, enquiry, hand-off, note) share.

The form stays open after a save, emptied but for what helps the next customer; the save goes
through the app's write queue so typing never waits; every change is kept as a draft, so a
killed terminal loses nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from lobby_tui.domain import validation
from lobby_tui.domain.kinds import Kind
from lobby_tui.locale import _
from lobby_tui.messages import Change
from lobby_tui.screens.base import LobbyScreen
from lobby_tui.screens.drafts import KeepsDraft
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.form import FieldSpec, Form
from lobby_tui.widgets.header import DutyHeader
from lobby_tui.widgets.hints import Item, KeyHints
from lobby_tui.writes import WRITE_FIRST_SECONDS, SaveLanded, SaveReturned

if TYPE_CHECKING:
    from lobby_tui.data.pending import PendingSave
    from lobby_tui.data.views import EntryView


class EntryFormScreen(KeepsDraft, LobbyScreen):
    STATUS = "#form-status"  # where a failed background job is reported
    FORM: ClassVar[str]
    KIND: ClassVar[Kind]
    HEADING: ClassVar[str]
    HINT: ClassVar[tuple[Item, ...]]
    KEEP: ClassVar[tuple[str, ...]] = ()
    COMMAND: ClassVar[str] = "entry"  # what the store is asked: pending.send
    MOMENT: ClassVar[str] = "occurred_at"  # the value that is "now" when left empty

    def __init__(self, draft: dict[str, str] | None = None) -> None:
        super().__init__(id=self.FORM)
        self.draft = draft

    # -- what each form says ----------------------------------------------------------------

    def field_specs(self) -> list[FieldSpec]:
        raise NotImplementedError

    def check(self, fields: dict[str, str]) -> dict[str, str]:
        """Errors by field name, translated; empty when the entry may be saved."""
        raise NotImplementedError

    def entry_values(self, fields: dict[str, str]) -> dict[str, Any]:
        """The entry's columns from the form's fields (already checked)."""
        raise NotImplementedError

    # -- shared -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield DutyHeader()
        with VerticalScroll(id="form-box", classes="box"):
            yield Static(_(self.HEADING), classes="box-title")
            yield Form(
                self.field_specs(),
                validator=self.check,
                clear_on_submit=True,
                keep=self.KEEP,
                on_submit=self.save,
                id=f"{self.FORM}-form",
            )
            yield Static("", id="form-status", markup=False)
            yield KeyHints(*self.HINT)
        yield LobbyFooter()

    def on_mount(self) -> None:
        form = self.query_one(Form)
        if self.draft:
            form.load(self.draft)
            self.query_one("#form-status", Static).update(_("draft restored"))
        else:
            self.take_returned()
        form.focus_first()

    def save(self, fields: dict[str, str]) -> None:
        """Queue the entry for writing; the form is already empty for the next customer.

        The save is kept in the pending-saves journal at once: if the database cannot take it
        now, it waits there and lands later, in order, without being typed again."""
        from lobby_tui.data.pending import PendingSave

        self._say(_("saving…"))
        now = self.session.clock()
        values = self.entry_values(fields)
        # Written later, it still happened when staff pressed the key.
        values[self.MOMENT] = values.get(self.MOMENT) or now
        save = PendingSave.new(
            form=self.FORM,
            command=self.COMMAND,
            kind=self.KIND,
            actor=self.session.actor,
            values=values,
            fields=fields,
            at=now,
        )
        landed = self.session.writes.save(save, reply_to=self, wait=WRITE_FIRST_SECONDS)
        if landed is not None:
            # Committed while the form waited: on the desk's timeline before the form is
            # drawn empty, and a refused save comes back once it is (after this handler).
            self.landed(landed)
            self.call_later(self.take_returned)

    def _say(self, status: str) -> None:
        """The status line, one cell high (app.tcss): its text changes, never the screen's
        layout, so a save does not lay the form out again on its way to the database."""
        self.query_one("#form-status", Static).update(status, layout=False)

    def saves_waiting(self, count: int) -> None:
        """Saves wait for the database: the form says its entry is kept, not lost."""
        status = self.query_one("#form-status", Static)
        if count and str(status.content) == _("saving…"):
            status.update(_("kept: it is saved as soon as the database answers"))

    @on(SaveLanded)
    def _landed(self, event: SaveLanded) -> None:
        event.stop()
        self.landed(event.result)
        self.take_returned()

    def wrote(self, entry: object, *, added: bool = False, what: Change | None = None) -> None:
        """A save of this form landed: told to the screens at once, not by a message to the
        App (a save must reach the desk's timeline within the budget of a rush hour)."""
        self.app.announce(entry, added=added, what=what)

    def landed(self, entry: EntryView) -> None:
        """The save is in the database: say so, and let the screens showing entries catch up."""
        self._say(_("saved #{id}").format(id=entry.id))
        self.wrote(entry, added=True)

    @on(SaveReturned)
    def _returned(self, event: SaveReturned) -> None:
        event.stop()  # handled here; the app takes only those whose screen is gone
        if self.form.is_blank():
            self.put_back(event.save, event.error)
        else:
            self.app.keep_returned(event.save, event.error)

    def take_returned(self) -> None:
        """A save refused earlier comes back into this form once it is empty."""
        if self.form.is_blank() and (save := self.app.take_returned(self.FORM)) is not None:
            self.put_back(save, None)

    def put_back(self, save: PendingSave, error: Exception | None) -> None:
        """The entry of a refused save back in the form, with why: nothing typed is lost."""
        from lobby_tui.domain.validation import ValidationError

        self.session.writes.returned_taken(save.key)
        form = self.form
        form.load(save.fields)
        self.query_one("#form-status", Static).update(_("not saved"))
        if isinstance(error, ValidationError):
            form.set_error(error.field, _(error.message))
        elif error is not None:
            self.refused(error)
        else:
            self.app.notify(
                _("An entry that could not be saved is back in its form: {error}").format(
                    error=save.error or ""
                ),
                severity="warning",
                timeout=15,
            )

    def refused(self, error: Exception) -> None:
        """A save refused for a reason other than a field's value."""
        self.report_failure(error)

    def on_screen_suspend(self) -> None:
        self.keep_draft_now()  # Esc keeps the draft
        form = self.form
        self.session.form_left(self.FORM, None if form.is_blank() else form.values())


def ticket_error(raw: str, *, required: bool) -> str | None:
    """The message for a ticket as typed, translated; None when it will do."""
    ticket = validation.normalize_ticket(raw)
    if not ticket:
        return _("Enter the ticket, like A023.") if required else None
    message = validation.check_ticket(ticket)
    return _(message) if message else None
