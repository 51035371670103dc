"""The counts of one branch day, made with SQL aggregates.

An entry is counted in its latest revision, and a revision keeps its changed values as JSON,
which SQL cannot read the same way on every database. So the day is counted in two parts that
never overlap: the entries never revised nor voided (nearly all of them) by ``GROUP BY`` on
their row as written, and the few with a revision read whole (``entries.views_of``, the one
reading of revisions) and counted in Python. A day of a hundred thousand entries is counted
without loading it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from lobby_tui.data import entries
from lobby_tui.data.models import Entry, EntryEvent, Revision, Staff
from lobby_tui.data.views import EntryView
from lobby_tui.domain.clock import day_bounds
from lobby_tui.domain.day_summary import HOURS, HandoffTally
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.validation import HANDOFF_EVENTS

NO_PRIORITY = (None, "none")


@dataclass
class DayCounts:
    """What the day's entries add up to; voided entries are only counted in ``voided``."""

    kinds: Counter[str] = field(default_factory=Counter)
    business: Counter[str] = field(default_factory=Counter)
    priority: Counter[str] = field(default_factory=Counter)
    hours: Counter[int] = field(default_factory=Counter)
    handoff_status: Counter[str] = field(default_factory=Counter)
    referrals: int = 0
    referrals_sold: int = 0
    voided: int = 0

    def add(
        self, kind: str, business: str | None, priority: str | None, hour: int, count: int = 1
    ) -> None:
        self.kinds[kind] += count
        if business:
            self.business[business] += count
        if priority not in NO_PRIORITY:
            self.priority[priority] += count
        self.hours[hour] += count

    def add_handoffs(
        self, status: str, referral: bool | None, sold: bool | None, count: int = 1
    ) -> None:
        self.handoff_status[status] += count
        if referral:
            self.referrals += count
            self.referrals_sold += count if sold else 0

    def add_view(self, view: EntryView, zone: ZoneInfo) -> None:
        if view.voided:
            self.voided += 1
            return
        hour = view.occurred_at.astimezone(zone).hour
        self.add(view.kind, view.business, view.priority, hour)
        if view.kind == Kind.HANDOFF:
            self.add_handoffs(view.status, view.referral, view.product_sold)

    @property
    def by_hour(self) -> tuple[int, ...]:
        return tuple(self.hours.get(hour, 0) for hour in range(HOURS))

    @property
    def handoffs(self) -> HandoffTally:
        status = self.handoff_status
        return HandoffTally(
            open=status["pending"] + status["accepted"],
            completed=status["completed"],
            returned=status["returned"],
            no_show=status["no_show"],
        )


def count_day(session: Session, branch_id: int, day: date, zone: ZoneInfo) -> DayCounts:
    """The counts of ``day`` (branch time) at the branch, read inside ``session``."""
    start, end = day_bounds(day, zone)
    in_day = (
        (Entry.branch_id == branch_id) & (Entry.occurred_at >= start) & (Entry.occurred_at < end)
    )
    as_written = in_day & Entry.id.not_in(select(Revision.entry_id))
    counts = DayCounts()
    hour = hour_of(day, zone).label("hour")
    for kind, business, priority, at_hour, count in session.exec(
        select(Entry.kind, Entry.business, Entry.priority, hour, func.count())
        .where(as_written)
        .group_by(Entry.kind, Entry.business, Entry.priority, hour)
    ):
        counts.add(kind, business, priority, at_hour, count)
    for status, referral, sold, count in session.exec(handoffs_by_outcome(in_day, as_written)):
        counts.add_handoffs(status or "pending", referral, sold, count)
    revised = session.exec(
        select(Entry, Staff)
        .join(Staff, Staff.id == Entry.staff_id)
        .where(in_day & Entry.id.in_(select(Revision.entry_id)))
    ).all()
    for view in entries.views_of(session, list(revised)):
        counts.add_view(view, zone)
    return counts


def hour_of(day: date, zone: ZoneInfo) -> Any:
    """The hour of ``day`` in branch time at which an entry occurred, as a SQL expression:
    the hours' bounds are worked out here, so every database compares plain instants."""
    bounds = [
        datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC) for hour in range(1, HOURS)
    ]
    return case(
        *((Entry.occurred_at < bound, hour) for hour, bound in enumerate(bounds)),
        else_=HOURS - 1,
    )


def handoffs_by_outcome(in_day: Any, as_written: Any) -> Any:
    """Hand-offs as written, grouped by their latest outcome (None: pending), their product
    interest and whether the outcome said a product was sold."""
    latest = (
        select(EntryEvent.entry_id, func.max(EntryEvent.id).label("event_id"))
        .join(Entry, Entry.id == EntryEvent.entry_id)
        .where(in_day & (Entry.kind == Kind.HANDOFF) & EntryEvent.event.in_(HANDOFF_EVENTS))
        .group_by(EntryEvent.entry_id)
        .subquery()
    )
    step = aliased(EntryEvent)
    return (
        select(step.event, Entry.referral, step.product_sold, func.count())
        .select_from(Entry)
        .outerjoin(latest, latest.c.entry_id == Entry.id)
        .outerjoin(step, step.id == latest.c.event_id)
        .where(as_written & (Entry.kind == Kind.HANDOFF))
        .group_by(step.event, Entry.referral, step.product_sold)
    )
