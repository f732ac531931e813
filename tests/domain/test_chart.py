"""The plot's bins: a day, a week or a month wide by the journal's span, with each bin's means,
pain range, sessions' mean change and stops."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from easeback.domain.chart import (
    DAILY_UP_TO,
    MOST_BINS,
    WEEKLY_UP_TO,
    Chart,
    bin_days,
    bin_name,
)

D0 = date(2025, 1, 1)


@pytest.mark.parametrize(
    ("span", "width"),
    [(1, 1), (DAILY_UP_TO, 1), (DAILY_UP_TO + 1, 7), (WEEKLY_UP_TO, 7), (WEEKLY_UP_TO + 1, 30)],
)
def test_a_bin_is_a_day_a_week_or_a_month_wide_by_the_span(span, width):
    assert bin_days(D0, D0 + timedelta(days=span - 1)) == width


@pytest.mark.parametrize(
    ("years", "name", "bins"),
    [(1, "week", 53), (3, "week", 157), (10, "month", 122), (40, "4 months", 122)],
)
def test_no_line_has_more_than_about_160_points_however_long_the_journal(years, name, bins):
    last = D0 + timedelta(days=365 * years)
    chart = Chart(D0, last)
    for d in range((last - D0).days + 1):
        chart.add_rating(datetime(2025, 1, 1, 9) + timedelta(days=d), 5, 5)
    assert len(chart.bins()) == bins <= MOST_BINS
    assert bin_name(chart.days) == name
    assert sum(b.ratings for b in chart.bins()) == (last - D0).days + 1


def test_each_bin_keeps_means_the_pain_range_the_sessions_change_and_stops():
    chart = Chart(D0, D0 + timedelta(days=200))  # a week a bin
    monday = datetime(2025, 1, 1, 8)
    chart.add_rating(monday, 6, 4)
    chart.add_rating(monday + timedelta(days=6, hours=15), 2, 1)  # the same week's last evening
    chart.add_rating(monday + timedelta(days=7), 9, 9)  # the next week
    chart.add_session(monday + timedelta(hours=1), 6, 3)
    chart.add_session(monday + timedelta(days=2), 5, 6)
    chart.add_stop(monday + timedelta(days=8))
    first, second = chart.bins()
    assert (first.start, first.ratings, first.pain, first.stiffness) == (D0, 2, 4.0, 2.5)
    assert (first.pain_lo, first.pain_hi, first.sessions, first.change) == (2, 6, 2, -1.0)
    assert first.stops == 0
    assert (second.start, second.pain, second.sessions, second.change, second.stops) == (
        D0 + timedelta(days=7),
        9.0,
        0,
        None,
        1,
    )
    assert chart.middle(first) == datetime(2025, 1, 4, 12)  # the middle of the week's 7 days


def test_bins_come_in_time_order_whatever_the_order_added():
    chart = Chart(D0, D0 + timedelta(days=30))
    for d in (20, 3, 11):
        chart.add_rating(datetime(2025, 1, 1, 9) + timedelta(days=d), d % 11, 0)
    assert [b.start.day for b in chart.bins()] == [4, 12, 21]
    assert chart.middle(chart.bins()[0]) == datetime(2025, 1, 4, 12)


def test_a_chart_whose_last_day_is_before_its_first_is_refused():
    with pytest.raises(ValueError, match="before its first"):
        Chart(D0, D0 - timedelta(days=1))


def test_a_session_rating_counts_for_pain_alone():
    chart = Chart(D0, D0)
    chart.add_rating(datetime(2025, 1, 1, 9), 8)  # a session's pain before: no stiffness
    chart.add_rating(datetime(2025, 1, 1, 18), 4, 6)
    (b,) = chart.bins()
    assert (b.pain, b.stiffness, b.ratings) == (6.0, 6.0, 2)
