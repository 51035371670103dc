"""Dates typed at the counter: ``2026-12-03``, ``12-03`` (this year or next) or ``+3`` (days on)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from lobby_tui.locale import N_

DATE_FORMATS = N_("Write a date as 2026-12-03, 12-03 or +3 (in three days).")
_RELATIVE = re.compile(r"^\+([0-9]{1,3})$")
_MONTH_DAY = re.compile(r"^([0-9]{1,2})-([0-9]{1,2})$")


def parse_day(text: str, today: date) -> date:
    """The day ``text`` names, counted from ``today``; ValueError (with a msgid) when it names
    none or a day already past."""
    text = text.strip()
    try:
        if match := _RELATIVE.match(text):
            day = today + timedelta(days=int(match.group(1)))
        elif match := _MONTH_DAY.match(text):
            day = date(today.year, int(match.group(1)), int(match.group(2)))
            if day < today:
                day = day.replace(year=today.year + 1)
        else:
            day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(DATE_FORMATS) from None
    if day < today:
        raise ValueError(N_("That day is already past."))
    return day


def start_of(day: date, zone: ZoneInfo) -> datetime:
    """Midnight of ``day`` in branch time, as an aware datetime (stored as UTC)."""
    return datetime.combine(day, time.min, tzinfo=zone)


MOMENT_FORMATS = N_("Write a time as 09:30 (today), 11-28 16:45 or 2026-11-28 16:45.")
_TIME = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")
_MOMENT_SLACK = timedelta(minutes=5)


def parse_moment(text: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """The moment ``text`` names in branch time: ``09:30`` (today), ``11-28 16:45`` (this
    year) or ``2026-11-28 16:45``; None for an empty text (now). ValueError (with a msgid) when
    it names none or a moment still to come."""
    text = " ".join(text.split())
    if not text:
        return None
    today = now.astimezone(zone).date()
    day_text, _space, time_text = text.rpartition(" ")
    match = _TIME.match(time_text)
    try:
        if match is None:
            raise ValueError
        if not day_text:
            day = today
        elif day_match := _MONTH_DAY.match(day_text):
            day = date(today.year, int(day_match.group(1)), int(day_match.group(2)))
        else:
            day = date.fromisoformat(day_text)
        moment = datetime.combine(day, time(int(match.group(1)), int(match.group(2))), tzinfo=zone)
    except ValueError:
        raise ValueError(MOMENT_FORMATS) from None
    if moment > now + _MOMENT_SLACK:
        raise ValueError(N_("That time has not come yet."))
    return moment


PAST_DATE_FORMATS = N_("Write a day as 2026-11-28, 11-28 or -1 (yesterday).")
_OFFSET = re.compile(r"^([+-])([0-9]{1,4})$")


def parse_past_day(text: str, today: date) -> date:
    """The day ``text`` names looking back from ``today``: ``2026-11-28``, ``11-28`` (the latest
    such day not after today) or ``-1`` (days back; ``+1`` days on). ValueError (with a msgid)
    when it names no day or one after today: a day to review has begun."""
    text = text.strip()
    try:
        if match := _OFFSET.match(text):
            days = int(match.group(2))
            day = today + timedelta(days=days if match.group(1) == "+" else -days)
        elif match := _MONTH_DAY.match(text):
            day = date(today.year, int(match.group(1)), int(match.group(2)))
            if day > today:
                day = day.replace(year=today.year - 1)
        else:
            day = date.fromisoformat(text)
    except (ValueError, OverflowError):
        raise ValueError(PAST_DATE_FORMATS) from None
    if day > today:
        raise ValueError(N_("That day has not come yet."))
    return day
