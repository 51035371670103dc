"""F4 hand-off: the customer is handed to a teller, a manager, the VIP room or another branch.

It opens a pending hand-off, closed later from the open items (F6).
"""

from __future__ import annotations

from typing import Any

from lobby_tui.domain import validation
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.validation import NOTE_MAX_LENGTH as NOTE_LIMIT
from lobby_tui.domain.validation import TICKET_CHARS
from lobby_tui.locale import N_, _
from lobby_tui.screens.entry_form import EntryFormScreen, ticket_error
from lobby_tui.widgets.choices import pairs, yes_no
from lobby_tui.widgets.form import FieldSpec


class HandoffScreen(EntryFormScreen):
    FORM = "handoff"
    KIND = Kind.HANDOFF
    HEADING = N_("Hand-off")
    HINT = (
        ("next_field", N_("next field")),
        (None, N_("1–9: pick")),
        ("save", N_("save")),
        ("desk", N_("desk, the draft is kept")),
    )

    def field_specs(self) -> list[FieldSpec]:
        lists = self.session.settings.lists
        return [
            FieldSpec("ticket", _("Ticket"), max_length=6, restrict=TICKET_CHARS, upper=True),
            FieldSpec(
                "target", _("Handed to"), kind="pick", choices=pairs(lists.handoff_targets())
            ),
            FieldSpec(
                "referral", _("Product interest"), kind="pick", choices=yes_no(), default="no"
            ),
            FieldSpec("need", _("The customer's need"), kind="text", max_length=NOTE_LIMIT),
        ]

    def check(self, fields: dict[str, str]) -> dict[str, str]:
        errors = {}
        if message := ticket_error(fields["ticket"], required=True):
            errors["ticket"] = message
        if not fields["target"]:
            errors["target"] = _("Pick to whom the customer was handed.")
        if not fields["need"].strip():
            errors["need"] = _("Write what the customer needs.")
        elif message := validation.check_length(fields["need"]):
            errors["need"] = _(message)
        return errors

    def entry_values(self, fields: dict[str, str]) -> dict[str, Any]:
        return {
            "ticket": validation.normalize_ticket(fields["ticket"]),
            "target": fields["target"],
            "referral": fields["referral"] == "yes",
            "text": fields["need"],
        }
