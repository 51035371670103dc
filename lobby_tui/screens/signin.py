"""Sign-in: staff number and PIN. The app's first frame, drawn before the database is opened."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.message import Message
from textual.widgets import Static

from lobby_tui import messages
from lobby_tui.domain.demo import DEMO_PINS
from lobby_tui.domain.roles import ROLE_LABELS
from lobby_tui.locale import N_, _
from lobby_tui.screens.base import LobbyScreen
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.form import FieldSpec, Form

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from lobby_tui.data.views import Actor, BranchInfo, HandoverView, SignInRefused, StaffInfo

REFUSALS = {
    "unknown": N_("The staff number or the PIN is wrong."),
    "wrong_pin": N_("The staff number or the PIN is wrong."),
    "disabled": N_("This account is disabled. Ask an admin."),
}


class SignInScreen(LobbyScreen):
    STATUS = "#signin-status"  # where a failed background job is reported

    class SignedIn(Message):
        def __init__(
            self,
            actor: Actor,
            drafts: dict[str, dict[str, str]],
            handover: HandoverView | None,
        ) -> None:
            super().__init__()
            self.actor = actor
            self.drafts = drafts
            self.handover = handover

    class Busy(Message):
        def __init__(self, staff_no: str, pin: str) -> None:
            super().__init__()
            self.staff_no = staff_no
            self.pin = pin

    class Refused(Message):
        def __init__(self, field: str, message: str) -> None:
            super().__init__()
            self.field = field
            self.message = message

    def __init__(self, notice: str = "") -> None:
        super().__init__()
        self.notice = notice
        self._pending: dict[str, str] | None = None

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="signin-box", classes="box"):
            yield Static(_("lobby-tui · duty log"), classes="box-title")
            yield Static("", id="signin-branch", markup=False)
            yield Form(
                [
                    FieldSpec("staff_no", _("Staff number"), max_length=33),
                    FieldSpec("pin", _("PIN"), kind="secret", max_length=32, restrict=r"[0-9]*"),
                ],
                validator=_required,
                id="signin-form",
            )
            yield Static(self.notice, id="signin-status", markup=False)
            yield Static("", id="signin-demo", markup=False)
        yield LobbyFooter()

    def on_mount(self) -> None:
        self.query_one(Form).focus_first()
        if self.session.branch is not None:
            self.show_branch(self.session.branch, self.app.demo_staff)
        elif not self.notice:
            self.query_one("#signin-status", Static).update(_("Opening the database…"))

    def reset(self, notice: str) -> None:
        """Empty the form for the next staff member and say why we are back here."""
        self.query_one(Form).clear()
        self.query_one("#signin-status", Static).update(notice)

    def show_branch(self, branch: BranchInfo, demo_staff: list[StaffInfo]) -> None:
        self.query_one("#signin-branch", Static).update(
            Text(f"{branch.name} ({branch.code})", style="bold")
        )
        status = self.query_one("#signin-status", Static)
        if str(status.content) == _("Opening the database…"):
            status.update("")
        if demo_staff:
            lines = [_("Demo accounts:")]
            for staff in demo_staff:
                role = _(ROLE_LABELS[staff.role])
                pin = DEMO_PINS.get(staff.staff_no, "")
                lines.append(f"  {staff.staff_no}  {staff.name}  {role}  PIN {pin}")
            self.query_one("#signin-demo", Static).update("\n".join(lines))
        if self._pending is not None:
            values, self._pending = self._pending, None
            self._try(values)

    @on(Form.Submitted)
    def _submitted(self, event: Form.Submitted) -> None:
        event.stop()
        self._try(event.values)

    def _try(self, values: dict[str, str]) -> None:
        if self.session.store is None:
            self._pending = values
            self.query_one("#signin-status", Static).update(_("Opening the database…"))
            return
        self.query_one("#signin-status", Static).update(_("Checking…"))
        self._sign_in(values["staff_no"], values["pin"])

    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False)
    def _sign_in(self, staff_no: str, pin: str) -> None:
        from lobby_tui.data.faults import Fault, fault_of
        from lobby_tui.data.views import SignInRefused

        try:
            actor = self.session.store.staff.sign_in(staff_no, pin)
        except SignInRefused as refusal:
            self.post_message(self.Refused("pin", refusal_message(refusal, self.session.zone)))
        except Exception as error:
            if fault_of(error) is not Fault.BUSY:
                raise  # reported on the status line by ShowsFailures
            self.post_message(self.Busy(staff_no, pin))
        else:
            store = self.session.store
            self.post_message(
                self.SignedIn(actor, store.drafts.load(actor), store.shifts.last_handover(actor))
            )

    @on(Busy)
    def _busy(self, event: Busy) -> None:
        """Another terminal holds the write lock: try again by itself, and say so."""
        self.query_one("#signin-status", Static).update(
            _("The database is busy (another terminal is writing): trying again…")
        )
        self.set_timer(
            self.session.settings.save_retry, partial(self._sign_in, event.staff_no, event.pin)
        )

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        self.query_one("#signin-status", Static).update("")
        form = self.query_one(Form)
        form.widget_for("pin").value = ""
        form.set_error(event.field, event.message)

    @on(SignedIn)
    def _signed_in(self, event: SignedIn) -> None:
        self.tell_app(messages.SignedIn(event.actor, event.drafts, event.handover))


def _required(values: dict[str, str]) -> dict[str, str]:
    errors = {}
    if not values["staff_no"]:
        errors["staff_no"] = _("Enter the staff number.")
    if not values["pin"]:
        errors["pin"] = _("Enter the PIN.")
    return errors


def refusal_message(refusal: SignInRefused, zone: ZoneInfo) -> str:
    """The message for a refused PIN, in the session's language and branch time."""
    if refusal.reason == "locked":
        until = refusal.locked_until.astimezone(zone).strftime("%H:%M")
        return _("Too many wrong PINs: this staff number is locked until {time}.").format(
            time=until
        )
    return _(REFUSALS[refusal.reason])
