"""F3 enquiry: topic, ticket, the question, the answer, and a follow-up when not resolved."""

from __future__ import annotations

from typing import Any

from lobby_tui.domain import validation
from lobby_tui.domain.dates import parse_day, start_of
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.validation import NOTE_MAX_LENGTH as NOTE_LIMIT
from lobby_tui.domain.validation import TICKET_CHARS
from lobby_tui.locale import N_, _
from lobby_tui.screens.entry_form import EntryFormScreen, ticket_error
from lobby_tui.widgets.choices import pairs, yes_no
from lobby_tui.widgets.form import FieldSpec

CONTACT_LIMIT = 64


class EnquiryScreen(EntryFormScreen):
    FORM = "enquiry"
    KIND = Kind.ENQUIRY
    HEADING = N_("Enquiry")
    HINT = (
        (None, N_("1–9: pick")),
        ("tab_next", N_("next field")),
        ("save", N_("save")),
        ("desk", N_("desk, the draft is kept")),
    )

    def field_specs(self) -> list[FieldSpec]:
        lists = self.session.settings.lists
        return [
            FieldSpec("topic", _("Topic"), kind="pick", choices=pairs(lists.topics)),
            FieldSpec(
                "ticket", _("Ticket (optional)"), max_length=6, restrict=TICKET_CHARS, upper=True
            ),
            FieldSpec("question", _("Question"), kind="text", max_length=NOTE_LIMIT),
            FieldSpec("answer", _("Answer given"), kind="text", max_length=NOTE_LIMIT),
            FieldSpec("resolved", _("Resolved"), kind="pick", choices=yes_no(), default="yes"),
            FieldSpec(
                "due",
                _("Follow up by"),
                max_length=10,
                placeholder=_("+3 (in three days) or 12-03"),
            ),
            FieldSpec("contact", _("Contact"), max_length=CONTACT_LIMIT),
        ]

    def check(self, fields: dict[str, str]) -> dict[str, str]:
        errors = {}
        if not fields["topic"]:
            errors["topic"] = _("Pick the topic with its digit.")
        if message := ticket_error(fields["ticket"], required=False):
            errors["ticket"] = message
        if not fields["question"].strip():
            errors["question"] = _("Write the customer's question.")
        for name in ("question", "answer"):
            if message := validation.check_length(fields[name]):
                errors[name] = _(message)
        if fields["resolved"] == "no":
            if not fields["due"].strip():
                errors["due"] = _("Not resolved: when will the customer hear back?")
            else:
                try:
                    parse_day(fields["due"], self.session.today())
                except ValueError as error:
                    errors["due"] = _(str(error))
            if not fields["contact"].strip():
                errors["contact"] = _("Not resolved: how can the customer be reached?")
        return errors

    def entry_values(self, fields: dict[str, str]) -> dict[str, Any]:
        resolved = fields["resolved"] != "no"
        due = None
        if not resolved:
            due = start_of(parse_day(fields["due"], self.session.today()), self.session.zone)
        return {
            "topic": fields["topic"],
            "ticket": validation.normalize_ticket(fields["ticket"]) or None,
            "text": fields["question"],
            "outcome": fields["answer"] or None,
            "resolved": resolved,
            "follow_up_due": due,
            "contact": None if resolved else fields["contact"].strip(),
        }
