"""F5 complaint: register a case. On save the form shows the case number; F5 again (or F6, l)
opens the list of cases."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.message import Message
from textual.widgets import Static

from lobby_tui.domain import validation
from lobby_tui.domain.dates import parse_moment
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.validation import NOTE_MAX_LENGTH as NOTE_LIMIT
from lobby_tui.domain.validation import TICKET_CHARS
from lobby_tui.locale import N_, _
from lobby_tui.screens.entry_form import EntryFormScreen, ticket_error
from lobby_tui.widgets.complaint_text import axis_pairs
from lobby_tui.widgets.form import FieldSpec
from lobby_tui.widgets.pick import PickField

if TYPE_CHECKING:
    from lobby_tui.data.views import CaseSaved, StaffInfo

NOBODY = "none"
NAME_LIMIT = validation.NAME_MAX_LENGTH
CONTACT_LIMIT = validation.CONTACT_MAX_LENGTH


class ComplaintScreen(EntryFormScreen):
    FORM = "complaint"
    KIND = Kind.COMPLAINT
    COMMAND = "complaint"
    MOMENT = "received_at"
    HEADING = N_("Register a complaint")
    HINT = (
        (None, N_("1–9: pick")),
        ("tab_next", N_("next field")),
        ("save", N_("save")),
        ("complaint", N_("again: the complaint list")),
        ("desk", N_("desk, the draft is kept")),
    )

    class StaffLoaded(Message):
        def __init__(self, staff: list[StaffInfo]) -> None:
            super().__init__()
            self.staff = staff

    def field_specs(self) -> list[FieldSpec]:
        me = self.session.actor
        return [
            FieldSpec(
                "received_at",
                _("Received at"),
                max_length=16,
                placeholder=_("now · or 09:30 · 11-28 16:45"),
            ),
            FieldSpec("channel", _("Channel"), kind="pick", choices=axis_pairs("channel")),
            FieldSpec("business", _("Business"), kind="pick", choices=axis_pairs("business")),
            FieldSpec("cause", _("Cause"), kind="pick", choices=axis_pairs("cause")),
            FieldSpec("severity", _("Severity"), kind="pick", choices=axis_pairs("severity")),
            FieldSpec("complainant_name", _("Complainant"), max_length=NAME_LIMIT),
            FieldSpec("complainant_contact", _("Contact"), max_length=CONTACT_LIMIT),
            FieldSpec(
                "respondent_no",
                _("Staff complained about"),
                kind="pick",
                choices=((NOBODY, _("nobody named")),),
                default=NOBODY,
            ),
            FieldSpec(
                "handler_no",
                _("Handler"),
                kind="pick",
                choices=((me.staff_no, me.name),),
                default=me.staff_no,
            ),
            FieldSpec(
                "ticket", _("Ticket (optional)"), max_length=6, restrict=TICKET_CHARS, upper=True
            ),
            FieldSpec("facts", _("Facts"), kind="text", max_length=NOTE_LIMIT),
            FieldSpec("request", _("The customer's request"), kind="text", max_length=NOTE_LIMIT),
        ]

    def on_mount(self) -> None:
        super().on_mount()
        self._load_staff()

    @work(thread=True, exclusive=True, group="complaint-staff", exit_on_error=False)
    def _load_staff(self) -> None:
        self.post_message(
            self.StaffLoaded(self.session.store.complaints.handlers(self.session.actor))
        )

    @on(StaffLoaded)
    def _staff_loaded(self, event: StaffLoaded) -> None:
        staff = tuple((s.staff_no, f"{s.name} {s.staff_no}") for s in event.staff)
        for name, choices in (
            ("respondent_no", ((NOBODY, _("nobody named")), *staff)),
            ("handler_no", staff),
        ):
            pick = self.form.widget_for(name)
            assert isinstance(pick, PickField)
            chosen = pick.value or (self.draft or {}).get(name, "")
            pick.choices = choices
            pick.value = chosen
            pick.refresh(layout=True)

    def check(self, fields: dict[str, str]) -> dict[str, str]:
        errors = {}
        try:
            parse_moment(fields["received_at"], self.session.clock(), self.session.zone)
        except ValueError as error:
            errors["received_at"] = _(str(error))
        for name in ("channel", "business", "cause", "severity"):
            if not fields[name]:
                errors[name] = _("Pick one with its digit.")
        if not fields["complainant_name"].strip():
            errors["complainant_name"] = _("Enter the complainant's name.")
        if message := ticket_error(fields["ticket"], required=False):
            errors["ticket"] = message
        if not fields["facts"].strip():
            errors["facts"] = _("Write what happened.")
        for name in ("facts", "request"):
            if message := validation.check_length(fields[name]):
                errors[name] = _(message)
        return errors

    def entry_values(self, fields: dict[str, str]) -> dict[str, Any]:
        respondent = fields["respondent_no"]
        return {
            "received_at": parse_moment(
                fields["received_at"], self.session.clock(), self.session.zone
            ),
            "channel": fields["channel"],
            "business": fields["business"],
            "cause": fields["cause"],
            "severity": fields["severity"],
            "complainant_name": fields["complainant_name"].strip(),
            "complainant_contact": fields["complainant_contact"].strip() or None,
            "respondent_no": None if respondent in ("", NOBODY) else respondent,
            "handler_no": fields["handler_no"] or None,
            "ticket": validation.normalize_ticket(fields["ticket"]) or None,
            "facts": fields["facts"],
            "request": fields["request"] or None,
        }

    def landed(self, saved: CaseSaved) -> None:
        case = saved.case
        said = _("registered {number}: due {due}").format(
            number=case.number, due=case.deadline.due.isoformat()
        )
        self.query_one("#form-status", Static).update(said)
        # The form is taller than the screen: the number must be seen wherever the cursor is.
        self.notify(said, timeout=8)
        self.wrote(saved.entry, added=True)

    def refused(self, error: Exception) -> None:
        from lobby_tui.data.views import PermissionDenied, StoreError

        if isinstance(error, StoreError) and not isinstance(error, PermissionDenied):
            # Recusal, the one refusal of a whole case: the handler is the one to change.
            self.form.set_error("handler_no", _(str(error)))
        else:
            super().refused(error)
