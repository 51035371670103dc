"""The complaint deadline clock (《银行业保险业消费投诉处理管理办法》, 2020).

The convention, in calendar days of the branch's time zone:

- A case received on day R is due by the end of day R + 15 (local time): received on 1 March,
  decide and tell the customer by 16 March, 23:59:59.
- The first extension adds 15 days (30 in all); a second adds at most 30 more (60 in all), and
  needs a named approver and the customer told.
- A pause for outside appraisal from day P, resumed on day Q, adds Q − P days: a pause resumed
  the same day adds none. While paused the clock stands still: the days left stay what they
  were on day P.
- New facts on day F restart the clock: due by the end of F + 15, and the extensions and pauses
  before F no longer count.
- A decision or a withdrawal stops the clock; the due day is kept, to tell whether the case
  was decided in time.
- An extension is decided before the case falls due: once past its due day the case is overdue
  and stays so; an extension then would hide a late case. Received 1 November, due 16
  November: extended on 10 November it is due 1 December; asked on 7 December it is refused.

Pure Python: no SQL, no Textual. The store checks the order of the events; this module only
counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from lobby_tui.locale import N_

FIRST_DAYS = 15
FIRST_EXTENSION_DAYS = 15
SECOND_EXTENSION_MAX_DAYS = 30
MAX_DAYS = 60
WARNING_DAYS = 3  # shown in red from this many days left


class ClockEvent(StrEnum):
    EXTEND = "extend"
    PAUSE = "pause"
    RESUME = "resume"
    NEW_FACTS = "new_facts"
    WITHDRAW = "withdraw"
    DECIDE = "decide"


@dataclass(frozen=True)
class Tick:
    """One event of the clock: what, when (aware), and for an extension how many days."""

    event: ClockEvent
    at: datetime
    days: int = 0


@dataclass(frozen=True)
class Deadline:
    """Where the clock of one case stands. ``due`` is the last local day to decide on."""

    start: date
    due: date
    allowed_days: int
    extensions: int
    pauses: int
    paused_since: date | None
    stopped: ClockEvent | None
    stopped_on: date | None
    zone: ZoneInfo

    @property
    def paused(self) -> bool:
        return self.paused_since is not None and self.stopped is None

    @property
    def running(self) -> bool:
        return self.stopped is None and self.paused_since is None

    def today(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()

    def due_on(self, now: datetime) -> date:
        """The due day as it stands at ``now``: a paused clock pushes it on day by day."""
        if self.paused:
            return self.due + (self.today(now) - self.paused_since)
        return self.due

    def due_at(self, now: datetime) -> datetime:
        """The instant (UTC) the case falls overdue, as it stands at ``now``."""
        end = datetime.combine(self.due_on(now) + timedelta(days=1), time.min, tzinfo=self.zone)
        return end.astimezone(UTC)

    def days_left(self, now: datetime) -> int:
        """Days from today to the due day: 0 on the due day, negative once overdue. Frozen
        while paused, and on the day the clock stopped."""
        if self.stopped_on is not None:
            return (self.due - self.stopped_on).days
        if self.paused_since is not None:
            return (self.due - self.paused_since).days
        return (self.due - self.today(now)).days

    def overdue(self, now: datetime) -> bool:
        """Past its due day with the clock still running (or paused after falling due)."""
        return self.stopped is None and self.days_left(now) < 0

    def urgent(self, now: datetime) -> bool:
        """Open, and due within ``WARNING_DAYS`` days or overdue: shown in red."""
        return self.stopped is None and self.days_left(now) <= WARNING_DAYS


def deadline(received_at: datetime, zone: ZoneInfo, ticks: Iterable[Tick]) -> Deadline:
    """The clock of a case received at ``received_at`` after ``ticks`` (oldest first)."""
    start = received_at.astimezone(zone).date()
    allowed, extensions, pauses, paused_days = FIRST_DAYS, 0, 0, 0
    paused_since: date | None = None
    stopped: ClockEvent | None = None
    stopped_on: date | None = None
    for tick in ticks:
        day = tick.at.astimezone(zone).date()
        if stopped is not None:
            break
        if tick.event == ClockEvent.EXTEND:
            allowed += tick.days
            extensions += 1
        elif tick.event == ClockEvent.PAUSE and paused_since is None:
            paused_since = day
            pauses += 1
        elif tick.event == ClockEvent.RESUME and paused_since is not None:
            paused_days += (day - paused_since).days
            paused_since = None
        elif tick.event == ClockEvent.NEW_FACTS:
            start, allowed, extensions, pauses, paused_days = day, FIRST_DAYS, 0, 0, 0
            paused_since = None
        elif tick.event in (ClockEvent.DECIDE, ClockEvent.WITHDRAW):
            if paused_since is not None:
                paused_days += (day - paused_since).days
                paused_since = None
            stopped, stopped_on = tick.event, day
    return Deadline(
        start=start,
        due=start + timedelta(days=allowed + paused_days),
        allowed_days=allowed,
        extensions=extensions,
        pauses=pauses,
        paused_since=paused_since,
        stopped=stopped,
        stopped_on=stopped_on,
        zone=zone,
    )


def check_extension_at(clock: Deadline, now: datetime) -> str | None:
    """Why no extension may be added to ``clock`` at ``now`` (a msgid), or None: the clock
    has stopped, or the case is already past its due day."""
    if clock.stopped is not None:
        return N_("The clock of this case has stopped.")
    if clock.overdue(now):
        return N_("The case is past its due day: an extension is decided before the case is due.")
    return None


def check_extension(
    clock: Deadline, days: int, approver: str | None, customer_told: bool, now: datetime
) -> str | None:
    """Why an extension of ``days`` may not be added to ``clock`` at ``now`` (a msgid), or None.

    Only before the case is due; the first is of 15 days; the second of 1 to 30 days, with a
    named approver and the customer told; no third: 60 days at most in all.
    """
    refused = extension_problem(clock, days, approver, customer_told, now)
    return refused[1] if refused else None


def extension_problem(
    clock: Deadline, days: int, approver: str | None, customer_told: bool, now: datetime
) -> tuple[str | None, str] | None:
    """``check_extension`` with the field it is about (``days``, ``approver``,
    ``customer_told``, or None for the extension as a whole), for a form to show it there."""
    refused = check_extension_at(clock, now)
    if refused:
        return None, refused
    if clock.extensions == 0:
        if days != FIRST_EXTENSION_DAYS:
            return "days", N_("The first extension is of 15 days.")
        return None
    if clock.extensions >= 2 or clock.allowed_days >= MAX_DAYS:
        return None, N_("The case has been extended twice already: 60 days at most in all.")
    if not 1 <= days <= SECOND_EXTENSION_MAX_DAYS or clock.allowed_days + days > MAX_DAYS:
        return "days", N_("A further extension is of 1 to 30 days, 60 days at most in all.")
    if not (approver or "").strip():
        return "approver", N_("A further extension needs the name of who approved it.")
    if not customer_told:
        return "customer_told", N_("Tell the customer of a further extension before recording it.")
    return None
