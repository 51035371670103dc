"""F2 queue guidance: ticket, business type, where the customer was sent, priority, a note."""

from __future__ import annotations

from typing import Any

from lobby_tui.domain import validation
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.validation import NOTE_MAX_LENGTH as NOTE_LIMIT
from lobby_tui.domain.validation import TICKET_CHARS
from lobby_tui.locale import N_, _
from lobby_tui.screens.entry_form import EntryFormScreen, ticket_error
from lobby_tui.widgets.choices import pairs
from lobby_tui.widgets.form import FieldSpec


class QueueScreen(EntryFormScreen):
    FORM = "queue"
    KIND = Kind.QUEUE
    HEADING = N_("Queue guidance")
    HINT = (
        ("next_field", N_("next field")),
        (None, N_("1–9: pick")),
        ("save", N_("save")),
        ("desk", N_("desk, the draft is kept")),
    )
    KEEP = ("business",)

    def field_specs(self) -> list[FieldSpec]:
        lists = self.session.settings.lists
        return [
            FieldSpec("ticket", _("Ticket"), max_length=6, restrict=TICKET_CHARS, upper=True),
            FieldSpec("business", _("Business type"), kind="pick", choices=pairs(lists.business)),
            FieldSpec("target", _("Sent to"), kind="pick", choices=pairs(lists.queue_targets())),
            FieldSpec(
                "priority",
                _("Priority"),
                kind="pick",
                choices=pairs(lists.priorities),
                default="none",
            ),
            FieldSpec("note", _("Note (optional)"), kind="text", max_length=NOTE_LIMIT),
        ]

    def check(self, fields: dict[str, str]) -> dict[str, str]:
        errors = {}
        if message := ticket_error(fields["ticket"], required=True):
            errors["ticket"] = message
        if not fields["business"]:
            errors["business"] = _("Pick the business type with its digit.")
        if not fields["target"]:
            errors["target"] = _("Pick where the customer was sent.")
        if message := validation.check_length(fields["note"]):
            errors["note"] = _(message)
        return errors

    def entry_values(self, fields: dict[str, str]) -> dict[str, Any]:
        return {
            "ticket": validation.normalize_ticket(fields["ticket"]),
            "business": fields["business"],
            "target": fields["target"],
            "priority": fields["priority"] or "none",
            "text": fields["note"] or None,
        }
