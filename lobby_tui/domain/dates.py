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
