"""Time: stored in UTC, shown in the branch's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TIME_ZONE = "Asia/Shanghai"


def utcnow() -> datetime:
    return datetime.now(UTC)


def branch_zone(name: str | None) -> ZoneInfo:
    return ZoneInfo(name or DEFAULT_TIME_ZONE)


def to_branch(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` (aware) in branch time."""
    return moment.astimezone(zone)


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants at which ``day`` starts and ends in branch time."""
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def day_start(day: date, zone: ZoneInfo) -> datetime | None:
    """The UTC instant at which ``day`` starts in branch time; None when that is before the
    first instant a datetime can hold (1 January of year 1, east of UTC)."""
    try:
        return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
    except OverflowError:
        return None


def day_end(day: date, zone: ZoneInfo) -> datetime | None:
    """The UTC instant at which ``day`` ends in branch time; None when that is after the last
    instant a datetime can hold (31 December 9999)."""
    try:
        return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    except OverflowError:
        return None


def branch_today(zone: ZoneInfo, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(zone).date()
