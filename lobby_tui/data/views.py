"""What the data layer hands to its callers: frozen plain values, safe to pass between threads."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any, NamedTuple

# Complaint cases' values live in complaint_views.py, named here for the screens.
from lobby_tui.data.complaint_views import CaseActionView as CaseActionView
from lobby_tui.data.complaint_views import CasePage as CasePage
from lobby_tui.data.complaint_views import CaseTimeline as CaseTimeline
from lobby_tui.data.complaint_views import CaseView as CaseView
from lobby_tui.data.complaint_views import ComplaintDay as ComplaintDay

# Checklist days are domain values (the day summary holds them), returned as they are.
from lobby_tui.domain.checklists import ChecklistDay as ChecklistDay
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
    def console(cls, branch_id: int | None = None) -> Actor:
        """The person at the command line, who administers the database file itself; working
        on ``branch_id`` (``--branch``), or on the database's first branch."""
        return _console(branch_id)

    @property
    def is_console(self) -> bool:
        """Only the console actors are the console: a signed-in actor copied with its staff
        id removed (``dataclasses.replace``) is a different object, and is refused."""
        return self is _console(self.branch_id)


@cache
def _console(branch_id: int | None = None) -> Actor:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor(
        staff_id=None,
        staff_no=f"console:{user}"[:64],
        name=user,
        role=Role.ADMIN,
        branch_id=branch_id,
    )


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


class EntryView(NamedTuple):
    """An entry in its latest revision, with the state its events give it.

    ``status`` is, for a hand-off, ``pending`` or its latest outcome (``accepted``,
    ``completed``, ``returned``, ``no_show``); for an enquiry with a follow-up due and not
    resolved, ``follow_up`` until the follow-up is done, then ``done``; otherwise None.
    ``product_sold`` is what the latest outcome that said so said. ``text``, ``outcome`` and
    ``contact`` are masked (domain/masking.py); the clear value only through ``reveal``.

    A named tuple rather than a frozen dataclass, as immutable but built several times faster:
    a page of the log builds a hundred. Its first fields are in the order of
    ``entries.ROW_COLUMNS``, the order a page's rows are read in.
    """

    id: int
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    shift_id: int | None
    staff_id: int | None
    complaint_id: int | None
    staff_no: str
    staff_name: str
    ticket: str | None
    business: str | None
    priority: str | None
    target: str | None
    topic: str | None
    text: str | None
    outcome: str | None
    contact: str | None
    resolved: bool | None
    referral: bool | None
    follow_up_due: datetime | None
    revision: int
    voided: bool
    status: str | None
    product_sold: bool | None
    complaint_no: str | None


@dataclass(frozen=True)
class RevisionView:
    """One correction (``revise``) or void (``void``) of an entry.

    ``old_values`` holds the changed fields as they were just before, ``new_values`` as they
    became; both are empty for a void. Numbers start at 2: the entry as written is revision 1.
    Free text (the values, the reason) is masked.
    """

    number: int
    action: str
    reason: str
    old_values: dict[str, Any]
    new_values: dict[str, Any]
    staff_no: str
    staff_name: str
    at: datetime


@dataclass(frozen=True)
class EventView:
    """One step after an entry was written: a hand-off outcome or a follow-up done (its note
    masked)."""

    event: str
    product_sold: bool | None
    note: str | None
    staff_no: str
    staff_name: str
    at: datetime


@dataclass(frozen=True)
class EntryHistory:
    """An entry as it is now, as it was first written, and everything that happened to it since
    (oldest first). Free text is masked everywhere in it; ``masked`` names the fields (of
    ``text``, ``outcome``, ``contact``) whose latest value has a number masked: what a reviewer
    may reveal."""

    entry: EntryView
    original: dict[str, Any]
    revisions: list[RevisionView]
    events: list[EventView]
    masked: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpenItem:
    """Something still to do: a hand-off not closed (``kind`` ``handoff``, ``since`` when it
    happened) or a follow-up not done (``follow_up``, ``since`` when it is due). ``overdue``:
    a follow-up due on a day before today, in branch time; a hand-off is never overdue."""

    kind: str
    entry: EntryView
    since: datetime
    overdue: bool


@dataclass(frozen=True)
class DeskSnapshot:
    """What the duty desk shows: today's entries (newest first), counts per kind, and the
    branch's oldest open items (any day)."""

    entries: list[EntryView]
    counts: dict[str, int]
    total_today: int
    open_items: list[OpenItem] = field(default_factory=list)


@dataclass(frozen=True)
class CaseSaved:
    """What a complaint command returns: the case after it, and the duty-log entry written."""

    case: CaseView
    entry: EntryView


@dataclass(frozen=True)
class OpenSummary:
    """What stays open in the branch, for a handover: how many of each kind (``complaint``,
    ``handoff``, ``follow_up``), how many follow-ups and complaints are overdue, the open
    complaint cases nearest due first, and the oldest few other items."""

    counts: dict[str, int]
    overdue: int
    oldest: list[OpenItem]
    complaints: list[CaseView] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class HandoverView:
    """A shift's handover note (empty when its author left it empty on purpose; masked, and
    ``masked`` says whether it had a number to mask: a reviewer may reveal it), who wrote it
    and when they signed out, and who acknowledged it first, and when (None until then)."""

    shift_id: int
    note: str
    staff_no: str
    staff_name: str
    written_at: datetime
    acknowledged_by_no: str | None = None
    acknowledged_by_name: str | None = None
    acknowledged_at: datetime | None = None
    masked: bool = False


@dataclass(frozen=True)
class CheckAnswer:
    """One item of a checklist walk: OK, or a problem with its note. ``label`` is the item as
    staff saw it; a problem's ``check`` entry reads "label: note"."""

    item: str
    label: str
    ok: bool
    note: str | None = None


@dataclass(frozen=True)
class ChecklistRun:
    """A checklist walk as stored: when, and the ``check`` entries its problems became."""

    checklist: str
    at: datetime
    items: int
    entries: list[EntryView]


@dataclass(frozen=True)
class LogFilter:
    """What the log browser (F7) shows: every field left empty shows every entry.

    ``first_day``/``last_day`` are branch days, inclusive; ``marker`` is ``revised`` (corrected
    at least once) or ``void``; ``text`` is searched as ``lobby_tui.data.search`` describes.
    ``complaint_status`` (a ``domain.complaints.Status``, or ``open`` for any open case) keeps
    the entries of the complaint cases whose status is that now: every step of those cases.
    """

    first_day: date | None = None
    last_day: date | None = None
    staff_no: str | None = None
    kind: str | None = None
    business: str | None = None
    priority: str | None = None
    marker: str | None = None
    text: str = ""
    complaint_status: str | None = None


@dataclass(frozen=True)
class LogPage:
    """One page of the log browser, newest first, in the entries' latest revision.

    ``newer``/``older``: whether entries matching the filter lie beyond the first / last row.
    A page's rows continue another's through their keys: ``(occurred_at, id)`` of an edge row.
    """

    entries: list[EntryView]
    newer: bool
    older: bool
