"""Storage keeps times as naive UTC; these convert at its edge, in one place."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo


def to_utc(at: datetime) -> datetime:
    """An aware time as the naive UTC the tables hold; a naive time is refused."""
    if at.tzinfo is None:
        raise ValueError("times given to storage must carry a time zone")
    return at.astimezone(UTC).replace(tzinfo=None)


def local(at: datetime, tz: tzinfo | None) -> datetime:
    """A stored (naive UTC) time as naive local time in `tz` (the machine's zone if None)."""
    return at.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)
