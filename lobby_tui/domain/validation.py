"""Validation of what staff type. Each check returns an error message id or None.

Messages are English msgids; the screens translate them, so this module stays free of gettext
state and of Textual.
"""

from __future__ import annotations

import re
import unicodedata

from lobby_tui.locale import N_

TICKET_RE = re.compile(r"^[A-Z]{1,2}[0-9]{3,4}$")
TICKET_CHARS = r"[A-Za-z0-9]*"  # what a ticket field lets one type
TICKET_MAX_LENGTH = 6
STAFF_NO_RE = re.compile(r"^[0-9A-Za-z]{2,16}$")
BRANCH_CODE_RE = re.compile(r"^[0-9A-Za-z-]{2,16}$")
PIN_MIN_LENGTH = 6
PIN_MAX_LENGTH = 32
NAME_MAX_LENGTH = 40
BRANCH_NAME_MAX_LENGTH = 60
NOTE_MAX_LENGTH = 10_000
COMMENT_MAX_LENGTH = 2_000  # a reviewer's sign-off comment
# The draft a handover note is kept in while written (the entry forms' drafts have their names).
HANDOVER_DRAFT = "handover"


class ValidationError(ValueError):
    """A value that staff typed was refused; ``field`` names the field, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def check_pin(pin: str) -> str | None:
    if not pin.isdigit() or not pin.isascii():
        return N_("The PIN must be digits only.")
    if len(pin) < PIN_MIN_LENGTH:
        return N_("The PIN must have at least 6 digits.")
    if len(pin) > PIN_MAX_LENGTH:
        return N_("The PIN must have at most 32 digits.")
    return None


def check_staff_no(staff_no: str) -> str | None:
    if not staff_no:
        return N_("Enter the staff number.")
    if not STAFF_NO_RE.match(staff_no):
        return N_("A staff number is 2 to 16 letters or digits.")
    return None


def check_branch_code(code: str) -> str | None:
    if not code:
        return N_("Enter the branch code.")
    if not BRANCH_CODE_RE.match(code):
        return N_("A branch code is 2 to 16 letters, digits or dashes.")
    return None


def check_name(name: str, max_length: int = NAME_MAX_LENGTH) -> str | None:
    if not name.strip():
        return N_("Enter a name.")
    if len(name) > max_length:
        return N_("The name is too long.")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        return N_("The name contains control characters.")
    return None


def check_note(text: str) -> str | None:
    if not text.strip():
        return N_("Write the note first.")
    if len(text) > NOTE_MAX_LENGTH:
        return N_("The note is longer than 10,000 characters.")
    return None


def check_length(text: str | None, limit: int = NOTE_MAX_LENGTH) -> str | None:
    if text and len(text) > limit:
        return N_("The text is longer than 10,000 characters.")
    return None


def normalize_ticket(raw: str) -> str:
    """Upper-case a ticket as typed (``a023`` → ``A023``)."""
    return raw.strip().upper()


def check_ticket(ticket: str) -> str | None:
    if ticket and not TICKET_RE.match(ticket):
        return N_("A ticket is 1–2 letters then 3–4 digits, like A023.")
    return None


CONTACT_MAX_LENGTH = 64
REASON_MAX_LENGTH = 500
# The longest code each picked field may hold (the columns of the entry table).
CODE_MAX_LENGTHS = {"business": 32, "priority": 16, "target": 64, "topic": 32}


def check_contact(contact: str | None) -> str | None:
    if contact and len(contact) > CONTACT_MAX_LENGTH:
        return N_("The contact is longer than 64 characters.")
    return None


def check_code(field: str, value: str | None) -> str | None:
    """A picked value (business type, priority, target, topic) that fits its column."""
    if value and len(value) > CODE_MAX_LENGTHS[field]:
        return N_("This value is too long.")
    return None


def check_reason(reason: str) -> str | None:
    """The reason for a revision or a void: required, at most 500 characters."""
    if not reason.strip():
        return N_("Give the reason.")
    if len(reason) > REASON_MAX_LENGTH:
        return N_("The reason is longer than 500 characters.")
    return None


# Hand-offs: pending → accepted → completed | returned | no_show; returned and no_show may also
# follow pending directly. The last three close the hand-off.
HANDOFF_EVENTS = ("accepted", "completed", "returned", "no_show")
HANDOFF_CLOSED = frozenset({"completed", "returned", "no_show"})
_HANDOFF_NEXT = {
    "pending": frozenset({"accepted", "returned", "no_show"}),
    "accepted": frozenset({"completed", "returned", "no_show"}),
}


def check_handoff_step(status: str, event: str) -> str | None:
    """Whether a hand-off in ``status`` (``pending`` or its latest event) may record ``event``
    (one of ``HANDOFF_EVENTS``) next."""
    if status in HANDOFF_CLOSED:
        return N_("This hand-off is already closed.")
    if event in _HANDOFF_NEXT[status]:
        return None
    if event == "completed":
        return N_("Mark the hand-off accepted before completing it.")
    return N_("This hand-off is already accepted.")


def check_handoff_correction(
    status: str, sold: bool | None, event: str, product_sold: bool | None
) -> str | None:
    """Whether a hand-off whose latest outcome is ``status`` (``sold`` as it said) may have it
    corrected to ``event`` (``product_sold`` for a completion). A correction is a new event
    that supersedes the last, with its reason: the wrong one stays in the history."""
    if status not in HANDOFF_EVENTS:
        return N_("This hand-off has no outcome to correct yet.")
    if event == status and (event != "completed" or bool(product_sold) == bool(sold)):
        return N_("That is its outcome already.")
    return None


def is_correction(status: str, event: str) -> bool:
    """True when ``event`` after ``status`` is not the hand-off's next step but a correction
    of its last outcome (``check_handoff_correction``)."""
    return event in HANDOFF_EVENTS and check_handoff_step(status, event) is not None


def check_product_sold(event: str, product_sold: bool | None) -> str | None:
    """Whether a product was sold is known, and recorded, only when a hand-off is completed."""
    if product_sold is not None and event != "completed":
        return N_("Record a sale when the hand-off is completed.")
    return None
