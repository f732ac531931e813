"""The practice mode's use cases: a person's own journal and programme, a clinician's people.

Every function takes the acting user; `scope` is the one place that decides whose data they may
touch, and answers NotFound (never "forbidden") so nobody learns that someone else exists.
Every read or change of a person's data is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from easeback.domain import programme as prog
from easeback.domain import progression
from easeback.domain.models import Disposition, StopReason
from easeback.domain.planning import Routine
from easeback.domain.progression import CheckIn, History
from easeback.storage import credentials as creds
from easeback.storage import practice as repo
from easeback.storage.practice import UserRecord, person_key
from easeback.usecases.errors import InputError
from easeback.usecases.planning import routine_public
from easeback.usecases.screening import screen_answers, screening_public

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from easeback.content.loader import Catalogue
    from easeback.storage.entries import Entry


TREND_DAYS = 90


class NotFound(Exception):
    """Nothing there for this user: absent, or outside their scope (the same answer for both)."""


def naive(now: datetime) -> datetime:
    """The domain's time in the practice mode: naive UTC (people may be in any time zone)."""
    return now.astimezone(UTC).replace(tzinfo=None)


def scope(engine: Engine, actor: UserRecord, person_id: int) -> UserRecord:
    """The person whose data the actor asks for, if the actor may see it: a person only
    themselves; a clinician or admin the people of their own clinic."""
    if actor.role == "person":
        if person_id != actor.id:
            raise NotFound()
        return actor
    target = repo.user_by_id(engine, person_id)
    if target is None or target.role != "person" or target.clinic_id is None:
        raise NotFound()
    if target.clinic_id != actor.clinic_id:
        raise NotFound()
    return target


def _own(actor: UserRecord) -> None:
    if actor.role != "person":
        raise NotFound()


def history(engine: Engine, person: UserRecord) -> History:
    from easeback.storage.repository import load_history

    return load_history(engine, person=person_key(person.id), tz=UTC)


# ---- a person's own journal ----


def check_in(engine: Engine, actor: UserRecord, pain: int, stiffness: int, now: datetime) -> int:
    _own(actor)
    try:
        c = CheckIn(naive(now), pain, stiffness)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    return repo.add_check_in(
        engine, actor.id, c, now, repo.Audit(now, actor.id, "check_in.add", actor.id)
    )


def screen(
    engine: Engine, cat: Catalogue, actor: UserRecord, answers: object, now: datetime
) -> dict[str, Any]:
    """Screen the person from a full answers object and keep the result."""
    _own(actor)
    result = screen_answers(cat, answers)
    public = screening_public(result)
    repo.add_screening(
        engine,
        actor.id,
        now,
        result.complete,
        public["disposition"],
        dict(result.answers),
        public["reasons"],
        # no health detail in the log: it outlives the account (the journal has the answers)
        repo.Audit(now, actor.id, "screening.add", actor.id),
    )
    return public


def log_session(
    engine: Engine,
    cat: Catalogue,
    actor: UserRecord,
    pain_before: int,
    pain_after: int,
    now: datetime,
    stopped: str | None = None,
) -> int:
    """A session of the person's programme, as far as it went: everything done up to a stop
    (TECHNIQUE_ID:REASON), that one stopped, the rest not reached."""
    _own(actor)
    for name, value in (("pain before", pain_before), ("pain after", pain_after)):
        try:
            progression.check_score(name, value)
        except ValueError as exc:
            raise InputError(str(exc)) from None
    view = _programme(cat, repo.standing(engine, actor.id), now)
    if view is None:
        raise InputError("no programme has been prescribed to you yet")
    routine, _hidden, _at = view
    if routine is None or not routine.items:
        raise InputError("do the safety check first: your programme is on hold until then")
    stop = _parse_stop(stopped, [i.technique.id for i in routine.items]) if stopped else None
    return repo.log_session(
        engine,
        actor.id,
        now,
        routine_public(routine),
        pain_before,
        pain_after,
        _results(routine, stop[0] if stop else None, stopped=stop is not None),
        (stop[1], stop[0]) if stop else None,
        repo.Audit(now, actor.id, "session.add", actor.id, "stopped" if stop else "completed"),
    )


def _results(routine: Routine, stop_at: str | None, stopped: bool) -> list[tuple[str, str]]:
    """Each technique's outcome: done up to the one stopped at, the rest not reached (all of
    them when the session stopped before its first technique)."""
    results: list[tuple[str, str]] = []
    reached = not (stopped and stop_at is None)
    for item in routine.items:
        tid = item.technique.id
        if not reached:
            results.append((tid, "not_reached"))
        elif stopped and tid == stop_at:
            results.append((tid, "stopped"))
            reached = False
        else:
            results.append((tid, "done"))
    return results


def record_stop(
    engine: Engine, cat: Catalogue, actor: UserRecord, index: int | None, reason: str, now: datetime
) -> int:
    """A guided session of the programme stopped at technique `index` (None: before the first)
    for `reason`: saved at once, its pain unrated, so that what the stop means applies from now
    on (a technique stopped for sharp pain is left out; numbness or pain spreading down a leg
    asks for the safety check again, as the catalogue's stops say) and the clinician sees it."""
    try:
        why = StopReason(reason)
    except ValueError:
        allowed = ", ".join(r.value for r in StopReason)
        raise InputError(f"unknown stop reason {reason!r}; use one of {allowed}") from None
    routine = programme_routine(engine, cat, actor, now)
    if routine is None:
        raise InputError("there is no session of your programme to stop")
    ids = [i.technique.id for i in routine.items]
    tid = ids[index] if index is not None and 0 <= index < len(ids) else None
    return repo.log_session(
        engine,
        actor.id,
        now,
        routine_public(routine),
        None,
        None,
        _results(routine, tid, stopped=True),
        (why.value, tid),
        repo.Audit(now, actor.id, "session.add", actor.id, "stopped"),
    )


def _parse_stop(value: str, ids: Sequence[str]) -> tuple[str, str]:
    tid, sep, reason = value.partition(":")
    if not sep:
        raise InputError(f"stopped must be TECHNIQUE_ID:REASON, got {value!r}")
    if tid not in ids:
        raise InputError(f"stopped technique {tid!r} is not in your programme")
    try:
        StopReason(reason)
    except ValueError:
        allowed = ", ".join(r.value for r in StopReason)
        raise InputError(f"unknown stop reason {reason!r}; use one of {allowed}") from None
    return tid, reason


# ---- programmes ----


def _techniques(cat: Catalogue) -> dict[str, Any]:
    return {t.id: t for t in cat.techniques}


def _programme(
    cat: Catalogue, standing: repo.Standing, now: datetime
) -> tuple[Any, tuple[prog.Hidden, ...], datetime] | None:
    """The routine the person may do now of the programme in force, and what is held back:
    the newest complete screening counts while valid (7 days, no nerve-sign stop since)."""
    stored = standing.programme
    if stored is None:
        return None
    p = prog.prescribe(_techniques(cat), stored["items"], stored["per_week"])
    h = standing.history
    screening = None
    if standing.answers is not None and progression.rescreen_reason(h, naive(now)) is None:
        screening = screen_answers(cat, standing.answers)
    routine, hidden = prog.shown(p, screening, progression.left_out(h))
    return routine, hidden, stored["at"]


def programme_routine(
    engine: Engine, cat: Catalogue, actor: UserRecord, now: datetime
) -> Routine | None:
    """The routine of their programme a person may do now, for the guided session: None when
    nothing is prescribed, the safety check is missing or lapsed, or nothing is left to do."""
    _own(actor)
    audit = repo.Audit(now, actor.id, "programme.read", actor.id)
    view = _programme(cat, repo.standing(engine, actor.id, audit), now)
    routine: Routine | None = view[0] if view is not None else None
    return routine if routine is not None and routine.items else None


def programme_view(
    engine: Engine, cat: Catalogue, actor: UserRecord, person_id: int, now: datetime
) -> dict[str, Any]:
    """The programme as the actor may see it: the person sees what they may do now; a
    clinician also sees what is held back and why."""
    person = scope(engine, actor, person_id)
    standing = repo.standing(
        engine, person.id, repo.Audit(now, actor.id, "programme.read", person.id)
    )
    stored = standing.programme
    if stored is None:
        return {"prescribed": False, "per_week": None, "techniques": [], "on_hold": None}
    view = _programme(cat, standing, now)
    assert view is not None
    routine, hidden, _at = view
    out: dict[str, Any] = {
        "prescribed": True,
        "per_week": stored["per_week"],
        "techniques": routine_public(routine)["techniques"] if routine else [],
        "on_hold": None if routine else "do the safety check first",
    }
    if actor.role != "person":
        out["prescription"] = stored["items"]
        out["hidden"] = [{"id": x.technique_id, "why": x.why} for x in hidden]
    return out


def prescribe(
    engine: Engine,
    cat: Catalogue,
    actor: UserRecord,
    person_id: int,
    items: Sequence[Mapping[str, object]],
    per_week: object,
    now: datetime,
) -> dict[str, Any]:
    if actor.role not in ("clinician", "admin"):
        raise NotFound()
    person = scope(engine, actor, person_id)
    try:
        p = prog.prescribe(_techniques(cat), items, per_week)
    except prog.ProgrammeError as exc:
        raise InputError(str(exc)) from None
    clean = [
        {"id": x.technique.id, "hold_seconds": x.hold_seconds, "reps": x.reps, "sets": x.sets}
        for x in p.items
    ]
    ids = ",".join(str(i["id"]) for i in clean)
    repo.add_programme(
        engine,
        person.id,
        actor.id,
        now,
        clean,
        p.per_week,
        repo.Audit(now, actor.id, "programme.set", person.id, ids),
    )
    return programme_view(engine, cat, actor, person.id, now)


# ---- progress and the clinician's list ----


def _summary(
    person: UserRecord,
    h: History,
    programme: tuple[datetime, int] | None,
    screening: tuple[datetime, list[str]] | None,
    now: datetime,
) -> dict[str, Any]:
    adherence = None
    if programme is not None:
        since, per_week = programme
        done, due = prog.adherence(h, prog.Programme((), per_week), since, naive(now)) or (0, 0)
        adherence = {"done": done, "prescribed": due}
    pegs = [(c.at, c.peg_score) for c in h.check_ins if c.peg_score is not None]
    last = None
    if screening is not None:
        last = prog.LastScreening(screening[0], frozenset(Disposition(d) for d in screening[1]))
    return {
        "id": person.id,
        "email": person.email,
        "per_week": programme[1] if programme else None,
        "adherence": adherence,
        "pain": [{"at": at.isoformat(), "value": v} for at, v in h.pain_readings()[-30:]],
        "peg": [{"at": at.isoformat(), "value": v} for at, v in pegs[-30:]],
        "flags": prog.flags(h, last),
    }


def progress(engine: Engine, actor: UserRecord, person_id: int, now: datetime) -> dict[str, Any]:
    """A person's progress: the figures aggregated by the database over the whole journal, the
    trends, adherence and flags from the last TREND_DAYS of check-ins and every session, as in
    the clinician's list (the journal is not loaded whole: a long one costs the same)."""
    from easeback.usecases.journal import progress_summary

    person = scope(engine, actor, person_id)
    programme, screening = repo.programme_and_screening(
        engine, person.id, repo.Audit(now, actor.id, "progress.read", person.id)
    )
    v = repo.overviews(engine, [person.id], now - timedelta(days=TREND_DAYS))[person.id]
    h = History(check_ins=tuple(v.check_ins), sessions=tuple(v.sessions))
    out = progress_summary(engine, naive(now), person=person_key(person.id), tz=UTC)
    return out | _summary(person, h, programme, screening, now)


def history_page(
    engine: Engine,
    actor: UserRecord,
    person_id: int,
    now: datetime,
    limit: int,
    before: str | None = None,
) -> tuple[list[Entry], int]:
    """The newest `limit` entries of a person's journal before a place (`entries.key_text`),
    newest first, times in UTC, and how many older ones there are; the read is audited."""
    from easeback.usecases.journal import history_page as page

    person = scope(engine, actor, person_id)
    found = page(engine, limit, before=before, person=person_key(person.id), tz=UTC)
    repo.audit(engine, now, actor.id, "history.read", person.id)
    return found


def people(
    engine: Engine, cat: Catalogue, actor: UserRecord, now: datetime
) -> list[dict[str, Any]]:
    """The clinician's people: last activity, adherence, pain and PEG trends, flags."""
    if actor.role not in ("clinician", "admin") or actor.clinic_id is None:
        raise NotFound()
    found = repo.people_of_clinic(engine, actor.clinic_id)
    last = repo.last_activity(engine, [p.id for p in found])
    # trends over the last 90 days; sessions all the way back, for adherence
    views = repo.overviews(engine, [p.id for p in found], now - timedelta(days=TREND_DAYS))
    # one line a person listed, so the read shows in each one's trail
    lines = [repo.Audit(now, actor.id, "people.list", p.id) for p in found]
    creds.audit_many(engine, lines)
    out = []
    for p in found:
        v = views[p.id]
        h = History(check_ins=tuple(v.check_ins), sessions=tuple(v.sessions))
        seen = last.get(p.id)
        out.append(
            _summary(p, h, v.programme, v.screening, now)
            | {"last_activity": seen.isoformat() if seen else None}
        )
    return out


def export_fhir(
    engine: Engine, cat: Catalogue, actor: UserRecord, person_id: int, now: datetime
) -> str:
    """All of a person's data as a validated FHIR R4 bundle (JSON text)."""
    from easeback.export.fhir import build_bundle, validate

    person = scope(engine, actor, person_id)
    repo.audit(engine, now, actor.id, "export.fhir", person.id)
    return validate(build_bundle(engine, cat, now, person=person_key(person.id)))


def audit_trail(engine: Engine, actor: UserRecord, person_id: int) -> list[dict[str, Any]]:
    """Who read or changed the person's data, each reader named (email and role)."""
    person = scope(engine, actor, person_id)
    return creds.named_trail(engine, person.id)
