"""What the data layer hands to its callers: frozen plain values, safe to pass between threads."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from lobby_tui.domain.roles import Role


class StoreError(Exception):
    """A refusal the user can act on; the message is an English msgid for the caller to show."""


class PermissionDenied(StoreError):
    pass


class NotSetUp(StoreError):
    pass


class SignInRefused(StoreError):
    """``reason`` is ``unknown``, ``wrong_pin``, ``locked`` or ``disabled``."""

    def __init__(self, reason: str, locked_until: datetime | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.locked_until = locked_until


@dataclass(frozen=True)
class Actor:
    """Who is acting. The data layer re-reads the role from the database before trusting it."""

    staff_id: int | None
    staff_no: str
    name: str
    role: Role
    branch_id: int | None = None
    shift_id: int | None = None

    @classmethod
    def console(cls) -> Actor:
        """The person at the command line, who administers the database file itself."""
        return _console()

    @property
    def is_console(self) -> bool:
        """Only the one console actor is the console: a signed-in actor copied with its staff
        id removed (``dataclasses.replace``) is a different object, and is refused."""
        return self is _console()


@cache
def _console() -> Actor:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor(staff_id=None, staff_no=f"console:{user}"[:64], name=user, role=Role.ADMIN)


@dataclass(frozen=True)
class BranchInfo:
    id: int
    code: str
    name: str
    time_zone: str
    demo: bool


@dataclass(frozen=True)
class StaffInfo:
    staff_no: str
    name: str
    role: Role
    active: bool
    locked_until: datetime | None


@dataclass(frozen=True)
class EntryView:
    """An entry in its latest revision."""

    id: int
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    staff_no: str
    staff_name: str
    ticket: str | None
    business: str | None
    priority: str | None
    target: str | None
    topic: str | None
    text: str | None
    outcome: str | None
    revision: int
    voided: bool


@dataclass(frozen=True)
class DeskSnapshot:
    """What the duty desk shows: today's entries (newest first) and counts per kind."""

    entries: list[EntryView]
    counts: dict[str, int]
    total_today: int
    open_items: list[str] = field(default_factory=list)
