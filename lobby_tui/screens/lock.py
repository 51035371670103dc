"""The locked terminal: only the signed-in staff member's PIN opens it again."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.message import Message
from textual.widgets import Static

from lobby_tui import messages
from lobby_tui.locale import _
from lobby_tui.screens.base import LobbyModal
from lobby_tui.screens.signin import refusal_message
from lobby_tui.widgets.form import FieldSpec, Form


class LockScreen(LobbyModal):
    class Unlocked(Message):
        pass

    class Refused(Message):
        def __init__(self, message: str, locked_out: bool) -> None:
            super().__init__()
            self.message = message
            self.locked_out = locked_out

    def compose(self) -> ComposeResult:
        actor = self.session.actor
        with Center(), Vertical(id="lock-box", classes="box"):
            yield Static(_("Terminal locked"), classes="box-title")
            yield Static(Text(f"{actor.name} ({actor.staff_no})"))
            yield Form(
                [FieldSpec("pin", _("PIN"), kind="secret", max_length=32)],
                validator=lambda values: {} if values["pin"] else {"pin": _("Enter the PIN.")},
                id="lock-form",
            )

    def on_mount(self) -> None:
        self.query_one(Form).focus_first()

    @on(Form.Submitted)
    def _submitted(self, event: Form.Submitted) -> None:
        event.stop()
        self._unlock(event.values["pin"])

    @work(thread=True, exclusive=True, group="unlock", exit_on_error=False)
    def _unlock(self, pin: str) -> None:
        from lobby_tui.data.views import SignInRefused

        try:
            self.session.store.staff.unlock(self.session.actor, pin)
        except SignInRefused as refusal:
            message = refusal_message(refusal, self.session.zone)
            self.post_message(self.Refused(message, refusal.reason == "locked"))
        else:
            self.post_message(self.Unlocked())

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        if event.locked_out:
            self.app.sign_out(notice=event.message)
            return
        form = self.query_one(Form)
        form.widget_for("pin").value = ""
        form.set_error("pin", event.message)

    @on(Unlocked)
    def _unlocked(self) -> None:
        self.tell_app(messages.Unlocked())
