"""Dates and times typed at the counter: one grammar for every date field (``2026-12-03``,
``12-03``, ``-1``, ``+3``) and one for the moments of a complaint."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from lobby_tui.locale import N_

DAY_FORMATS = N_("Write a day as 2026-12-03, 12-03, -1 (yesterday) or +3 (in three days).")
_OFFSET = re.compile(r"^([+-])([0-9]{1,4})$")
_MONTH_DAY = re.compile(r"^([0-9]{1,2})-([0-9]{1,2})$")


class Looking(StrEnum):
    """Which way a field looks from today: how ``12-03`` is read, and which days it refuses."""

    AHEAD = "ahead"  # a follow-up date: 12-03 is the next such day; a past day is refused
    BACK = "back"  # a day to review: 12-03 is the latest such day; a day to come is refused
    EITHER = "either"  # a filter: 12-03 is this year's; any day


def parse_date(text: str, today: date, looking: Looking = Looking.EITHER) -> date:
    """The day ``text`` names, counted from ``today``: the one grammar of every date field.

    ``2026-12-03``; ``12-03`` (read the way the field looks); ``+3`` or ``-1`` (days on or
    back). ValueError (with a msgid) when it names no day, or one the field does not take.
    """
    text = text.strip()
    try:
        if match := _OFFSET.match(text):
            days = int(match.group(2))
            day = today + timedelta(days=days if match.group(1) == "+" else -days)
        elif match := _MONTH_DAY.match(text):
            day = date(today.year, int(match.group(1)), int(match.group(2)))
            if looking == Looking.AHEAD and day < today:
                day = day.replace(year=today.year + 1)
            elif looking == Looking.BACK and day > today:
                day = day.replace(year=today.year - 1)
        else:
            day = date.fromisoformat(text)
    except (ValueError, OverflowError):
        raise ValueError(DAY_FORMATS) from None
    if looking == Looking.AHEAD and day < today:
        raise ValueError(N_("That day is already past."))
    if looking == Looking.BACK and day > today:
        raise ValueError(N_("That day has not come yet."))
    return day


def parse_day(text: str, today: date) -> date:
    """A day from ``today`` on (a follow-up date): ``parse_date`` looking ahead."""
    return parse_date(text, today, Looking.AHEAD)


def parse_past_day(text: str, today: date) -> date:
    """A day up to ``today`` (a day to review): ``parse_date`` looking back."""
    return parse_date(text, today, Looking.BACK)


def start_of(day: date, zone: ZoneInfo) -> datetime:
    """Midnight of ``day`` in branch time, as an aware datetime (stored as UTC)."""
    return datetime.combine(day, time.min, tzinfo=zone)


MOMENT_FORMATS = N_("Write a time as 09:30 (today), 11-28 16:45 or 2026-11-28 16:45.")
_TIME = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")
_MOMENT_SLACK = timedelta(minutes=5)


def parse_moment(text: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """The moment ``text`` names in branch time: ``09:30`` (today), or a day as every date
    field takes it and a time (``11-28 16:45``, ``-1 16:45``, ``2026-11-28 16:45``); None for
    an empty text (now). ValueError (with a msgid) when it names none or one still to come."""
    text = " ".join(text.split())
    if not text:
        return None
    today = now.astimezone(zone).date()
    day_text, _space, time_text = text.rpartition(" ")
    match = _TIME.match(time_text)
    day = parse_date(day_text, today, Looking.BACK) if day_text else today
    try:
        if match is None:
            raise ValueError
        moment = datetime.combine(day, time(int(match.group(1)), int(match.group(2))), tzinfo=zone)
    except ValueError:
        raise ValueError(MOMENT_FORMATS) from None
    if moment > now + _MOMENT_SLACK:
        raise ValueError(N_("That time has not come yet."))
    return moment
