"""Validation of what staff type. Each check returns an error message id or None.

Messages are English msgids; the screens translate them, so this module stays free of gettext
state and of Textual.
"""

from __future__ import annotations

import re
import unicodedata

from lobby_tui.locale import N_

TICKET_RE = re.compile(r"^[A-Z]{1,2}[0-9]{3,4}$")
STAFF_NO_RE = re.compile(r"^[0-9A-Za-z]{2,16}$")
BRANCH_CODE_RE = re.compile(r"^[0-9A-Za-z-]{2,16}$")
PIN_MIN_LENGTH = 6
PIN_MAX_LENGTH = 32
NAME_MAX_LENGTH = 40
BRANCH_NAME_MAX_LENGTH = 60
NOTE_MAX_LENGTH = 10_000


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
