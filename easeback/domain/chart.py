"""The pain and stiffness chart's figures, binned so that a long journal stays readable.

A journal of up to three months is drawn day by day; a longer one week by week, and one of more
than three years month by month (or by several months beyond 13 years), so no line has more
than about 160 points however long the journal. Each bin keeps the mean of its pain and
stiffness ratings and the range of its pain ratings, the mean change in pain over its sessions
(after minus before, for the sessions rated both times) and its stops. Ratings are added one at
a time (a journal is streamed, never held whole) in local time.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

DAILY_UP_TO = 90  # days of journal drawn a day at a time
WEEKLY_UP_TO = 3 * 366  # days drawn a week at a time; longer journals a month at a time
MOST_BINS = 160  # beyond this many months, a bin is several months wide
MONTH = 30


def bin_days(first: date, last: date) -> int:
    """The width of a bin, in days, for a journal spanning first..last."""
    span = (last - first).days + 1
    if span <= DAILY_UP_TO:
        return 1
    if span <= WEEKLY_UP_TO:
        return 7
    return MONTH * math.ceil(span / (MONTH * MOST_BINS))


def bin_name(days: int) -> str:
    """What a bin is called in the chart's labels: "day", "week", "month", "3 months"."""
    names = {1: "day", 7: "week", MONTH: "month"}
    return names.get(days) or f"{days // MONTH} months"


class Bin:
    """One bin's sums; its figures are the means and ranges over what was added."""

    __slots__ = (
        "change_sum",
        "pain_hi",
        "pain_lo",
        "pain_sum",
        "ratings",
        "sessions",
        "start",
        "stiffness_ratings",
        "stiffness_sum",
        "stops",
    )  # fmt: skip

    def __init__(self, start: date) -> None:
        self.start = start
        self.ratings = 0
        self.pain_sum = 0
        self.stiffness_sum = 0
        self.stiffness_ratings = 0
        self.pain_lo = 10
        self.pain_hi = 0
        self.sessions = 0  # rated before and after
        self.change_sum = 0
        self.stops = 0

    @property
    def pain(self) -> float | None:
        return self.pain_sum / self.ratings if self.ratings else None

    @property
    def stiffness(self) -> float | None:
        return self.stiffness_sum / self.stiffness_ratings if self.stiffness_ratings else None

    @property
    def change(self) -> float | None:
        """Mean change in pain over this bin's sessions (negative: pain went down)."""
        return self.change_sum / self.sessions if self.sessions else None


class Chart:
    """Bins of `days` days from `first`; add ratings, sessions and stops in any order."""

    def __init__(self, first: date, last: date) -> None:
        if last < first:
            raise ValueError(f"the chart's last day {last} is before its first {first}")
        self.first = first
        self.last = last
        self.days = bin_days(first, last)
        self._bins: dict[int, Bin] = {}

    def _bin(self, at: datetime) -> Bin:
        k = (at.date() - self.first).days // self.days
        found = self._bins.get(k)
        if found is None:
            found = self._bins[k] = Bin(self.first + timedelta(days=k * self.days))
        return found

    def add_rating(self, at: datetime, pain: int, stiffness: int | None = None) -> None:
        """A pain rating, with the stiffness rated with it (a check-in) or without (a session's
        pain before or after)."""
        b = self._bin(at)
        b.ratings += 1
        b.pain_sum += pain
        if stiffness is not None:
            b.stiffness_ratings += 1
            b.stiffness_sum += stiffness
        b.pain_lo = min(b.pain_lo, pain)
        b.pain_hi = max(b.pain_hi, pain)

    def add_session(self, at: datetime, pain_before: int, pain_after: int) -> None:
        b = self._bin(at)
        b.sessions += 1
        b.change_sum += pain_after - pain_before

    def add_stop(self, at: datetime) -> None:
        self._bin(at).stops += 1

    def bins(self) -> list[Bin]:
        """The bins with anything in them, in time order."""
        return [self._bins[k] for k in sorted(self._bins)]

    def middle(self, b: Bin) -> datetime:
        """Where a bin is drawn: noon of its single day, or the middle of its days."""
        return datetime.combine(b.start, datetime.min.time()) + timedelta(hours=12 * self.days)
