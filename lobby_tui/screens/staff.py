"""Staff, for admins (F10, or "staff" in the palette): the branch's staff listed, added with a
role and a PIN typed twice, disabled, a PIN reset, a lock lifted. Every change goes through the
same store commands as ``lobby-tui staff …`` and is audited there."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static

from lobby_tui.domain import validation
from lobby_tui.domain.roles import ROLE_LABELS, Role
from lobby_tui.domain.validation import NAME_MAX_LENGTH
from lobby_tui.locale import N_, _
from lobby_tui.screens.base import LobbyModal, LobbyScreen
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.form import FieldSpec, Form
from lobby_tui.widgets.header import DutyHeader
from lobby_tui.widgets.hints import KeyHints
from lobby_tui.widgets.timeline import plain
from lobby_tui.writes import WriteJob, WriteRefused

if TYPE_CHECKING:
    from lobby_tui.data.views import StaffInfo

PIN_FIELD_LENGTH = 32


class StaffScreen(LobbyScreen):
    BINDINGS = [
        Binding("a", "add", N_("Add"), id="staff_add"),
        Binding("d", "disable", N_("Disable"), id="staff_disable"),
        Binding("p", "reset_pin", N_("New PIN"), id="staff_reset_pin"),
        Binding("u", "unlock", N_("Lift the lock"), id="staff_unlock"),
    ]

    class Loaded(Message):
        def __init__(self, staff: list[StaffInfo]) -> None:
            super().__init__()
            self.staff = staff

    class Changed(Message):
        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    def __init__(self) -> None:
        super().__init__(id="staff")
        self.staff: list[StaffInfo] = []

    def compose(self) -> ComposeResult:
        yield DutyHeader()
        yield Static(_("Staff of the branch"), classes="panel-title")
        yield DataTable(id="staff-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="staff-status", markup=False)
        yield KeyHints("staff_add", "staff_disable", "staff_reset_pin", "staff_unlock", "desk")
        yield LobbyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(_("Staff no."), key="no", width=10)
        table.add_column(_("Name"), key="name", width=16)
        table.add_column(_("Role"), key="role", width=10)
        table.add_column(_("State"), key="state")
        self.set_focus(table)
        self._load()

    @work(thread=True, exclusive=True, group="staff", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(self.session.store.staff.members(self.session.actor)))

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        self.staff = event.staff
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for staff in event.staff:
            table.add_row(
                staff.staff_no,
                plain(staff.name, 16),
                _(ROLE_LABELS[staff.role]),
                self._state(staff),
                key=staff.staff_no,
            )
        if event.staff:
            table.move_cursor(row=min(max(keep, 0), len(event.staff) - 1))

    def _state(self, staff: StaffInfo) -> Text:
        if not staff.active:
            return Text(_("disabled"), style="dim")
        if staff.locked_until is not None and staff.locked_until > self.session.clock():
            until = staff.locked_until.astimezone(self.session.zone).strftime("%H:%M")
            return Text(_("locked until {time}").format(time=until), style="bold red")
        return Text(_("active"), style="green")

    def _selected(self) -> StaffInfo | None:
        table = self.query_one(DataTable)
        if not self.staff or table.cursor_row < 0:
            return None
        return self.staff[min(table.cursor_row, len(self.staff) - 1)]

    def _refuse(self, message: str) -> None:
        self.notify(_(message), severity="warning")

    # -- the keys: each says at once why it cannot act, before any typing ------------------

    def action_add(self) -> None:
        self.app.push_screen(AddStaffDialog(), callback=self._changed)

    def action_disable(self) -> None:
        if (staff := self._selected()) is None:
            return
        if staff.staff_no == self.session.actor.staff_no:
            self._refuse(N_("You cannot disable your own account."))
        elif not staff.active:
            self._refuse(N_("This account is already disabled."))
        else:
            self.app.push_screen(DisableStaffDialog(staff), callback=self._changed)

    def action_reset_pin(self) -> None:
        if (staff := self._selected()) is not None:
            self.app.push_screen(ResetPinDialog(staff), callback=self._changed)

    def action_unlock(self) -> None:
        if (staff := self._selected()) is None:
            return
        if staff.locked_until is None or staff.locked_until <= self.session.clock():
            self._refuse(N_("This account is not locked."))
            return
        store, actor = self.session.store, self.session.actor
        message = _("The lock on {no} is lifted.").format(no=staff.staff_no)
        self.session.writes.put(
            WriteJob(
                run=partial(store.staff.lift_lock, actor, staff.staff_no),
                reply_to=self,
                done=lambda _result: self.Changed(message),
                failed=WriteRefused,
            )
        )

    def _changed(self, message: str | None) -> None:
        if message:
            self.post_message(self.Changed(message))

    @on(Changed)
    def _show_change(self, event: Changed) -> None:
        self.query_one("#staff-status", Static).update(event.message)
        self._load()

    @on(WriteRefused)
    def _write_refused(self, event: WriteRefused) -> None:
        event.stop()
        from lobby_tui.data.views import StoreError

        if isinstance(event.error, StoreError):
            self._refuse(str(event.error))
        else:
            self.report_failure(event.error)


class _StaffDialog(LobbyModal):
    """A small form whose save runs one staff command through the write queue; dismissed with
    the message saying what was done."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="cancel_staff")]

    class Done(Message):
        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    def heading(self) -> str:
        raise NotImplementedError

    def fields(self) -> list[FieldSpec]:
        raise NotImplementedError

    def check(self, values: dict[str, str]) -> dict[str, str]:
        return {}

    def run(self, values: dict[str, str]) -> tuple[Any, str]:
        """The store call for ``values`` and the message saying it was done."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="change-box", classes="box"):
            yield Static(self.heading(), classes="box-title", markup=False)
            yield Form(self.fields(), validator=self.check, on_submit=self._save, id="staff-form")
            yield KeyHints("save", "cancel_staff")

    def on_mount(self) -> None:
        self.query_one(Form).focus_first()

    def _save(self, values: dict[str, str]) -> None:
        call, message = self.run(values)
        self.session.writes.put(
            WriteJob(
                run=call,
                reply_to=self,
                done=lambda _result: self.Done(message),
                failed=WriteRefused,
            )
        )

    @on(Done)
    def _done(self, event: Done) -> None:
        self.dismiss(event.message)

    @on(WriteRefused)
    def _refused(self, event: WriteRefused) -> None:
        event.stop()
        from lobby_tui.data.views import StoreError
        from lobby_tui.domain.validation import ValidationError

        form = self.query_one(Form)
        error = event.error
        first = self.fields()[0].name
        if isinstance(error, ValidationError):
            form.set_error(error.field if error.field in form.values() else first, _(error.message))
        elif isinstance(error, StoreError):
            form.set_error(first, _(str(error)))
        else:
            self.report_failure(error)


def _pin_fields() -> list[FieldSpec]:
    return [
        FieldSpec("pin", _("PIN (6 digits or more)"), kind="secret", max_length=PIN_FIELD_LENGTH),
        FieldSpec("pin_again", _("PIN again"), kind="secret", max_length=PIN_FIELD_LENGTH),
    ]


def _check_pins(values: dict[str, str]) -> dict[str, str]:
    """The PIN checked as the store checks it, and typed twice the same."""
    if message := validation.check_pin(values["pin"]):
        return {"pin": _(message)}
    if values["pin"] != values["pin_again"]:
        return {"pin_again": _("The two PINs differ.")}
    return {}


class AddStaffDialog(_StaffDialog):
    def heading(self) -> str:
        return _("Add a staff member")

    def fields(self) -> list[FieldSpec]:
        # A head-office reviewer is set up with its grants on the command line (branch grant).
        roles = tuple(
            (str(role), _(ROLE_LABELS[role])) for role in Role if role != Role.HEAD_OFFICE
        )
        return [
            FieldSpec("staff_no", _("Staff no."), max_length=16),
            FieldSpec("name", _("Name"), max_length=NAME_MAX_LENGTH),
            FieldSpec("role", _("Role"), kind="pick", choices=roles, default=str(Role.LOBBY)),
            *_pin_fields(),
        ]

    def check(self, values: dict[str, str]) -> dict[str, str]:
        found = {
            "staff_no": validation.check_staff_no(values["staff_no"].strip()),
            "name": validation.check_name(values["name"].strip()),
        }
        errors = {name: _(message) for name, message in found.items() if message}
        return errors | _check_pins(values)

    def run(self, values: dict[str, str]) -> tuple[Any, str]:
        store, actor = self.session.store, self.session.actor
        staff_no, name = values["staff_no"].strip(), values["name"].strip()
        call = partial(store.staff.add, actor, staff_no, name, values["role"], values["pin"])
        return call, _("Staff {no} added.").format(no=staff_no)


class ResetPinDialog(_StaffDialog):
    def __init__(self, staff: StaffInfo) -> None:
        super().__init__()
        self.staff = staff

    def heading(self) -> str:
        return _("New PIN for {name} ({no}); it also lifts a lock").format(
            name=self.staff.name, no=self.staff.staff_no
        )

    def fields(self) -> list[FieldSpec]:
        return _pin_fields()

    def check(self, values: dict[str, str]) -> dict[str, str]:
        return _check_pins(values)

    def run(self, values: dict[str, str]) -> tuple[Any, str]:
        store, actor = self.session.store, self.session.actor
        call = partial(store.staff.reset_pin, actor, self.staff.staff_no, values["pin"])
        return call, _("PIN of {no} reset.").format(no=self.staff.staff_no)


class DisableStaffDialog(_StaffDialog):
    """Disabling cannot be undone here: the staff number is typed to confirm it."""

    def __init__(self, staff: StaffInfo) -> None:
        super().__init__()
        self.staff = staff

    def heading(self) -> str:
        return _("Disable {name} ({no}): the PIN will no longer sign in").format(
            name=self.staff.name, no=self.staff.staff_no
        )

    def fields(self) -> list[FieldSpec]:
        return [FieldSpec("confirm", _("Type the staff no. to confirm"), max_length=16)]

    def check(self, values: dict[str, str]) -> dict[str, str]:
        if values["confirm"].strip() != self.staff.staff_no:
            return {
                "confirm": _("Type {no} to disable this account.").format(no=self.staff.staff_no)
            }
        return {}

    def run(self, values: dict[str, str]) -> tuple[Any, str]:
        store, actor = self.session.store, self.session.actor
        call = partial(store.staff.disable, actor, self.staff.staff_no)
        return call, _("Staff {no} disabled.").format(no=self.staff.staff_no)
