"""Honest adherence: sessions done against sessions prescribed, week by week from the first
programme, each week capped at 100%, across programme edits (a week is prescribed what the
programmes in force over its days asked, day by day). A session where every technique was
skipped is not a session done. Pure: the programme history and the time are passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

WEEK = timedelta(days=7)
MAX_WEEKS = 52  # the strip shows at most this many weeks, the newest


def session_status(status: str, outcomes: Sequence[str]) -> str:
    """A session's status as a reader should see it: 'skipped' when every technique was
    skipped, else as stored (completed, stopped, in progress)."""
    if outcomes and all(o == "skipped" for o in outcomes):
        return "skipped"
    return status


def counts(status: str, outcomes: Sequence[str]) -> bool:
    """Whether a session counts as done: something was done (or begun and stopped)."""
    if session_status(status, outcomes) == "skipped":
        return False
    return not outcomes or any(o in ("done", "stopped") for o in outcomes)


@dataclass(frozen=True, slots=True)
class Week:
    start: datetime
    done: int  # sessions counted in the week (uncapped; `capped` for sums)
    prescribed: int  # 0 only for a week with no programme in force
    current: bool  # the week now runs; it is not over

    @property
    def capped(self) -> int:
        return min(self.done, self.prescribed)

    @property
    def percent(self) -> int:
        return 100 if self.prescribed == 0 else round(100 * self.capped / self.prescribed)


def weeks(
    programmes: Sequence[tuple[datetime, int]], sessions: Sequence[datetime], now: datetime
) -> list[Week]:
    """Weeks from the first programme's start to now (the last one running), each with the
    sessions done in it and what was prescribed: per_week of the programme in force, shared
    out by the days it was in force within the week (an edit mid-week counts each part)."""
    ordered = sorted(programmes)
    if not ordered or now < ordered[0][0]:
        return []
    start = ordered[0][0]
    n = (now - start) // WEEK + 1
    out = []
    for k in range(max(0, n - MAX_WEEKS), n):
        a, b = start + k * WEEK, start + (k + 1) * WEEK
        share = 0.0
        for i, (at, per_week) in enumerate(ordered):
            until = ordered[i + 1][0] if i + 1 < len(ordered) else b
            lo, hi = max(a, at), min(b, until)
            if hi > lo:
                share += per_week * ((hi - lo) / WEEK)
        prescribed = max(1, round(share)) if share > 0 else 0
        done = sum(1 for s in sessions if a <= s < b and s <= now)
        out.append(Week(a, done, prescribed, current=b > now))
    return out


def totals(found: Sequence[Week]) -> tuple[int, int]:
    """(done, prescribed) over the weeks, each week's done capped at what it prescribed."""
    return sum(w.capped for w in found), sum(w.prescribed for w in found)
