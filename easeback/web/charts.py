"""The geometry of a dated 0-10 chart drawn as SVG on the server (no script): values placed by
their time, a date axis and a 0-10 axis with ticks, and a band around the first value as wide
as the measure's minimal important change, so a reader sees at once whether a change matters.
The template `_chart.html` draws it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

W, H = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 20, 52
MIN_SPAN = timedelta(days=7)


def dated_chart(
    series: Sequence[tuple[datetime, float]],
    label: str,
    mic: float | None = None,
    until: datetime | None = None,
) -> dict[str, Any] | None:
    """A chart of (time, 0-10 value) in time order, over at least a week ending at the last
    value (or `until`); None when there is nothing to draw."""
    if not series:
        return None
    start = series[0][0]
    end = max(series[-1][0], until or series[-1][0])
    if end - start < MIN_SPAN:
        start = end - MIN_SPAN
    span = (end - start).total_seconds()

    def x(at: datetime) -> float:
        return round(LEFT + (at - start).total_seconds() * (W - LEFT - RIGHT) / span, 1)

    def y(v: float) -> float:
        return round(TOP + (10 - v) * (H - TOP - BOTTOM) / 10, 1)

    points = [(x(at), y(v), f"{v:g} on {at.day} {at:%b %Y}") for at, v in series]
    days = (end.date() - start.date()).days
    every = max(1, -(-days // 5))
    first_day = datetime.combine(start.date() + timedelta(days=1), datetime.min.time())
    marks = [first_day + timedelta(days=k) for k in range(0, days, every)]
    band = None
    if mic is not None:
        first = series[0][1]
        lo, hi = max(0.0, first - mic), min(10.0, first + mic)
        band = {"y": y(hi), "height": round(y(lo) - y(hi), 1), "first": first, "mic": mic}
    return {
        "width": W,
        "height": H,
        "left": LEFT,
        "right": W - RIGHT,
        "top": TOP,
        "bottom": H - BOTTOM,
        "label": label,
        "points": points,
        "polyline": " ".join(f"{px},{py}" for px, py, _ in points),
        "value_ticks": [(k, y(k)) for k in range(0, 11, 2)],
        "date_ticks": [(x(d), f"{d.day} {d:%b}") for d in marks if x(d) <= W - RIGHT],
        "band": band,
        "summary": f"{label}: {len(series)} values from {series[0][1]:g} on "
        f"{series[0][0].day} {series[0][0]:%b} to {series[-1][1]:g} on "
        f"{series[-1][0].day} {series[-1][0]:%b}",
    }
