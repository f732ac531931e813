"""Desk-break reminder times: the window's edges, intervals that do not divide it, the days."""

from __future__ import annotations

from datetime import date, time

import pytest

from easeback.domain.reminders import ReminderSchedule, parse_clock, parse_days

MONDAY = date(2026, 11, 23)


def test_default_window_hourly_stops_before_the_end():
    times = ReminderSchedule(every=60).times()
    assert times[0] == time(10) and times[-1] == time(16)  # 17:00 is the end of sitting
    assert len(times) == 7


def test_a_break_exactly_at_the_end_is_left_out_but_one_just_before_is_kept():
    s = ReminderSchedule(every=30, start=time(9), end=time(10))
    assert s.times() == (time(9, 30),)
    s = ReminderSchedule(every=30, start=time(9), end=time(10, 1))
    assert s.times() == (time(9, 30), time(10))


def test_an_interval_that_does_not_divide_the_window():
    s = ReminderSchedule(every=45, start=time(9), end=time(12))
    assert s.times() == (time(9, 45), time(10, 30), time(11, 15))
    s = ReminderSchedule(every=50, start=time(9), end=time(17))
    assert s.times()[-1] == time(16, 30) and len(s.times()) == 9


def test_a_window_shorter_than_the_interval_has_no_breaks():
    assert ReminderSchedule(every=120, start=time(9), end=time(10)).times() == ()


def test_days_filter():
    s = ReminderSchedule(every=60, days=parse_days("mon,wed"))
    assert len(s.on(MONDAY)) == 7
    assert s.on(date(2026, 11, 24)) == ()  # Tuesday
    assert s.on(MONDAY)[0].isoformat() == "2026-11-23T10:00:00"
    assert s.first_day(date(2026, 11, 24)) == date(2026, 11, 25)
    assert ReminderSchedule(every=60).on(date(2026, 11, 28)) == ()  # weekdays only by default
    assert ReminderSchedule(every=60).first_day(date(2026, 11, 28)) == date(2026, 11, 30)


def test_parse_days_and_clock():
    assert parse_days("Mon, friday") == frozenset({0, 4})
    assert parse_clock("08:05") == time(8, 5)
    for bad in ("", "fry", ","):
        with pytest.raises(ValueError):
            parse_days(bad)
    for bad in ("9", "24:00", "09:60", "9:5", "nine"):
        with pytest.raises(ValueError, match="like 09:00"):
            parse_clock(bad)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"every": 4}, "5 to 240"),
        ({"every": 241}, "5 to 240"),
        ({"every": 30, "minutes": 0}, "1 to 30"),
        ({"every": 5, "minutes": 5}, "no sitting"),
        ({"every": 30, "start": time(17), "end": time(9)}, "later than start"),
        ({"every": 30, "start": time(9), "end": time(9)}, "later than start"),
        ({"every": 30, "days": frozenset()}, "at least one"),
    ],
)
def test_bad_schedules_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ReminderSchedule(**kwargs)
