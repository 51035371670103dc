"""The kinds of duty-log entry."""

from __future__ import annotations

from enum import StrEnum

from lobby_tui.locale import N_


class Kind(StrEnum):
    QUEUE = "queue"
    ENQUIRY = "enquiry"
    HANDOFF = "handoff"
    COMPLAINT = "complaint"
    CHECK = "check"
    NOTE = "note"


KIND_LABELS: dict[Kind, str] = {
    Kind.QUEUE: N_("guidance"),
    Kind.ENQUIRY: N_("enquiry"),
    Kind.HANDOFF: N_("hand-off"),
    Kind.COMPLAINT: N_("complaint"),
    Kind.CHECK: N_("check"),
    Kind.NOTE: N_("note"),
}
