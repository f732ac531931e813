"""The rules over time: rest days, when to see someone, re-screening, techniques left out after
sharp pain, and how holds lengthen. Pure: a person's history and the time are passed in.

Times are naive local datetimes; "a day" is a calendar day in that local time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum

from easeback.domain.models import Disposition, StopReason, Technique
from easeback.domain.values import Frozen, record

SCREENING_VALID = timedelta(days=7)
PROFESSIONAL_AFTER = timedelta(days=7)
DIAGNOSIS_AFTER = timedelta(days=84)
# Any rise in pain across one session calls for a rest day (safety.md v3, after the article's
# "if the pain seems to get worse, or you are feeling very sore, take a day off").
REST_RISE = 1
BASELINE_MARGIN = 2  # a good session ends below the episode's starting pain plus this
BEGINNER_SESSIONS = 8  # sessions before the beginner frequency note stops applying
RESCREEN_STOPS = frozenset({StopReason.RADIATING_PAIN, StopReason.NUMBNESS})
OUTCOMES = ("done", "skipped", "stopped", "not_reached")
SORENESS = ("low", "medium", "high")


def check_score(name: str, value: int) -> int:
    """A 0-10 rating, or ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ValueError(f"{name} must be a whole number from 0 to 10, got {value!r}")
    return value


@record
class CheckIn(Frozen):
    at: datetime
    pain: int
    stiffness: int
    peg: tuple[int, int, int] | None = None  # pain, enjoyment of life, general activity
    activities: tuple[tuple[str, int], ...] = ()  # up to three, rated 0-10 for how hard

    def __post_init__(self) -> None:
        check_score("pain", self.pain)
        check_score("stiffness", self.stiffness)
        peg_names = ("PEG pain", "PEG enjoyment", "PEG activity")
        for name, v in zip(peg_names, self.peg or (), strict=False):
            check_score(name, v)
        if len(self.activities) > 3:
            raise ValueError(f"at most three personal activities, got {len(self.activities)}")
        for name, v in self.activities:
            if not name.strip():
                raise ValueError("a personal activity needs a name")
            check_score(f"activity {name!r}", v)

    @property
    def peg_score(self) -> float | None:
        return None if self.peg is None else sum(self.peg) / 3


@record
class TechniqueResult(Frozen):
    technique_id: str
    outcome: str  # one of OUTCOMES

    @property
    def included(self) -> bool:
        """Whether the person did (some of) it, so its effect on pain can be counted."""
        return self.outcome in ("done", "stopped")


@record
class StopEvent(Frozen):
    at: datetime
    reason: StopReason
    technique_id: str | None = None


@record
class SessionRecord(Frozen):
    at: datetime
    status: str  # in_progress | completed | stopped | interrupted (ended without a word)
    pain_before: int | None = None
    pain_after: int | None = None
    soreness: str | None = None
    results: tuple[TechniqueResult, ...] = ()
    stops: tuple[StopEvent, ...] = ()
    planned: int | None = None  # techniques in its routine, when known (a session cut short)

    @property
    def techniques(self) -> int:
        """How many techniques the session was to have: its results say only those reached."""
        return max(self.planned or 0, len(self.results))

    @property
    def change(self) -> int | None:
        if self.pain_before is None or self.pain_after is None:
            return None
        return self.pain_after - self.pain_before

    @property
    def calls_for_rest(self) -> bool:
        change = self.change
        return (change is not None and change >= REST_RISE) or self.soreness == "high"


@record
class ScreeningRecord(Frozen):
    at: datetime
    disposition: Disposition | None
    pain_days: int | None = None  # how long the pain had lasted when screened


@record
class _Parts(Frozen):
    screenings: tuple[ScreeningRecord, ...] = ()
    check_ins: tuple[CheckIn, ...] = ()
    sessions: tuple[SessionRecord, ...] = ()
    restores: tuple[tuple[str, datetime], ...] = ()  # (technique id, when put back)


class History(_Parts):
    """One person's journal, each part in time order."""

    __slots__ = ("_readings",)  # worked out once, on first use

    @property
    def readings(self) -> tuple[tuple[datetime, int], ...]:
        found: tuple[tuple[datetime, int], ...] | None = getattr(self, "_readings", None)
        if found is None:
            found = tuple(self.pain_readings())
            object.__setattr__(self, "_readings", found)
        return found

    def pain_readings(self) -> list[tuple[datetime, int]]:
        """Every pain rating with its time: check-ins, and before and after each session."""
        out = [(c.at, c.pain) for c in self.check_ins]
        for s in self.sessions:
            if s.pain_before is not None:
                out.append((s.at, s.pain_before))
            if s.pain_after is not None:
                # after the before-rating of the same session, whatever the clock says
                out.append((s.at + timedelta(microseconds=1), s.pain_after))
        out.sort(key=lambda p: p[0])
        return out

    def stops(self) -> list[StopEvent]:
        return [e for s in self.sessions for e in s.stops]


class AdviceCode(StrEnum):
    REST_DAY = "rest_day"
    SEE_PROFESSIONAL = "see_professional"
    FORMAL_DIAGNOSIS = "formal_diagnosis"
    RESCREEN = "rescreen"


# The learn page that explains each piece of advice.
ADVICE_TOPICS = {
    AdviceCode.REST_DAY: "stretching-well",
    AdviceCode.SEE_PROFESSIONAL: "who-to-see",
    AdviceCode.FORMAL_DIAGNOSIS: "who-to-see",
    AdviceCode.RESCREEN: "red-flags",
}


@record
class Advice(Frozen):
    code: AdviceCode
    text: str

    @property
    def learn(self) -> str:
        return ADVICE_TOPICS[self.code]


@record
class JournalFacts(Frozen):
    """The few figures of a journal that the advice rests on. `facts` takes them from a
    history; storage can take the same figures straight from the database with a few queries."""

    baseline_pain: int | None = None
    latest_pain: int | None = None
    first_session: datetime | None = None
    last_rest_session: datetime | None = None  # newest session that calls for a rest day
    episode_start: datetime | None = None
    last_screening: datetime | None = None
    rescreen_stop: StopReason | None = None  # first nerve-sign stop since the last screening


def facts(history: History) -> JournalFacts:
    last = history.screenings[-1].at if history.screenings else None
    rescreen = None
    if last is not None:
        rescreen = next(
            (s.reason for s in history.stops() if s.reason in RESCREEN_STOPS and s.at >= last),
            None,
        )
    rest = [s.at for s in history.sessions if s.calls_for_rest]
    return JournalFacts(
        baseline_pain=baseline_pain(history),
        latest_pain=latest_pain(history),
        first_session=history.sessions[0].at if history.sessions else None,
        last_rest_session=max(rest, default=None),
        episode_start=episode_start(history),
        last_screening=last,
        rescreen_stop=rescreen,
    )


def rest_day(history: History, today: date) -> date | None:
    """The rest day still ahead or today: the day after a session in which pain rose at all, or
    that left the person very sore. None when no such day is today or later."""
    return _rest_day(facts(history).last_rest_session, today)


def rest_day_from(f: JournalFacts, today: date) -> date | None:
    """rest_day from the journal's facts."""
    return _rest_day(f.last_rest_session, today)


def _rest_day(last_rest: datetime | None, today: date) -> date | None:
    due = None if last_rest is None else last_rest.date() + timedelta(days=1)
    return due if due is not None and due >= today else None


def baseline_pain(history: History) -> int | None:
    readings = history.readings
    return readings[0][1] if readings else None


def latest_pain(history: History) -> int | None:
    readings = history.readings
    return readings[-1][1] if readings else None


def needs_professional(history: History, now: datetime) -> bool:
    """Pain still at or above its starting level after 7 days of logged sessions."""
    return _needs_professional(facts(history), now)


def _needs_professional(f: JournalFacts, now: datetime) -> bool:
    if f.first_session is None or now - f.first_session < PROFESSIONAL_AFTER:
        return False
    base, last = f.baseline_pain, f.latest_pain
    return base is not None and last is not None and last >= base


def episode_start(history: History) -> datetime | None:
    """When this episode of pain began: as told at screening, else the first record."""
    starts = [s.at - timedelta(days=s.pain_days) for s in history.screenings if s.pain_days]
    firsts = [seq[0].at for seq in (history.screenings, history.check_ins, history.sessions) if seq]
    return min(starts + firsts, default=None)


def needs_diagnosis(history: History, now: datetime) -> bool:
    start = episode_start(history)
    return start is not None and now - start >= DIAGNOSIS_AFTER


def rescreen_reason(history: History, now: datetime) -> str | None:
    """Why the safety questions must be asked again before another session, or None."""
    return rescreen_reason_from(facts(history), now)


def rescreen_reason_from(f: JournalFacts, now: datetime) -> str | None:
    """rescreen_reason from the journal's facts."""
    if f.last_screening is None:
        return "There is no screening in your journal yet."
    if f.rescreen_stop is not None:
        what = (
            "pain spreading down a leg"
            if f.rescreen_stop is StopReason.RADIATING_PAIN
            else ("numbness or tingling")
        )
        return f"A session was stopped for {what} after your last screening."
    if now - f.last_screening >= SCREENING_VALID:
        days = (now - f.last_screening).days
        return f"Your last screening was {days} days ago; it is valid for 7 days."
    return None


def left_out(history: History) -> frozenset[str]:
    """Techniques stopped for sharp pain and not put back since."""
    stopped: dict[str, datetime] = {}
    for stop in history.stops():
        if stop.reason is StopReason.SHARP_PAIN and stop.technique_id:
            stopped[stop.technique_id] = max(stop.at, stopped.get(stop.technique_id, stop.at))
    restored: dict[str, datetime] = {}
    for tid, at in history.restores:
        restored[tid] = max(at, restored.get(tid, at))
    return frozenset(t for t, at in stopped.items() if t not in restored or restored[t] < at)


def advice(history: History, now: datetime) -> tuple[Advice, ...]:
    return advice_from(facts(history), now)


def advice_from(f: JournalFacts, now: datetime) -> tuple[Advice, ...]:
    out: list[Advice] = []
    due = _rest_day(f.last_rest_session, now.date())
    if due is not None:
        when = "Today" if due == now.date() else "Tomorrow"
        out.append(
            Advice(
                AdviceCode.REST_DAY,
                f"{when} is a rest day: your pain got worse during a session, or you were very "
                "sore afterwards. Take a day off the routine; gentle walking is fine.",
            )
        )
    if _needs_professional(f, now):
        out.append(
            Advice(
                AdviceCode.SEE_PROFESSIONAL,
                "After a week of sessions your pain is not below where it started. Please see a "
                "physical therapist or your doctor: self-care alone is not enough here.",
            )
        )
    if f.episode_start is not None and now - f.episode_start >= DIAGNOSIS_AFTER:
        out.append(
            Advice(
                AdviceCode.FORMAL_DIAGNOSIS,
                "Your back pain has lasted 12 weeks or more. Ask your doctor for a formal "
                "assessment and diagnosis.",
            )
        )
    reason = rescreen_reason_from(f, now)
    if reason is not None:
        out.append(
            Advice(
                AdviceCode.RESCREEN,
                f"{reason} Answer the safety questions again before the next session.",
            )
        )
    return tuple(out)


def good_session(s: SessionRecord, baseline: int | None) -> bool:
    """A session that lets holds grow: finished, no stops, pain within 2 points of baseline."""
    if s.status != "completed" or s.stops or s.change is None or s.change >= REST_RISE:
        return False
    return baseline is None or s.pain_after is None or s.pain_after < baseline + BASELINE_MARGIN


def hold_ceiling(t: Technique) -> int | None:
    """The longest hold progression may reach: the range's top, or the technique's own
    progression limit (up to 3 minutes) where it allows one."""
    return t.dosage.hold_ceiling


def done_techniques(history: History) -> frozenset[str]:
    """Techniques done in some logged session: the planner offers a harder version only after
    its easier one is here, and a person with none is a first-timer (bottom of every range)."""
    return frozenset(
        r.technique_id for s in history.sessions for r in s.results if r.outcome == "done"
    )


def hold_targets(history: History, techniques: Iterable[Technique]) -> dict[str, int]:
    """Per technique with a hold: its low end plus one step per good session that included it."""
    base = baseline_pain(history)
    level: dict[str, int] = {}
    for s in history.sessions:
        if good_session(s, base):
            for r in s.results:
                if r.outcome == "done":
                    level[r.technique_id] = level.get(r.technique_id, 0) + 1
    return hold_targets_from(level, techniques)


def hold_targets_from(level: Mapping[str, int], techniques: Iterable[Technique]) -> dict[str, int]:
    """Hold targets from the number of times each technique was done in a good session."""
    from easeback.domain.planning import HOLD_STEP  # the planner: not for reading a journal

    out: dict[str, int] = {}
    for t in techniques:
        ceiling = hold_ceiling(t)
        if ceiling is None or t.dosage.hold_seconds is None:
            continue
        out[t.id] = min(ceiling, t.dosage.hold_seconds.min + HOLD_STEP * level.get(t.id, 0))
    return out


def sessions_with(history: History) -> Mapping[str, int]:
    counts: dict[str, int] = {}
    for s in history.sessions:
        for r in s.results:
            if r.included:
                counts[r.technique_id] = counts.get(r.technique_id, 0) + 1
    return counts


def frequency(t: Technique, sessions_done: int) -> str:
    """How often, as the articles say; beginners get the gentler start where one is given."""
    note = t.dosage.frequency_note
    if note and sessions_done < BEGINNER_SESSIONS:
        return note
    return t.dosage.times_per_day.capitalize() + "."
