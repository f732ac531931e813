"""The journal's use cases: check-ins, sessions as they happen or logged afterwards, screenings,
restoring a left-out technique, the progress report and the planner's inputs from history.

Doors call these; storage problems and bad input come back as `InputError` with one clear line.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from easeback.domain import progression, trends
from easeback.domain.models import Disposition, StopReason
from easeback.domain.progression import CheckIn
from easeback.domain.values import Frozen, record
from easeback.usecases.errors import InputError

# typing, dataclasses, the planner's and the screening's public shapes (the catalogue's loader)
# cost the everyday commands start-up time: they are imported where they are used
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence
    from datetime import tzinfo
    from typing import Any

    from sqlalchemy import Engine

    from easeback.content.loader import Catalogue
    from easeback.domain.chart import Chart
    from easeback.domain.models import Technique
    from easeback.domain.planning import Routine
    from easeback.domain.progression import Advice, History
    from easeback.domain.screening import ScreeningResult, ScreeningTable
    from easeback.settings import Settings
    from easeback.storage.entries import Entry
    from easeback.storage.lite import Journal


Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def database_url(settings: Settings) -> str:
    from easeback.storage import default_url

    return settings.database_url or default_url(settings.resolved_data_dir())


def open_journal(settings: Settings) -> Engine:
    """The journal database, created on first use; InputError if it is corrupt or unreachable."""
    try:
        from easeback.storage import StorageError, open_engine
    except ImportError as exc:
        raise InputError(
            f"the journal needs the journal extra ({exc.name} is missing): "
            "pip install 'easeback[journal]'"
        ) from None
    try:
        # a database the person named must be where they said; the default folder is made
        return open_engine(database_url(settings), create_folder=settings.database_url is None)
    except StorageError as exc:
        raise InputError(str(exc)) from None


def open_quick(settings: Settings) -> Journal | None:
    """The journal through the everyday commands' sqlite3 door (storage/lite.py), which reads
    and writes without importing SQLAlchemy; None when only the engine can open it (a database
    named by URL, a journal not made yet or to be migrated): then use `open_journal`.
    InputError for a file that is not a journal or is damaged, as `open_journal` says it."""
    if settings.database_url is not None:
        return None
    from easeback.storage import lite
    from easeback.storage.sqlite_file import StorageError

    try:
        return lite.open_journal(settings.resolved_data_dir() / "journal.sqlite3")
    except StorageError as exc:
        raise InputError(str(exc)) from None


def _reads(engine: Engine | Journal) -> Any:
    """What answers the journal's figures: the sqlite3 door or the SQLAlchemy queries (the
    same functions, the same answers)."""
    from easeback.storage.lite import Journal

    if isinstance(engine, Journal):
        from easeback.storage import lite

        return lite
    from easeback.storage import summary

    return summary


def _entries(engine: Engine | Journal) -> Any:
    from easeback.storage.lite import Journal

    if isinstance(engine, Journal):
        from easeback.storage import lite

        return lite
    from easeback.storage import entries

    return entries


def parse_at(value: str | None, now: datetime) -> datetime:
    """An ISO time for back-dating (local time when no zone is given); never in the future."""
    if value is None:
        return now
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"--at {value!r} is not an ISO date or time, e.g. 2024-05-01T08:30"
        ) from None
    at = at.astimezone() if at.tzinfo is None else at
    if at > now:
        raise InputError(f"--at {value!r} is in the future; only past times can be entered")
    return at


def _score(name: str, value: int) -> int:
    try:
        return progression.check_score(name, value)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def make_check_in(
    pain: int,
    stiffness: int,
    at: datetime,
    peg: tuple[int, int, int] | None = None,
    activities: Sequence[tuple[str, int]] = (),
) -> CheckIn:
    """A validated check-in (at is aware; the record keeps it as given)."""
    try:
        return CheckIn(at, pain, stiffness, peg, tuple(activities))
    except ValueError as exc:
        raise InputError(str(exc)) from None


def log_check_in(engine: Engine | Journal, check_in: CheckIn) -> int:
    from easeback.storage.lite import Journal

    if isinstance(engine, Journal):
        from easeback.storage import lite

        return lite.add_check_in(engine, check_in, check_in.at)
    from easeback.storage import repository

    return repository.add_check_in(engine, check_in, check_in.at)


def check_pains(before: int, after: int) -> None:
    _score("pain before", before)
    _score("pain after", after)


def save_screening(engine: Engine, result: ScreeningResult, at: datetime) -> int:
    from easeback.storage import repository
    from easeback.usecases.screening import screening_public

    public = screening_public(result)
    return repository.add_screening(
        engine,
        at=at,
        complete=result.complete,
        disposition=public["disposition"],
        answers=dict(result.answers),
        reasons=public["reasons"],
    )


def parse_soreness(value: str | None) -> str | None:
    if value is not None and value not in progression.SORENESS:
        raise InputError(f"soreness must be low, medium or high, got {value!r}")
    return value


class SessionRecorder:
    """An `on_event` sink for a guided session: each event is committed as it happens, so a
    killed process keeps everything the person was already shown as done."""

    def __init__(
        self,
        engine: Engine,
        routine: Routine,
        pain_before: int | None,
        clock: Clock = utc_now,
    ) -> None:
        self.engine, self.routine, self.clock = engine, routine, clock
        self.pain_before = None if pain_before is None else _score("pain before", pain_before)
        self.session_id: int | None = None
        self.position = 0
        self.stopped_technique: str | None = None
        self.status = "in_progress"

    def start(self) -> int:
        from easeback.storage import repository
        from easeback.usecases.planning import routine_public

        if self.session_id is None:
            # a session killed mid-way never said how it ended: close it before the next
            repository.close_interrupted(self.engine)
            self.session_id = repository.start_session(
                self.engine, self.clock(), routine_public(self.routine), self.pain_before
            )
        return self.session_id

    def __call__(self, kind: str, data: Mapping[str, object]) -> None:
        from easeback.storage import repository

        sid = self.start()
        now = self.clock()
        if kind == "technique":
            outcome = str(data.get("outcome") or "not_reached")
            tid = str(data["id"])
            repository.add_technique_result(self.engine, sid, self.position, tid, outcome, now)
            self.position += 1
            if outcome == "stopped":
                self.stopped_technique = tid
        elif kind == "stopped":
            self.status = "stopped"
            reason = StopReason(str(data["reason"]))
            repository.add_stop(self.engine, sid, now, reason.value, self.stopped_technique)
            repository.finish_session(self.engine, sid, now, "stopped")
        elif kind == "completed":
            self.status = "completed"
            repository.finish_session(self.engine, sid, now, "completed")

    def interrupted(self) -> None:
        """The session ended without finishing or a stop (Ctrl+C): what was reached is kept."""
        from easeback.storage import repository

        if self.session_id is not None and self.status == "in_progress":
            self.status = "interrupted"
            repository.finish_session(self.engine, self.session_id, self.clock(), "interrupted")

    def finish(self, pain_after: int | None, soreness: str | None = None) -> None:
        from easeback.storage import repository

        sid = self.start()
        after = None if pain_after is None else _score("pain after", pain_after)
        status = "completed" if self.status == "in_progress" else self.status
        repository.finish_session(
            self.engine, sid, self.clock(), status, after, parse_soreness(soreness)
        )


def save_coach_counts(engine: Engine, session_id: int, counts: Sequence[Mapping[str, Any]]) -> None:
    """Keep the camera coach's derived numbers (reps, hold seconds, warning counts per technique)
    with a recorded session; nothing else of the camera is ever kept."""
    from easeback.storage import repository

    rows = checked_coach_counts(counts)
    if rows:
        repository.add_coach_counts(engine, session_id, rows)


def checked_coach_counts(counts: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    from easeback.storage import repository

    rows = list(counts)
    for c in rows:
        if not 0 < len(str(c.get("technique_id") or "")) <= 64:
            raise InputError("camera coach numbers need the id of their technique")
        for name in repository.COACH_FIELDS:
            value = c.get(name)
            if not isinstance(value, int | float) or value < 0:
                raise InputError(f"camera coach {name} must be a number of at least 0")
    return rows


def record_stop(
    engine: Engine,
    routine: Routine,
    index: int | None,
    reason: str,
    at: datetime,
    coach: Sequence[Mapping[str, Any]] = (),
    key: str | None = None,
) -> bool:
    """A guided session stopped at item `index` (None: before the first, or not known), as one
    write: done before it, stopped at it, not reached after, the stop and the camera coach's
    numbers. False when the device's `key` was received before (nothing written again)."""
    from easeback.storage import repository
    from easeback.usecases.device_keys import checked_key, reused
    from easeback.usecases.planning import routine_public

    why = StopReason(reason)
    results = []
    tid = None
    for k, item in enumerate(routine.items):
        outcome = "done" if index is None or k < index else "not_reached"
        if k == index:
            outcome, tid = "stopped", item.technique.id
        results.append((item.technique.id, outcome))
    from easeback.storage.received import KeyReused

    try:
        _id, saved = repository.record_stop(
            engine,
            at,
            routine_public(routine),
            results,
            (why.value, tid),
            checked_coach_counts(coach),
            checked_key(key),
        )
    except KeyReused as exc:
        raise reused(exc.kind) from None
    return saved


def record_check_in(
    engine: Engine,
    check_in: CheckIn,
    routine: Routine | None = None,
    pain_before: int | None = None,
    soreness: str | None = None,
    coach: Sequence[Mapping[str, Any]] = (),
    key: str | None = None,
) -> bool:
    """A check-in, with the session it rates first when `routine` and `pain_before` are given
    (every technique done), as one write. False when the device's `key` was received before."""
    from easeback.storage import repository
    from easeback.usecases.device_keys import checked_key, reused
    from easeback.usecases.planning import routine_public

    session = None
    if routine is not None and pain_before is not None:
        session = {
            "routine": routine_public(routine),
            "pain_before": _score("pain before", pain_before),
            "pain_after": check_in.pain,
            "results": [(i.technique.id, "done") for i in routine.items],
            "soreness": parse_soreness(soreness),
        }
    # the session a moment before its check-in, so "pain before" stays the earlier reading
    at = check_in.at - timedelta(microseconds=1)
    from easeback.storage.received import KeyReused

    try:
        _id, saved = repository.record_check_in(
            engine, check_in, at, session, checked_coach_counts(coach), checked_key(key)
        )
    except KeyReused as exc:
        raise reused(exc.kind) from None
    return saved


def parse_stop(value: str, routine: Routine) -> tuple[str, str]:
    """`TECHNIQUE_ID:REASON` from log-session, checked against the routine and the reasons."""
    tid, sep, reason = value.partition(":")
    if not sep:
        raise InputError(f"--stopped must be TECHNIQUE_ID:REASON, got {value!r}")
    ids = [i.technique.id for i in routine.items]
    if tid not in ids:
        raise InputError(f"--stopped technique {tid!r} is not in the plan ({', '.join(ids)})")
    try:
        StopReason(reason)
    except ValueError:
        allowed = ", ".join(r.value for r in StopReason)
        raise InputError(f"unknown stop reason {reason!r}; use one of {allowed}") from None
    return tid, reason


def log_session(
    engine: Engine,
    routine: Routine,
    pain_before: int,
    pain_after: int,
    at: datetime,
    stopped: str | None = None,
    soreness: str | None = None,
) -> int:
    """Record a routine done away from the timer: every technique done up to a stop, if any."""
    from easeback.storage import repository
    from easeback.usecases.planning import routine_public

    before, after = _score("pain before", pain_before), _score("pain after", pain_after)
    stop = parse_stop(stopped, routine) if stopped else None
    results: list[tuple[str, str]] = []
    reached = True
    for item in routine.items:
        tid = item.technique.id
        if not reached:
            results.append((tid, "not_reached"))
        elif stop and tid == stop[0]:
            results.append((tid, "stopped"))
            reached = False
        else:
            results.append((tid, "done"))
    return repository.log_session(
        engine,
        at,
        routine_public(routine),
        before,
        after,
        results,
        (stop[1], stop[0]) if stop else None,
        parse_soreness(soreness),
    )


def restore(engine: Engine, technique_id: str, at: datetime) -> int:
    """Put a technique left out after sharp pain back in the plans (read from the database's
    stops and restores, not the whole journal)."""
    from easeback.storage import repository

    gone = left_out_of(engine)
    if technique_id not in gone:
        left = ", ".join(sorted(gone)) or "none"
        raise InputError(
            f"technique {technique_id!r} is not left out of your plans (left out: {left})"
        )
    return repository.add_restore(engine, technique_id, at)


def latest_valid_screening(engine: Engine, cat: Catalogue, now: datetime) -> ScreeningResult | None:
    """The newest complete screening, screened again from its answers, while it is still valid
    (within 7 days, no nerve-sign stop since); None when the questions must be answered first."""
    from easeback.storage import repository, summary
    from easeback.usecases.screening import screen_answers

    if progression.rescreen_reason_from(summary.journal_facts(engine), local(now)) is not None:
        return None
    last = repository.latest_screening(engine)
    return None if last is None else screen_answers(cat, last["answers"])


def history(engine: Engine) -> History:
    from easeback.storage import repository

    return repository.load_history(engine)


def local(at: datetime) -> datetime:
    """The domain's time: naive local."""
    return at.astimezone().replace(tzinfo=None)


def planner_inputs(h: History, techniques: Iterable[Technique]) -> dict[str, Any]:
    """`left_out`, `helps`, `hold_targets` and `done` for PlanRequest, from this person's
    history."""
    return {
        "left_out": progression.left_out(h),
        "done": progression.done_techniques(h),
        "helps": trends.helps(trends.technique_effects(h)),
        "hold_targets": progression.hold_targets(h, techniques),
    }


def facts_of(engine: Engine) -> progression.JournalFacts:
    """progression.facts(history(engine)) from a few indexed queries."""
    from easeback.storage import summary

    return summary.journal_facts(engine)


def left_out_of(engine: Engine) -> frozenset[str]:
    """Techniques stopped for sharp pain and not put back since, read from the database."""
    from easeback.storage import summary

    return summary.left_out(engine)


def planner_inputs_of(engine: Engine | Journal, techniques: Iterable[Technique]) -> dict[str, Any]:
    """planner_inputs(history(engine), techniques) from the database's aggregates, without
    loading the journal: the same inputs at 100 rows or 100,000."""
    summary = _reads(engine)

    base = summary.baseline_pain(engine)
    effects = [trends.effect_from_sums(*sums) for sums in summary.technique_sums(engine)]
    levels = summary.good_session_levels(engine, base)
    return {
        "left_out": summary.left_out(engine),
        "done": summary.done_techniques(engine),
        "helps": trends.helps(effects),
        "hold_targets": progression.hold_targets_from(levels, techniques),
    }


@record
class ProgressReport(Frozen):
    baseline_pain: int | None
    latest_pain: int | None
    meaningful_improvement: bool
    advice: tuple[Advice, ...]
    techniques: list[trends.TechniqueEffect]
    left_out: frozenset[str]
    hold_targets: dict[str, int]
    sessions: int
    check_ins: int

    @property
    def change(self) -> int | None:
        if self.baseline_pain is None or self.latest_pain is None:
            return None
        return self.latest_pain - self.baseline_pain


def progress(h: History, techniques: Iterable[Technique], now: datetime) -> ProgressReport:
    """The report behind `easeback progress`; now is naive local time like the history."""
    base, last = progression.baseline_pain(h), progression.latest_pain(h)
    return ProgressReport(
        baseline_pain=base,
        latest_pain=last,
        meaningful_improvement=trends.meaningful_improvement(base, last),
        advice=progression.advice(h, now),
        techniques=trends.technique_effects(h),
        left_out=progression.left_out(h),
        hold_targets=progression.hold_targets(h, techniques),
        sessions=len(h.sessions),
        check_ins=len(h.check_ins),
    )


def progress_of(engine: Engine, techniques: Iterable[Technique], now: datetime) -> ProgressReport:
    """progress(history(engine), techniques, now) from the database's aggregates, without
    loading the journal."""
    from easeback.storage import summary

    f = summary.journal_facts(engine)
    effects = [trends.effect_from_sums(*sums) for sums in summary.technique_sums(engine)]
    levels = summary.good_session_levels(engine, f.baseline_pain)
    sessions, check_ins = summary.counts(engine)
    return ProgressReport(
        baseline_pain=f.baseline_pain,
        latest_pain=f.latest_pain,
        meaningful_improvement=trends.meaningful_improvement(f.baseline_pain, f.latest_pain),
        advice=progression.advice_from(f, now),
        techniques=effects,
        left_out=summary.left_out(engine),
        hold_targets=progression.hold_targets_from(levels, techniques),
        sessions=sessions,
        check_ins=check_ins,
    )


def sessions_per_technique(engine: Engine) -> dict[str, int]:
    """progression.sessions_with(history(engine)), counted by the database."""
    from easeback.storage import summary

    return summary.results_per_technique(engine)


def chart(engine: Engine) -> Chart | None:
    """The whole journal's pain and stiffness chart, binned (local days); None when empty."""
    from easeback.storage import summary

    return summary.chart(engine)


def recent_readings(engine: Engine, days: int = 60) -> list[tuple[datetime, int]]:
    """The pain readings of the last `days` days up to the newest one (for the pain chart)."""
    from easeback.storage import summary

    return summary.readings_from_day(engine, days)


def progress_public(r: ProgressReport) -> dict[str, Any]:
    return _public(r.baseline_pain, r.latest_pain, r.advice, r.techniques)


def _public(
    base: int | None,
    last: int | None,
    advice: Sequence[Advice],
    effects: Sequence[trends.TechniqueEffect],
) -> dict[str, Any]:
    return {
        "baseline_pain": base,
        "latest_pain": last,
        "change": None if base is None or last is None else last - base,
        "meaningful_improvement": trends.meaningful_improvement(base, last),
        "advice": [{"code": a.code.value, "text": a.text} for a in advice],
        "techniques": [
            {
                "id": e.technique_id,
                "sessions": e.sessions,
                "mean_change": e.mean_change,
                "interval": list(e.interval) if e.interval else None,
            }
            for e in effects
        ],
    }


def progress_summary(
    engine: Engine | Journal, now: datetime, person: str | None = None, tz: tzinfo | None = None
) -> dict[str, Any]:
    """progress_public's figures aggregated by the database (a few indexed queries and sums),
    never loading the journal: the same numbers at 100 rows or 100,000. now is naive local
    (naive in `tz` for a practice's person)."""
    summary = _reads(engine)

    who = {} if person is None else {"person": person}
    f = summary.journal_facts(engine, tz=tz, **who)
    effects = [trends.effect_from_sums(*sums) for sums in summary.technique_sums(engine, **who)]
    return _public(f.baseline_pain, f.latest_pain, progression.advice_from(f, now), effects)


# ---- the journal a page at a time ----

PAGE = 20  # entries `easeback history` shows by default


def parse_since(value: str | None) -> datetime | None:
    """--since DATE (a local calendar day) as the naive UTC time of that day's start."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--since {value!r} is not a date, e.g. 2024-05-01") from None
    return datetime.combine(day, time()).astimezone().astimezone(UTC).replace(tzinfo=None)


def history_page(
    engine: Engine | Journal,
    limit: int,
    since: datetime | None = None,
    before: str | None = None,
    person: str | None = None,
    tz: tzinfo | None = None,
) -> tuple[list[Entry], int]:
    """The newest `limit` entries (since a naive UTC time, before a place given as
    `entries.key_text`), newest first, and how many older ones there are beyond them. One
    person's (default: this machine's) journal, times in `tz` (default: local)."""
    from easeback.storage.rows import parse_key

    entries = _entries(engine)
    try:
        key = None if before is None else parse_key(before)
    except ValueError:
        raise InputError(f"before={before!r} is not a place in the journal") from None
    who = "me" if person is None else person  # schema.DEFAULT_PERSON
    page = entries.latest_entries(engine, limit, who, since=since, before=key, tz=tz)
    if len(page) < limit:
        return page, 0
    older = entries.latest_entries(engine, 1, who, since=since, before=page[-1].key)
    if not older:
        return page, 0
    return page, entries.count_entries(engine, who, since=since, before=page[-1].key)


def all_entries(engine: Engine, since: datetime | None = None) -> Iterator[Entry]:
    """Every entry (since a naive UTC time), oldest first, streamed a batch at a time."""
    from easeback.storage import entries

    return entries.iter_entries(engine, since=since)


def rescreen_questions(table: ScreeningTable) -> list[str]:
    """The questions asked again when a screening has lapsed: those that can make it urgent or
    an emergency, plus the other red flags (every red flag is a reason to stop self-care)."""
    from easeback.domain.screening import QuestionKind

    severe = {
        r.question
        for r in table.rules
        if r.disposition in (Disposition.EMERGENCY, Disposition.URGENT)
    }
    return [q.id for q in table.questions if q.id in severe or q.kind is QuestionKind.RED_FLAG]
