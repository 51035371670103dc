"""The complaint deadline clock, as a table of cases a branch meets (domain/deadlines.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lobby_tui.domain.deadlines import (
    ClockEvent,
    Tick,
    check_extension,
    check_extension_at,
    deadline,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
E = ClockEvent


def at(day: str, hour: int = 10, zone: ZoneInfo = SHANGHAI) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=zone).replace(
        hour=hour
    )


# received, [(event, day, days)], now, expected due day, days left at now, running
CASES = [
    pytest.param("2026-03-01", [], "2026-03-01", "2026-03-16", 15, True, id="15 days"),
    pytest.param(
        "2026-03-01",
        [(E.EXTEND, "2026-03-10", 15)],
        "2026-03-20",
        "2026-03-31",
        11,
        True,
        id="extended to 30 days",
    ),
    pytest.param(
        "2026-03-01",
        [(E.EXTEND, "2026-03-10", 15), (E.EXTEND, "2026-03-25", 30)],
        "2026-04-29",
        "2026-04-30",
        1,
        True,
        id="extended to 60 days",
    ),
    pytest.param(
        "2026-03-01",
        [(E.PAUSE, "2026-03-05", 0), (E.RESUME, "2026-03-12", 0)],
        "2026-03-12",
        "2026-03-23",
        11,
        True,
        id="paused 7 days then resumed",
    ),
    pytest.param(
        "2026-03-01",
        [(E.PAUSE, "2026-03-05", 0)],
        "2026-03-30",
        "2026-03-16",
        11,
        False,
        id="still paused: days left frozen",
    ),
    pytest.param(
        "2026-03-01",
        [(E.PAUSE, "2026-03-05", 0), (E.RESUME, "2026-03-05", 0)],
        "2026-03-05",
        "2026-03-16",
        11,
        True,
        id="paused and resumed the same day",
    ),
    pytest.param(
        "2026-03-01",
        [(E.EXTEND, "2026-03-10", 15), (E.NEW_FACTS, "2026-03-20", 0)],
        "2026-03-20",
        "2026-04-04",
        15,
        True,
        id="new facts restart the clock",
    ),
    pytest.param(
        "2026-03-01",
        [(E.WITHDRAW, "2026-03-04", 0)],
        "2026-05-01",
        "2026-03-16",
        12,
        False,
        id="withdrawal stops the clock",
    ),
    pytest.param(
        "2026-03-01",
        [(E.DECIDE, "2026-03-18", 0)],
        "2026-05-01",
        "2026-03-16",
        -2,
        False,
        id="decided two days late",
    ),
    pytest.param(
        "2026-01-20", [], "2026-02-06", "2026-02-04", -2, True, id="overdue across a month"
    ),
    pytest.param("2028-02-20", [], "2028-02-20", "2028-03-06", 15, True, id="leap February"),
    pytest.param("2026-12-25", [], "2026-12-25", "2027-01-09", 15, True, id="across the new year"),
]


@pytest.mark.parametrize("received, ticks, now, due, left, running", CASES)
def test_the_clock_of_a_case(received, ticks, now, due, left, running):
    clock = deadline(
        at(received), SHANGHAI, [Tick(event, at(day, 15), days) for event, day, days in ticks]
    )

    assert clock.due == date.fromisoformat(due)
    assert clock.days_left(at(now, 12)) == left
    assert clock.running is running
    assert clock.overdue(at(now, 12)) is (left < 0 and clock.stopped is None)


def test_a_case_received_late_at_night_counts_the_branch_day_not_the_utc_one():
    # 23:30 in Shanghai is 15:30 UTC the same day; 00:30 in Shanghai is still yesterday in UTC.
    late = datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI)
    early = datetime(2026, 3, 2, 0, 30, tzinfo=SHANGHAI)

    assert deadline(late, SHANGHAI, []).due == date(2026, 3, 16)
    assert deadline(early, SHANGHAI, []).due == date(2026, 3, 17)
    assert deadline(early.astimezone(ZoneInfo("UTC")), SHANGHAI, []).due == date(2026, 3, 17)


def test_the_case_falls_overdue_at_the_end_of_its_due_day_in_branch_time():
    clock = deadline(at("2026-03-01"), SHANGHAI, [])
    end = clock.due_at(at("2026-03-01"))

    assert end == datetime(2026, 3, 17, 0, 0, tzinfo=SHANGHAI)
    assert not clock.overdue(end - timedelta(seconds=1))
    assert clock.overdue(end)


def test_shanghai_has_no_daylight_saving_so_every_day_is_24_hours():
    clock = deadline(at("2026-03-01", zone=SHANGHAI), SHANGHAI, [])
    # New York springs forward on 8 March 2026; Shanghai's due instant is still 16 days later.
    assert clock.due_at(at("2026-03-01")) - at("2026-03-01", 0) == timedelta(days=16)
    spring = deadline(at("2026-03-01", zone=NEW_YORK), NEW_YORK, [])
    assert spring.due == date(2026, 3, 16)
    assert spring.due_at(at("2026-03-01")) - at("2026-03-01", 0, NEW_YORK) == timedelta(
        days=16, hours=-1
    )


def test_a_paused_clock_pushes_the_due_day_on_while_it_stands():
    clock = deadline(at("2026-03-01"), SHANGHAI, [Tick(E.PAUSE, at("2026-03-05"))])

    assert clock.paused
    assert clock.due_on(at("2026-03-05")) == date(2026, 3, 16)
    assert clock.due_on(at("2026-03-25")) == date(2026, 4, 5)


@pytest.mark.parametrize(
    "ticks, days, approver, told, refused",
    [
        ([], 15, None, False, None),
        ([], 30, None, False, "The first extension is of 15 days."),
        ([(E.EXTEND, 15)], 30, "王行长", True, None),
        ([(E.EXTEND, 15)], 20, "王行长", True, None),
        ([(E.EXTEND, 15)], 31, "王行长", True, "A further extension is of 1 to 30 days"),
        ([(E.EXTEND, 15)], 30, "", True, "needs the name of who approved it"),
        ([(E.EXTEND, 15)], 30, "王行长", False, "Tell the customer"),
        ([(E.EXTEND, 15), (E.EXTEND, 10)], 5, "王行长", True, "extended twice already"),
        ([(E.WITHDRAW, 0)], 15, None, False, "has stopped"),
    ],
)
def test_extensions_go_to_30_then_60_days_at_most(ticks, days, approver, told, refused):
    clock = deadline(at("2026-03-01"), SHANGHAI, [Tick(e, at("2026-03-05"), d) for e, d in ticks])

    message = check_extension(clock, days, approver, told, at("2026-03-06"))

    if refused is None:
        assert message is None
    else:
        assert refused in message


def test_ts_20261101_001_21_days_overdue_cannot_be_extended_and_stays_overdue():
    # Received 1 November, due 16 November; on 7 December it is 21 days overdue.
    clock = deadline(at("2026-11-01"), SHANGHAI, [])
    today = at("2026-12-07")
    assert clock.days_left(today) == -21

    assert "past its due day" in check_extension(clock, 15, None, False, today)
    assert "past its due day" in check_extension_at(clock, today)
    assert clock.overdue(today)


def test_extended_15_then_30_days_before_falling_due_it_is_due_in_24_days():
    ticks = [Tick(E.EXTEND, at("2026-11-10"), 15)]
    first = deadline(at("2026-11-01"), SHANGHAI, [])
    assert check_extension(first, 15, None, False, at("2026-11-10")) is None
    extended = deadline(at("2026-11-01"), SHANGHAI, ticks)
    assert check_extension(extended, 30, "王行长", True, at("2026-11-28")) is None
    ticks.append(Tick(E.EXTEND, at("2026-11-28"), 30))

    clock = deadline(at("2026-11-01"), SHANGHAI, ticks)

    assert clock.due == date(2026, 12, 31)
    assert clock.days_left(at("2026-12-07")) == 24
    assert not clock.overdue(at("2026-12-07"))


@pytest.mark.parametrize(
    "asked, refused",
    [
        pytest.param("2026-03-16", False, id="on the due day"),
        pytest.param("2026-03-17", True, id="the day after"),
    ],
)
def test_an_extension_is_decided_by_the_end_of_the_due_day(asked, refused):
    clock = deadline(at("2026-03-01"), SHANGHAI, [])

    message = check_extension(clock, 15, None, False, at(asked, 23))

    assert (message is not None) == refused
