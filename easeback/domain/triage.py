"""Who a clinician should look at first, and why: each person's reasons in words, each naming the
record that caused it, and the people ordered by the most pressing reason. Pure: what was
recorded and the time are passed in (naive UTC throughout).

The reasons, most pressing first:
  emergency / urgent   the newest safety check (finished or stopped early) reached it;
  nerve_stop           a session stopped for numbness or pain spreading down a leg since then;
  pain_rising          pain up 2 points or 30% over the last two weeks (day by day);
  sharp_stop           a technique of the programme left out after a sharp-pain stop;
  peg_worse            the PEG score up 2 points from the first;
  screening_expired    a programme, but no safety check in the last 7 days (the person sees
                       their programme on hold);
  no_session           a programme for 7 days or more, and no session done in the last 7.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

WINDOW = timedelta(days=14)  # pain rising: over the last two weeks
PAIN_RISE = 2  # points
PAIN_RISE_SHARE = 0.3  # or 30% of where it was
PEG_RISE = 2.0
QUIET = timedelta(days=7)  # no session for this long, against a programme
SCREENING_VALID = timedelta(days=7)


class Need(StrEnum):
    EMERGENCY = "emergency"
    URGENT = "urgent"
    NERVE_STOP = "nerve_stop"
    PAIN_RISING = "pain_rising"
    SHARP_STOP = "sharp_stop"
    PEG_WORSE = "peg_worse"
    SCREENING_EXPIRED = "screening_expired"
    NO_SESSION = "no_session"


ORDER = tuple(Need)  # most pressing first
LABELS = {
    Need.EMERGENCY: "Emergency screening",
    Need.URGENT: "Urgent screening",
    Need.NERVE_STOP: "Numbness or spreading-pain stop",
    Need.PAIN_RISING: "Pain rising",
    Need.SHARP_STOP: "Sharp-pain stop",
    Need.PEG_WORSE: "PEG worse",
    Need.SCREENING_EXPIRED: "Safety check out of date",
    Need.NO_SESSION: "No session for 7 days",
}
FILTERS = {  # the list's filters: several reasons may share one
    "screening": (Need.EMERGENCY, Need.URGENT),
    "nerve": (Need.NERVE_STOP,),
    "pain": (Need.PAIN_RISING,),
    "sharp": (Need.SHARP_STOP,),
    "quiet": (Need.NO_SESSION,),
    "expired": (Need.SCREENING_EXPIRED,),
    "peg": (Need.PEG_WORSE,),
}
NERVE = {"radiating_pain": "radiating pain", "numbness": "numbness"}


@dataclass(frozen=True, slots=True)
class Screening:
    id: int
    at: datetime
    complete: bool
    reached: frozenset[str]  # every disposition its reasons reached


@dataclass(frozen=True, slots=True)
class Stop:
    id: int
    at: datetime
    reason: str  # a StopReason value
    technique_id: str | None


@dataclass(frozen=True, slots=True)
class Programme:
    at: datetime
    per_week: int
    technique_ids: tuple[str, ...]


@dataclass(frozen=True)
class Record:
    """What triage reads of one person, each part in time order."""

    screenings: Sequence[Screening] = ()
    stops: Sequence[Stop] = ()
    pain: Sequence[tuple[datetime, int]] = ()  # check-ins and session ratings
    peg: Sequence[tuple[datetime, float]] = ()  # PEG scores
    sessions_done: Sequence[datetime] = ()  # sessions that count (not all skipped)
    programmes: Sequence[Programme] = ()
    restores: Sequence[tuple[str, datetime]] = ()
    names: dict[str, str] = field(default_factory=dict)  # technique id -> name, for words


@dataclass(frozen=True, slots=True)
class Reason:
    need: Need
    text: str
    at: datetime | None  # when the cause happened
    anchor: str  # where on the person's page the cause is: "stop-3", "chart-pain", ...

    @property
    def rank(self) -> int:
        return ORDER.index(self.need)


def _name(r: Record, tid: str | None) -> str:
    return r.names.get(tid or "", tid or "a technique")


def _screening(r: Record) -> list[Reason]:
    if not r.screenings:
        return []
    last = r.screenings[-1]
    for need in (Need.EMERGENCY, Need.URGENT):
        if need.value in last.reached:
            text = f"screening: {need.value}"
            if not last.complete:
                text += " (stopped early at an emergency answer)"
            return [Reason(need, text, last.at, f"screening-{last.id}")]
    return []


def _nerve(r: Record) -> list[Reason]:
    since = r.screenings[-1].at if r.screenings else None
    return [
        Reason(
            Need.NERVE_STOP,
            f"stopped for {NERVE[s.reason]}"
            + (f" at {_name(r, s.technique_id)}" if s.technique_id else ""),
            s.at,
            f"stop-{s.id}",
        )
        for s in r.stops
        if s.reason in NERVE and (since is None or s.at >= since)
    ]


def _daily(readings: Sequence[tuple[datetime, int]]) -> list[tuple[datetime, int]]:
    """The last reading of each day (a session's before and after are one day's, not a trend)."""
    last: dict[object, tuple[datetime, int]] = {}
    for at, v in sorted(readings, key=lambda p: p[0]):
        last[at.date()] = (at, v)
    return list(last.values())


def _pain(r: Record, now: datetime) -> list[Reason]:
    """From the last day's reading before the two weeks (or the first day within them) to the
    newest day's; each day counts by its last reading."""
    start = now - WINDOW
    daily = [p for p in _daily(r.pain) if p[0] <= now]
    before = [p for p in daily if p[0] < start]
    within = [p for p in daily if p[0] >= start]
    if not within:
        return []
    first = before[-1] if before else within[0]
    last = within[-1]
    rise = last[1] - first[1]
    if rise <= 0 or last is first:
        return []
    if rise >= PAIN_RISE or rise >= PAIN_RISE_SHARE * first[1]:
        text = f"pain rose {first[1]} → {last[1]} since {first[0].day} {first[0]:%b}"
        return [Reason(Need.PAIN_RISING, text, last[0], "chart-pain")]
    return []


def _left_out(r: Record) -> dict[str, Stop]:
    stopped: dict[str, Stop] = {}
    for s in r.stops:
        if s.reason == "sharp_pain" and s.technique_id:
            stopped[s.technique_id] = s
    for tid, at in r.restores:
        if tid in stopped and at >= stopped[tid].at:
            del stopped[tid]
    return stopped


def _sharp(r: Record) -> list[Reason]:
    if not r.programmes:
        return []
    ids = r.programmes[-1].technique_ids
    left = _left_out(r)
    out = [left[t] for t in ids if t in left]
    if not out:
        return []
    emptied = len(out) == len(ids)
    reasons = []
    for s in sorted(out, key=lambda s: s.at):
        text = f"{_name(r, s.technique_id)} left out after a sharp-pain stop"
        if emptied:
            text += " (nothing of the programme is left)"
        reasons.append(Reason(Need.SHARP_STOP, text, s.at, f"stop-{s.id}"))
    return reasons


def _peg(r: Record) -> list[Reason]:
    if len(r.peg) < 2:
        return []
    (_a, first), (at, last) = r.peg[0], r.peg[-1]
    if last - first >= PEG_RISE:
        return [Reason(Need.PEG_WORSE, f"PEG {first:.1f} → {last:.1f}", at, "chart-peg")]
    return []


def _expired(r: Record, now: datetime) -> list[Reason]:
    if not r.programmes:
        return []
    done = [s for s in r.screenings if s.complete]
    if not done:
        return [
            Reason(
                Need.SCREENING_EXPIRED,
                "no safety check yet: the programme is on hold",
                None,
                "timeline",
            )
        ]
    last = done[-1]
    if now - last.at < SCREENING_VALID:
        return []
    days = (now - last.at).days
    text = f"last safety check {days} days ago: the programme is on hold"
    return [Reason(Need.SCREENING_EXPIRED, text, last.at, f"screening-{last.id}")]


def _quiet(r: Record, now: datetime) -> list[Reason]:
    if not r.programmes or now - r.programmes[0].at < QUIET:
        return []
    last = max((s for s in r.sessions_done if s <= now), default=None)
    if last is not None and now - last < QUIET:
        return []
    if last is None:
        days = (now - r.programmes[0].at).days
        return [
            Reason(
                Need.NO_SESSION,
                f"no session done in {days} days of the programme",
                None,
                "adherence",
            )
        ]
    text = f"no session done for {(now - last).days} days"
    return [Reason(Need.NO_SESSION, text, last, "adherence")]


def reasons(r: Record, now: datetime) -> list[Reason]:
    """Every reason to look at this person now, most pressing first."""
    found = (
        _screening(r)
        + _nerve(r)
        + _pain(r, now)
        + _sharp(r)
        + _peg(r)
        + _expired(r, now)
        + _quiet(r, now)
    )
    return sorted(found, key=lambda x: x.rank)


def priority(found: Sequence[Reason]) -> tuple[int, int]:
    """The sort key of a person: the most pressing reason, then how many (more first)."""
    if not found:
        return (len(ORDER), 0)
    return (min(x.rank for x in found), -len(found))


def order(people: Iterable[tuple[str, Sequence[Reason]]]) -> list[int]:
    """Positions of (name, reasons) pairs, most in need first, then by name."""
    indexed = list(enumerate(people))
    indexed.sort(key=lambda p: (priority(p[1][1]), p[1][0]))
    return [i for i, _ in indexed]


def matches(found: Sequence[Reason], wanted: str | None) -> bool:
    """Whether a person passes the list's filter (None or '' lets everyone through)."""
    if not wanted:
        return True
    if wanted == "any":
        return bool(found)
    needs = FILTERS.get(wanted, ())
    return any(x.need in needs for x in found)
