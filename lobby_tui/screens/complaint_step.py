"""The dialog of one step of a complaint case: it asks for what the rule asks (a reason, an
approver, the decision and how and when the customer was told, the satisfaction) and sends the
step through the write queue. The data layer checks the rules again and may refuse."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from lobby_tui.domain.complaint_steps import STEPS, Action, StepField
from lobby_tui.domain.dates import parse_moment
from lobby_tui.locale import N_, _
from lobby_tui.screens.base import LobbyModal
from lobby_tui.widgets.choices import yes_no
from lobby_tui.widgets.complaint_text import axis_pairs
from lobby_tui.widgets.form import FieldSpec, Form
from lobby_tui.widgets.hints import KeyHints
from lobby_tui.writes import WriteJob, WriteRefused

if TYPE_CHECKING:
    from lobby_tui.data.views import CaseSaved, CaseView, StaffInfo


class StepDialog(LobbyModal):
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="cancel_step")]

    class Stepped(Message):
        def __init__(self, saved: CaseSaved) -> None:
            super().__init__()
            self.saved = saved

    def __init__(self, action: Action, case: CaseView, staff: list[StaffInfo]) -> None:
        super().__init__()
        self.action = action
        self.step = STEPS[action]
        self.case = case
        self.staff = staff

    @property
    def asked(self) -> tuple[StepField, ...]:
        """The step's fields; those of a further extension once the case has been extended."""
        return self.step.asked(further=self.case.deadline.extensions > 0)

    def compose(self) -> ComposeResult:
        # Titled with what the dialog does, not with the result it will record.
        heading = f"{self.case.number}: {_(self.step.title)}"
        with VerticalScroll(id="change-box", classes="box"):
            yield Static(heading, classes="box-title", markup=False)
            yield Form(self.field_specs(), validator=self.check, on_submit=self.save)
            yield KeyHints(("save", N_("save")), ("cancel_step", N_("cancel")))

    def on_mount(self) -> None:
        self.query_one(Form).focus_first()

    def field_specs(self) -> list[FieldSpec]:
        return [self._spec(field) for field in self.asked]

    def _spec(self, field: StepField) -> FieldSpec:
        if field.kind in ("pick", "staff", "yes_no"):
            if field.kind == "staff":
                choices = tuple((s.staff_no, f"{s.name} {s.staff_no}") for s in self.staff)
            else:
                choices = axis_pairs(field.axis) if field.axis else yes_no()
            return FieldSpec(field.name, _(field.label), kind="pick", choices=choices)
        return FieldSpec(
            field.name,
            _(field.label),
            kind="text" if field.kind == "text" else "line",
            max_length=field.max_length,
            restrict="[0-9]*" if field.kind == "days" else None,
            placeholder=_(field.placeholder) if field.placeholder else str(field.blank or ""),
        )

    def values(self, fields: dict[str, str]) -> dict[str, object]:
        """What was typed, as the store takes it (ValueError from a time it cannot read)."""
        values: dict[str, object] = {f.name: f.default for f in self.step.fields}
        for field in self.asked:
            typed = fields.get(field.name, "")
            if field.kind == "text":
                values[field.name] = typed
            elif field.kind == "days":
                values[field.name] = int(typed) if typed else field.blank
            elif field.kind == "yes_no":
                values[field.name] = typed == "yes"
            elif field.kind == "moment":
                now = self.session.clock()
                values[field.name] = parse_moment(typed, now, self.session.zone) or now
            else:
                values[field.name] = typed.strip() or None
        return values

    def check(self, fields: dict[str, str]) -> dict[str, str]:
        """The step table's checks, field by field, then of the step as a whole."""
        errors: dict[str, str] = {}
        for field in self.asked:
            typed = fields.get(field.name, "")
            if field.kind == "moment":
                try:
                    parse_moment(typed, self.session.clock(), self.session.zone)
                except ValueError as error:
                    errors[field.name] = _(str(error))
            elif field.kind not in ("days", "yes_no") and (message := field.problem(typed)):
                errors[field.name] = _(message)
        if not errors and self.step.check is not None:
            refused = self.step.check(self.case.deadline, self.values(fields), self.session.clock())
            if refused:
                name, message = refused
                errors[name if name in fields else self.asked[0].name] = _(message)
        return errors

    def job(self, fields: dict[str, str]):
        store = self.session.store
        values = self.values(fields)
        return partial(
            store.complaints.record_step, self.session.actor, self.case.id, self.action, values
        )

    def save(self, fields: dict[str, str]) -> None:
        self.session.writes.put(
            WriteJob(run=self.job(fields), reply_to=self, done=self.Stepped, failed=WriteRefused)
        )

    @on(Stepped)
    def _done(self, event: Stepped) -> None:
        event.stop()
        self.dismiss(event.saved)

    @on(WriteRefused)
    def _refused(self, event: WriteRefused) -> None:
        event.stop()
        from lobby_tui.data.views import StoreError
        from lobby_tui.domain.validation import ValidationError

        error = event.error
        form = self.query_one(Form)
        first = form.fields[0].name
        if isinstance(error, ValidationError):
            field = error.field if error.field in form.values() else first
            form.set_error(field, _(error.message))
        elif isinstance(error, StoreError):
            form.set_error(first, _(str(error)))
        else:
            self.report_failure(error)
