"""Every date field reads days the same way (domain/dates.py): ``2026-12-03``, ``12-03``,
``-1``, ``+3``; which way the field looks decides how ``12-03`` reads and which days it takes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from lobby_tui.domain.dates import Looking, parse_date, parse_day, parse_moment, parse_past_day

TODAY = date(2026, 12, 7)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "text, looking, day",
    [
        pytest.param("2026-11-28", Looking.EITHER, "2026-11-28", id="a whole date"),
        pytest.param("11-28", Looking.EITHER, "2026-11-28", id="month-day this year"),
        pytest.param("-1", Looking.EITHER, "2026-12-06", id="yesterday"),
        pytest.param("+3", Looking.EITHER, "2026-12-10", id="in three days"),
        pytest.param("12-03", Looking.AHEAD, "2027-12-03", id="a follow-up on 12-03 is next year"),
        pytest.param("01-05", Looking.AHEAD, "2027-01-05", id="a follow-up in January"),
        pytest.param("12-31", Looking.BACK, "2025-12-31", id="a review of 12-31 is last year"),
        pytest.param("-7", Looking.BACK, "2026-11-30", id="a week back"),
        pytest.param(" 12-07 ", Looking.BACK, "2026-12-07", id="today, spaces around"),
    ],
)
def test_one_grammar_for_every_date_field(text, looking, day):
    assert parse_date(text, TODAY, looking) == date.fromisoformat(day)


@pytest.mark.parametrize(
    "text, looking, refused",
    [
        ("2026/11/28", Looking.EITHER, "Write a day as"),
        ("13-01", Looking.EITHER, "Write a day as"),
        ("yesterday", Looking.BACK, "Write a day as"),
        ("-1", Looking.AHEAD, "already past"),
        ("+1", Looking.BACK, "has not come yet"),
        ("-99999", Looking.EITHER, "Write a day as"),
    ],
)
def test_a_day_the_field_does_not_take_is_refused_with_why(text, looking, refused):
    with pytest.raises(ValueError, match=refused):
        parse_date(text, TODAY, looking)


def test_the_follow_up_and_review_fields_are_the_same_parser_looking_each_way():
    assert parse_day("12-03", TODAY) == parse_date("12-03", TODAY, Looking.AHEAD)
    assert parse_past_day("12-31", TODAY) == parse_date("12-31", TODAY, Looking.BACK)


def test_a_complaint_time_takes_its_day_as_every_date_field_does():
    now = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # 16:00 in Shanghai

    assert parse_moment("-1 16:45", now, SHANGHAI) == datetime(2026, 12, 6, 16, 45, tzinfo=SHANGHAI)
    assert parse_moment("12-31 09:00", now, SHANGHAI).year == 2025
    assert parse_moment("09:30", now, SHANGHAI) == datetime(2026, 12, 7, 9, 30, tzinfo=SHANGHAI)
    with pytest.raises(ValueError, match="Write a time as"):
        parse_moment("-1", now, SHANGHAI)
