"""First run on an empty database: create the branch and its first admin."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from lobby_tui.domain import validation
from lobby_tui.domain.validation import BRANCH_NAME_MAX_LENGTH, NAME_MAX_LENGTH
from lobby_tui.locale import _
from lobby_tui.messages import SetupDone
from lobby_tui.screens.base import LobbyScreen
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.form import FieldSpec, Form


class SetupScreen(LobbyScreen):
    class Done(Message):
        pass

    class Refused(Message):
        def __init__(self, field: str, message: str) -> None:
            super().__init__()
            self.field = field
            self.message = message

    def compose(self) -> ComposeResult:
        with Center(), VerticalScroll(id="setup-box", classes="box"):
            yield Static(_("First run: set up this branch"), classes="box-title")
            yield Static(
                _("This database is empty. Create the branch and its first admin account."),
                classes="box-help",
            )
            yield Form(
                [
                    FieldSpec("branch_code", _("Branch code"), max_length=16),
                    FieldSpec("branch_name", _("Branch name"), max_length=BRANCH_NAME_MAX_LENGTH),
                    FieldSpec("admin_no", _("Admin staff number"), max_length=16),
                    FieldSpec("admin_name", _("Admin name"), max_length=NAME_MAX_LENGTH),
                    FieldSpec("pin", _("PIN (6 digits or more)"), kind="secret", max_length=32),
                    FieldSpec("pin_again", _("PIN again"), kind="secret", max_length=32),
                ],
                validator=_check,
                id="setup-form",
            )
            yield Static(_("Enter: next field · Ctrl+S: create"), classes="box-help")
        yield LobbyFooter()

    def _lists_help(self) -> str:
        """Where the branch's own lists go: the shipped ones name roles, not the branch's
        people."""
        from pathlib import Path

        from lobby_tui.config import default_config_path

        path = str(self.session.settings.config_path or default_config_path())
        path = path.replace(str(Path.home()), "~", 1)
        return _(
            "Hand-offs go to a wealth or a relationship manager, a role, until the branch "
            "names its own managers, counters and business types under [lists] in {path}."
        ).format(path=path)

    def on_mount(self) -> None:
        self.query_one(Form).focus_first()

    @on(Form.Submitted)
    def _submitted(self, event: Form.Submitted) -> None:
        event.stop()
        self._create(event.values)

    @work(thread=True, exclusive=True, group="setup", exit_on_error=False)
    def _create(self, values: dict[str, str]) -> None:
        from lobby_tui.data.views import StoreError
        from lobby_tui.domain.validation import ValidationError

        try:
            self.session.store.setup(
                branch_code=values["branch_code"].strip(),
                branch_name=values["branch_name"].strip(),
                admin_no=values["admin_no"].strip(),
                admin_name=values["admin_name"].strip(),
                pin=values["pin"],
            )
        except ValidationError as error:
            self.post_message(self.Refused(error.field, _(error.message)))
        except StoreError as error:
            self.post_message(self.Refused("branch_code", _(str(error))))
        else:
            self.post_message(self.Done())

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        self.query_one(Form).set_error(event.field, event.message)

    @on(Done)
    def _done(self) -> None:
        self.tell_app(SetupDone())
        # Said once the branch exists, to the admin who will keep its lists.
        self.app.notify(self._lists_help(), timeout=12, markup=False)


def _check(values: dict[str, str]) -> dict[str, str]:
    """The same checks the data layer makes, run before leaving the form."""
    found = {
        "branch_code": validation.check_branch_code(values["branch_code"].strip()),
        "branch_name": validation.check_name(
            values["branch_name"].strip(), validation.BRANCH_NAME_MAX_LENGTH
        ),
        "admin_no": validation.check_staff_no(values["admin_no"].strip()),
        "admin_name": validation.check_name(values["admin_name"].strip()),
        "pin": validation.check_pin(values["pin"]),
    }
    errors = {name: _(message) for name, message in found.items() if message}
    if "pin" not in errors and values["pin"] != values["pin_again"]:
        errors["pin_again"] = _("The two PINs differ.")
    return errors
