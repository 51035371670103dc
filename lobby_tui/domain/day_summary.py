"""The day summary (当日工作总结) of one branch day: what the data layer counts, as frozen values.

Everything counted is an entry of that day (branch time) in its latest revision; voided entries
are left out of every count and only said to be there (``DaySummary.voided``). Complaints are
counted by their cases, checks by the checklists walked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from lobby_tui.domain.checklists import ChecklistDay

HOURS = 24


@dataclass(frozen=True)
class HandoffTally:
    """The day's hand-offs by their latest outcome. ``open`` is pending or accepted."""

    open: int = 0
    completed: int = 0
    returned: int = 0
    no_show: int = 0

    @property
    def closed(self) -> int:
        return self.completed + self.returned + self.no_show

    @property
    def success_rate(self) -> float | None:
        """Completed hand-offs out of the closed ones (completed, returned, no-show); hand-offs
        still open are not counted either way. None when none is closed yet."""
        return self.completed / self.closed if self.closed else None


@dataclass(frozen=True)
class FollowUpTally:
    """Follow-up calls due on the day (of enquiries of any day): how many, how many done."""

    due: int = 0
    done: int = 0

    @property
    def open(self) -> int:
        return self.due - self.done


@dataclass(frozen=True)
class ComplaintTally:
    """Complaint cases received on the day, closed or withdrawn on it, and open past their due
    day at its end."""

    opened: int = 0
    closed: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class SignOff:
    """A reviewer's sign-off of the day (审阅签字)."""

    reviewer_no: str
    reviewer_name: str
    comment: str
    at: datetime


@dataclass(frozen=True)
class LateChange:
    """A revision or void (``action``) of an entry of the day, made after its last sign-off."""

    entry_id: int
    action: str
    at: datetime
    staff_no: str


@dataclass(frozen=True)
class DaySummary:
    """One branch day at a glance.

    ``by_kind``, ``by_business`` and ``by_priority`` map stored codes to counts (business type
    of the entries that have one; priority channel: a priority other than ``none``).
    ``by_hour`` has 24 counts, by the hour of the day in branch time. ``referrals`` are the
    hand-offs with a product interest, ``referrals_sold`` those completed with a sale.
    ``checklists`` are the opening, mid-day and closing checklists of the day, walked or not.
    ``sign_offs`` are oldest first; ``changed_after_sign_off`` lists the day's entries revised
    or voided after the last of them, oldest change first.
    """

    branch_code: str
    branch_name: str
    time_zone: str
    day: date
    total: int
    voided: int
    by_kind: dict[str, int] = field(default_factory=dict)
    by_business: dict[str, int] = field(default_factory=dict)
    by_priority: dict[str, int] = field(default_factory=dict)
    by_hour: tuple[int, ...] = (0,) * HOURS
    handoffs: HandoffTally = HandoffTally()
    referrals: int = 0
    referrals_sold: int = 0
    follow_ups: FollowUpTally = FollowUpTally()
    complaints: ComplaintTally = ComplaintTally()
    checklists: tuple[ChecklistDay, ...] = ()
    sign_offs: tuple[SignOff, ...] = ()
    changed_after_sign_off: tuple[LateChange, ...] = ()

    @property
    def last_sign_off(self) -> SignOff | None:
        return self.sign_offs[-1] if self.sign_offs else None
