"""Desk-break reminders: when, in a working day, a break is due after N minutes of sitting.

Pure: the day and the times are passed in; nothing here reads the clock. Times are local clock
times, the same every chosen weekday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WORKDAYS = frozenset(range(5))  # Monday to Friday, as date.weekday() numbers them
MIN_EVERY, MAX_EVERY = 5, 240
MIN_BREAK, MAX_BREAK = 1, 30
DEFAULT_START, DEFAULT_END = time(9), time(17)


def parse_clock(value: str, name: str = "time") -> time:
    """`HH:MM` on a 24-hour clock, or ValueError naming the option."""
    hours, sep, minutes = value.strip().partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f"{name} must be a time like 09:00, got {value!r}")
    h, m = int(hours), int(minutes)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValueError(f"{name} must be a time like 09:00, got {value!r}")
    return time(h, m)


def parse_days(value: str) -> frozenset[int]:
    """`mon,tue,...` as weekday numbers (Monday is 0); ValueError for an unknown day or none."""
    out: set[int] = set()
    for part in (p.strip().lower() for p in value.split(",") if p.strip()):
        if part not in WEEKDAYS and part not in FULL_NAMES:
            raise ValueError(f"unknown day {part!r}; use mon, tue, wed, thu, fri, sat or sun")
        out.add(WEEKDAYS.index(part[:3]))
    if not out:
        raise ValueError("days needs at least one day, e.g. mon,tue,wed,thu,fri")
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class ReminderSchedule:
    """A break after every `every` minutes of sitting between start and end, on `days`
    (weekday numbers), each break `minutes` long."""

    every: int
    start: time = DEFAULT_START
    end: time = DEFAULT_END
    days: frozenset[int] = WORKDAYS
    minutes: int = 3

    def __post_init__(self) -> None:
        if isinstance(self.every, bool) or not MIN_EVERY <= self.every <= MAX_EVERY:
            raise ValueError(
                f"every must be a whole number of minutes from {MIN_EVERY} to {MAX_EVERY}, "
                f"got {self.every!r}"
            )
        if isinstance(self.minutes, bool) or not MIN_BREAK <= self.minutes <= MAX_BREAK:
            raise ValueError(
                f"minutes must be from {MIN_BREAK} to {MAX_BREAK}, got {self.minutes!r}"
            )
        if self.minutes >= self.every:
            raise ValueError(
                f"a {self.minutes}-minute break every {self.every} minutes leaves no sitting "
                "between breaks; choose a longer interval or a shorter break"
            )
        if self.end <= self.start:
            raise ValueError(
                f"end {self.end:%H:%M} must be later than start {self.start:%H:%M} on the same day"
            )
        if not self.days or not set(self.days) <= set(range(7)):
            raise ValueError("days must name at least one weekday")

    def times(self) -> tuple[time, ...]:
        """The clock times of a day's breaks: after each full `every` minutes of sitting from
        start, strictly before end (at the end of the day the person leaves the desk anyway)."""
        day = date(2000, 1, 3)  # any date: only clock arithmetic within one day happens here
        begin, stop = datetime.combine(day, self.start), datetime.combine(day, self.end)
        step = timedelta(minutes=self.every)
        out: list[time] = []
        at = begin + step
        while at < stop:
            out.append(at.time())
            at += step
        return tuple(out)

    def on(self, day: date) -> tuple[datetime, ...]:
        """The breaks due on one date: none on a day not chosen."""
        if day.weekday() not in self.days:
            return ()
        return tuple(datetime.combine(day, t) for t in self.times())

    def first_day(self, from_day: date) -> date:
        """The first chosen weekday on or after from_day."""
        return next(
            d for d in (from_day + timedelta(days=k) for k in range(7)) if d.weekday() in self.days
        )

    def day_names(self) -> tuple[str, ...]:
        return tuple(WEEKDAYS[d] for d in sorted(self.days))
