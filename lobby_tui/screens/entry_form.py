"""What the entry forms (guidance, enquiry, hand-off, note) share.

The form stays open after a save, emptied but for what helps the next customer; the save goes
through the app's write queue so typing never waits; every change is kept as a draft, so a
killed terminal loses nothing.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from lobby_tui.domain import validation
from lobby_tui.domain.kinds import Kind
from lobby_tui.locale import _
from lobby_tui.screens.base import LobbyScreen
from lobby_tui.screens.drafts import KeepsDraft
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.form import FieldSpec, Form
from lobby_tui.widgets.header import DutyHeader
from lobby_tui.widgets.hints import Item, KeyHints
from lobby_tui.writes import WriteJob

if TYPE_CHECKING:
    from lobby_tui.data.views import EntryView


class EntryFormScreen(KeepsDraft, LobbyScreen):
    FORM: ClassVar[str]
    KIND: ClassVar[Kind]
    HEADING: ClassVar[str]
    HINT: ClassVar[tuple[Item, ...]]
    KEEP: ClassVar[tuple[str, ...]] = ()

    class Saved(Message):
        def __init__(self, entry: EntryView) -> None:
            super().__init__()
            self.entry = entry

    class Failed(Message):
        def __init__(self, error: Exception, fields: dict[str, str], form: str) -> None:
            super().__init__()
            self.error = error
            self.fields = fields
            self.form = form

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
        self.app.show_identity(self.query_one(DutyHeader))
        form = self.query_one(Form)
        if self.draft:
            form.load(self.draft)
            self.query_one("#form-status", Static).update(_("draft restored"))
        form.focus_first()

    def save(self, fields: dict[str, str]) -> None:
        """Queue the entry for writing; the form is already empty for the next customer."""
        self.query_one("#form-status", Static).update(_("saving…"))
        values = self.entry_values(fields)
        store, actor = self.app.store, self.app.actor
        self.app.writes.put(
            WriteJob(
                run=partial(store.add_entry, actor, self.KIND, **values),
                reply_to=self,
                done=self.Saved,
                failed=partial(self.Failed, fields=fields, form=self.FORM),
            )
        )

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        self.query_one("#form-status", Static).update(_("saved #{id}").format(id=event.entry.id))
        self.app.entry_saved(event.entry, added=True)

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        from lobby_tui.domain.validation import ValidationError

        event.stop()  # handled here; the app takes only those whose screen is gone
        form = self.form
        if form.is_blank():
            form.load(event.fields)  # the entry comes back: nothing typed is lost
        self.query_one("#form-status", Static).update(_("not saved"))
        if isinstance(event.error, ValidationError):
            form.set_error(event.error.field, _(event.error.message))
        else:
            self.refused(event.error)

    def refused(self, error: Exception) -> None:
        """A save refused for a reason other than a field's value."""
        self.app.report_failure(error)

    def on_screen_suspend(self) -> None:
        self.keep_draft_now()  # Esc keeps the draft
        form = self.form
        self.app.form_left(self.FORM, None if form.is_blank() else form.values())


def ticket_error(raw: str, *, required: bool) -> str | None:
    """The message for a ticket as typed, translated; None when it will do."""
    ticket = validation.normalize_ticket(raw)
    if not ticket:
        return _("Enter the ticket, like A023.") if required else None
    message = validation.check_ticket(ticket)
    return _(message) if message else None
