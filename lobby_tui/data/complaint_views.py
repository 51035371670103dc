"""What the store returns of complaint cases (the complaints area, data/areas/complaints.py):
plain frozen values, as the rest of data/views.py, which names them for the screens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lobby_tui.domain.deadlines import Deadline


@dataclass(frozen=True)
class CaseView:
    """A complaint case as it stands after its actions. The complainant's name is cut to its
    first character, and the contact and every free text (facts, request, decision, reason)
    masked (domain/masking.py).

    ``deadline`` is its clock (domain/deadlines.py); ``decided_at``, ``closed_at`` (closed or
    withdrawn) and the decision's details are None until those steps are recorded.
    """

    id: int
    number: str
    received_at: datetime
    channel: str
    business: str
    cause: str
    complainant_name: str
    complainant_contact: str | None
    respondent_no: str | None
    respondent_name: str | None
    facts: str
    request: str | None
    severity: str
    ticket: str | None
    registered_by_no: str
    registered_by_name: str
    handler_no: str
    handler_name: str
    status: str
    deadline: Deadline
    actions: int
    entry_id: int
    decision: str | None = None
    told_by: str | None = None
    told_at: datetime | None = None
    decided_at: datetime | None = None
    satisfaction: str | None = None
    closed_at: datetime | None = None
    withdraw_reason: str | None = None

    @property
    def open(self) -> bool:
        return self.status not in ("closed", "withdrawn")


@dataclass(frozen=True)
class CaseActionView:
    """One step of a case's timeline: the action, its details (text masked), who, when, its
    entry."""

    action: str
    payload: dict[str, Any]
    staff_no: str
    staff_name: str
    at: datetime
    entry_id: int


@dataclass(frozen=True)
class CaseTimeline:
    """A case and every step of it, oldest first."""

    case: CaseView
    actions: list[CaseActionView]


@dataclass(frozen=True)
class ComplaintDay:
    """Complaints of one branch day: received that day, closed or withdrawn that day, and
    open and past their due day at the end of it."""

    opened: list[CaseView]
    closed: list[CaseView]
    overdue: list[CaseView]


@dataclass(frozen=True)
class CasePage:
    """A page of the complaint list. The first page holds every open case that matches, by
    time left, then the newest finished ones; a later page only finished ones. ``after`` is
    the key (``received_at``, ``id``) of the last finished case shown, to read on from; None
    when no more match."""

    cases: list[CaseView]
    after: tuple[datetime, int] | None
