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

from lobby_tui.domain import validation
from lobby_tui.domain.complaints import Action
from lobby_tui.domain.dates import parse_moment
from lobby_tui.domain.deadlines import FIRST_EXTENSION_DAYS, SECOND_EXTENSION_MAX_DAYS
from lobby_tui.locale import N_, _
from lobby_tui.screens.base import LobbyModal
from lobby_tui.widgets.choices import yes_no
from lobby_tui.widgets.complaint_text import axis_pairs
from lobby_tui.widgets.form import FieldSpec, Form
from lobby_tui.widgets.hints import KeyHints
from lobby_tui.writes import WriteJob, WriteRefused

if TYPE_CHECKING:
    from lobby_tui.data.views import CaseSaved, CaseView, StaffInfo

REASON_LIMIT = validation.REASON_MAX_LENGTH
TEXT_LIMIT = validation.NOTE_MAX_LENGTH
# Fields that must not be left empty, and what to say when they are.
REQUIRED = {
    "reason": N_("Give the reason."),
    "facts": N_("Write the new facts."),
    "decision": N_("Write the decision."),
    "told_by": N_("Pick one with its digit."),
    "satisfaction": N_("Pick one with its digit."),
    "handler_no": N_("Pick one with its digit."),
    "approver": N_("Name who approved the further extension."),
}


STEP_TITLES = {
    Action.START: N_("Take the case in hand"),
    Action.EXTEND: N_("Extend the deadline"),
    Action.PAUSE: N_("Pause for an outside appraisal"),
    Action.RESUME: N_("Resume the clock"),
    Action.NEW_FACTS: N_("New facts: restart the clock"),
    Action.DECIDE: N_("Decision and how the customer was told"),
    Action.FOLLOW_UP: N_("Follow-up call"),
    Action.CLOSE: N_("Close the case"),
    Action.WITHDRAW: N_("Withdraw the case"),
    Action.REASSIGN: N_("Reassign the case"),
}


class StepDialog(LobbyModal):
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="cancel_step")]

    class Stepped(Message):
        def __init__(self, saved: CaseSaved) -> None:
            super().__init__()
            self.saved = saved

    def __init__(self, action: Action, case: CaseView, staff: list[StaffInfo]) -> None:
        super().__init__()
        self.action = action
        self.case = case
        self.staff = staff

    @property
    def further(self) -> bool:
        """A second extension: it needs an approver and the customer told."""
        return self.action == Action.EXTEND and self.case.deadline.extensions > 0

    def compose(self) -> ComposeResult:
        # Titled with what the dialog does, not with the result it will record.
        heading = f"{self.case.number}: {_(STEP_TITLES[self.action])}"
        with VerticalScroll(id="change-box", classes="box"):
            yield Static(heading, classes="box-title", markup=False)
            yield Form(self.field_specs(), validator=self.check, on_submit=self.save)
            yield KeyHints(("save", N_("save")), ("cancel_step", N_("cancel")))

    def on_mount(self) -> None:
        self.query_one(Form).focus_first()

    def field_specs(self) -> list[FieldSpec]:
        reason = FieldSpec("reason", _("Reason"), max_length=REASON_LIMIT)
        note = FieldSpec("note", _("Note (optional)"), max_length=REASON_LIMIT)
        action = self.action
        if action == Action.EXTEND and self.further:
            return [
                reason,
                FieldSpec(
                    "days",
                    _("Days added (1–30)"),
                    max_length=2,
                    restrict="[0-9]*",
                    placeholder=str(SECOND_EXTENSION_MAX_DAYS),
                ),
                FieldSpec("approver", _("Approved by"), max_length=validation.NAME_MAX_LENGTH),
                FieldSpec("told", _("Customer told"), kind="pick", choices=yes_no()),
            ]
        if action in (Action.EXTEND, Action.WITHDRAW):
            return [reason]
        if action == Action.PAUSE:
            return [FieldSpec("reason", _("Appraisal: what, by whom"), max_length=REASON_LIMIT)]
        if action == Action.NEW_FACTS:
            return [FieldSpec("facts", _("New facts"), kind="text", max_length=TEXT_LIMIT)]
        if action == Action.DECIDE:
            return [
                FieldSpec("decision", _("Decision"), kind="text", max_length=TEXT_LIMIT),
                FieldSpec(
                    "told_by", _("Customer told by"), kind="pick", choices=axis_pairs("told_by")
                ),
                FieldSpec("told_at", _("Told at"), max_length=16, placeholder=_("now · or 09:30")),
            ]
        if action == Action.FOLLOW_UP:
            return [
                FieldSpec(
                    "satisfaction",
                    _("Satisfaction"),
                    kind="pick",
                    choices=axis_pairs("satisfaction"),
                ),
                note,
            ]
        if action == Action.REASSIGN:
            staff = tuple((s.staff_no, f"{s.name} {s.staff_no}") for s in self.staff)
            return [FieldSpec("handler_no", _("New handler"), kind="pick", choices=staff), reason]
        return [note]

    def check(self, fields: dict[str, str]) -> dict[str, str]:
        errors = {
            name: _(REQUIRED[name])
            for name, value in fields.items()
            if name in REQUIRED and not value.strip()
        }
        if "days" in fields:
            days = int(fields["days"] or SECOND_EXTENSION_MAX_DAYS)
            if not 1 <= days <= SECOND_EXTENSION_MAX_DAYS:
                errors["days"] = _("A further extension is of 1 to 30 days.")
        if "told" in fields and fields["told"] != "yes":
            errors["told"] = _("Tell the customer of a further extension before recording it.")
        if "told_at" in fields:
            try:
                parse_moment(fields["told_at"], self.session.clock(), self.session.zone)
            except ValueError as error:
                errors["told_at"] = _(str(error))
        if len(fields.get("reason", "")) > REASON_LIMIT:
            errors["reason"] = _("The reason is longer than 500 characters.")
        return errors

    def job(self, fields: dict[str, str]):
        store, actor, case_id = self.session.store, self.session.actor, self.case.id
        action = self.action
        note = fields.get("note", "").strip() or None
        if action == Action.START:
            return partial(store.start_complaint, actor, case_id, note)
        if action == Action.EXTEND:
            return partial(
                store.extend_complaint,
                actor,
                case_id,
                fields["reason"].strip(),
                days=int(fields.get("days") or SECOND_EXTENSION_MAX_DAYS)
                if self.further
                else FIRST_EXTENSION_DAYS,
                approver=fields.get("approver", "").strip() or None,
                customer_told=fields.get("told") == "yes",
            )
        if action == Action.PAUSE:
            return partial(store.pause_complaint, actor, case_id, fields["reason"].strip())
        if action == Action.RESUME:
            return partial(store.resume_complaint, actor, case_id, note)
        if action == Action.NEW_FACTS:
            return partial(store.add_complaint_facts, actor, case_id, fields["facts"])
        if action == Action.DECIDE:
            now = self.session.clock()
            told_at = parse_moment(fields["told_at"], now, self.session.zone) or now
            return partial(
                store.decide_complaint,
                actor,
                case_id,
                fields["decision"],
                fields["told_by"],
                told_at,
            )
        if action == Action.FOLLOW_UP:
            return partial(store.follow_up_complaint, actor, case_id, fields["satisfaction"], note)
        if action == Action.CLOSE:
            return partial(store.close_complaint, actor, case_id, note)
        if action == Action.WITHDRAW:
            return partial(store.withdraw_complaint, actor, case_id, fields["reason"].strip())
        return partial(
            store.reassign_complaint,
            actor,
            case_id,
            fields["handler_no"],
            fields["reason"].strip(),
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
