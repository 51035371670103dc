"""A free-text note for the duty log, written from the desk."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Footer, Static

from lobby_tui.domain.validation import NOTE_MAX_LENGTH, check_note
from lobby_tui.locale import _
from lobby_tui.screens.base import LobbyScreen
from lobby_tui.widgets.form import FieldSpec, Form
from lobby_tui.widgets.header import DutyHeader

if TYPE_CHECKING:
    from lobby_tui.data.views import EntryView


class NoteScreen(LobbyScreen):
    class Saved(Message):
        def __init__(self, entry: EntryView) -> None:
            super().__init__()
            self.entry = entry

    class Refused(Message):
        def __init__(self, field: str, message: str, text: str) -> None:
            super().__init__()
            self.field = field
            self.message = message
            self.text = text

    def compose(self) -> ComposeResult:
        yield DutyHeader()
        with Vertical(id="form-box", classes="box"):
            yield Static(_("New note"), classes="box-title")
            yield Form(
                [FieldSpec("text", _("Note"), kind="text", max_length=NOTE_MAX_LENGTH)],
                validator=_check,
                clear_on_submit=True,
                id="note-form",
            )
            yield Static("", id="form-status", markup=False)
            yield Static(_("Ctrl+S: save · Esc: back to the desk"), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.app.show_identity(self.query_one(DutyHeader))
        self.query_one(Form).focus_first()

    @on(Form.Submitted)
    def _submitted(self, event: Form.Submitted) -> None:
        event.stop()
        self.query_one("#form-status", Static).update(_("saving…"))
        self._save(event.values["text"])

    @work(thread=True, group="save", exit_on_error=False)
    def _save(self, text: str) -> None:
        from lobby_tui.domain.validation import ValidationError

        try:
            entry = self.app.store.add_note(self.app.actor, text)
        except ValidationError as error:
            self.post_message(self.Refused(error.field, _(error.message), text))
        else:
            self.post_message(self.Saved(entry))

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        form = self.query_one(Form)
        if not form.values()["text"]:
            form.load({"text": event.text})  # the refused note comes back, nothing is lost
        form.set_error(event.field, event.message)
        self.query_one("#form-status", Static).update("")

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        self.query_one("#form-status", Static).update(_("saved #{id}").format(id=event.entry.id))
        self.app.entry_saved(event.entry)


def _check(values: dict[str, str]) -> dict[str, str]:
    message = check_note(values["text"])
    return {"text": _(message)} if message else {}
