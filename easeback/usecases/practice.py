"""The practice mode's use cases: a person's own journal and programme, a clinician's people.

Every function takes the acting user; `scope` is the one place that decides whose data they may
touch, and answers NotFound (never "forbidden") so nobody learns that someone else exists.
Every read or change of a person's data is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from easeback.domain import adherence, outcomes, progression, triage
from easeback.domain import programme as prog
from easeback.domain.models import Disposition, StopReason
from easeback.domain.outcomes import Measure, Outcome
from easeback.domain.planning import Routine
from easeback.domain.progression import CheckIn, History
from easeback.storage import credentials as creds
from easeback.storage import practice as repo
from easeback.storage.outcomes import outcomes as stored_outcomes
from easeback.storage.practice import UserRecord, person_key
from easeback.storage.received import KeyReused
from easeback.usecases.device_keys import checked_key, reused
from easeback.usecases.errors import InputError
from easeback.usecases.planning import routine_public
from easeback.usecases.screening import screen_answers, screening_public
from easeback.wording import count_text

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


def check_in(
    engine: Engine,
    actor: UserRecord,
    pain: int,
    stiffness: int,
    now: datetime,
    key: str | None = None,
) -> int | None:
    """A check-in; once per device `key` (sent again until confirmed: nothing is written for
    a key received before)."""
    _own(actor)
    try:
        c = CheckIn(naive(now), pain, stiffness)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    audit = repo.Audit(now, actor.id, "check_in.add", actor.id)
    try:
        return repo.add_check_in(engine, actor.id, c, now, audit, checked_key(key))
    except KeyReused as exc:
        raise reused(exc.kind) from None


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
    skipped: Sequence[str] = (),
    key: str | None = None,
) -> int | None:
    """A session of the person's programme, as far as it went: everything done up to a stop
    (TECHNIQUE_ID:REASON), that one stopped, the rest not reached; the techniques in `skipped`
    (ids of the programme) were skipped, not done. Once per device `key`."""
    _own(actor)
    key = checked_key(key)
    before = _received(engine, actor, key, "stop" if stopped else "session")
    if before is not None:
        return before[0]  # sent again: saved the first time, whatever has changed since
    for name, value in (("pain before", pain_before), ("pain after", pain_after)):
        try:
            progression.check_score(name, value)
        except ValueError as exc:
            raise InputError(str(exc)) from None
    view = _programme(cat, _standing(engine, actor.id)[0], now)
    if view is None:
        raise InputError("no programme has been prescribed to you yet")
    routine, _hidden, _at = view
    if routine is None or not routine.items:
        raise InputError("do the safety check first: your programme is on hold until then")
    stop = _parse_stop(stopped, [i.technique.id for i in routine.items]) if stopped else None
    ids = {i.technique.id for i in routine.items}
    for tid in skipped:
        if tid not in ids:
            raise InputError(f"skipped technique {tid!r} is not in your programme")
    results = [
        (tid, "skipped" if tid in skipped and outcome == "done" else outcome)
        for tid, outcome in _results(routine, stop[0] if stop else None, stopped=stop is not None)
    ]
    return repo.log_session(
        engine,
        actor.id,
        now,
        routine_public(routine),
        pain_before,
        pain_after,
        results,
        (stop[1], stop[0]) if stop else None,
        repo.Audit(now, actor.id, "session.add", actor.id, "stopped" if stop else "completed"),
        key,
    )


def _received(
    engine: Engine, actor: UserRecord, key: str | None, kind: str
) -> tuple[int | None] | None:
    """(the id it made,) of this kind of write saved before under the device's key, else None;
    looked up before the write is checked, since what it changed may refuse it now."""
    if key is None:
        return None
    try:
        return repo.received_before(engine, actor.id, key, kind)
    except KeyReused as exc:
        raise reused(exc.kind) from None


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
    engine: Engine,
    cat: Catalogue,
    actor: UserRecord,
    index: int | None,
    reason: str,
    now: datetime,
    key: str | None = None,
) -> int | None:
    """A guided session of the programme stopped at technique `index` (None: before the first)
    for `reason`: saved at once, its pain unrated, so that what the stop means applies from now
    on (a technique stopped for sharp pain is left out; numbness or pain spreading down a leg
    asks for the safety check again, as the catalogue's stops say) and the clinician sees it.
    Once per device `key`: a stop sent again (kept on the phone during an outage, or its first
    answer lost) writes nothing, even though the programme it stopped is on hold since."""
    try:
        why = StopReason(reason)
    except ValueError:
        allowed = ", ".join(r.value for r in StopReason)
        raise InputError(f"unknown stop reason {reason!r}; use one of {allowed}") from None
    key = checked_key(key)
    before = _received(engine, actor, key, "stop")
    if before is not None:
        return before[0]
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
        key,
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


def _standing(
    engine: Engine, user_id: int, audit: repo.Audit | None = None
) -> tuple[repo.Standing, datetime | None]:
    """repo.standing, with no programme in force when the person was discharged after it was
    set (their programme ended with the episode); and when they were discharged."""
    from dataclasses import replace

    standing = repo.standing(engine, user_id, audit)
    episode = repo.latest_episode(engine, user_id)
    if episode is None or episode["end_reason"] != "discharged" or standing.programme is None:
        return standing, None
    if episode["ended_at"] < standing.programme["at"]:
        return standing, None
    return replace(standing, programme=None), episode["ended_at"]


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
    view = _programme(cat, _standing(engine, actor.id, audit)[0], now)
    routine: Routine | None = view[0] if view is not None else None
    return routine if routine is not None and routine.items else None


def programme_view(
    engine: Engine, cat: Catalogue, actor: UserRecord, person_id: int, now: datetime
) -> dict[str, Any]:
    """The programme as the actor may see it: the person sees what they may do now; a
    clinician also sees what is held back and why."""
    person = scope(engine, actor, person_id)
    standing, discharged = _standing(
        engine, person.id, repo.Audit(now, actor.id, "programme.read", person.id)
    )
    stored = standing.programme
    if stored is None:
        return {
            "prescribed": False,
            "per_week": None,
            "techniques": [],
            "on_hold": None,
            "discharged": discharged.isoformat() if discharged else None,
        }
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
    clinician = actor.id if actor.role == "clinician" else None
    repo.start_episode(
        engine,
        person.id,
        person.clinic_id,
        clinician,
        now,
        repo.Audit(now, actor.id, "episode.start", person.id),
    )
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
    care: repo.Care,
    screening: tuple[datetime, list[str]] | None,
    now: datetime,
    names: Mapping[str, str] | None = None,
    discharged: datetime | None = None,
) -> dict[str, Any]:
    programme = care.programmes[-1] if care.programmes else None
    spans = [(p.at, p.per_week) for p in care.programmes]
    until = naive(now)
    if discharged is not None and programme is not None and discharged >= programme.at:
        until = min(until, discharged)  # the programme ended with the episode
    found = adherence.weeks(spans, care.sessions_done, until)
    done, due = adherence.totals(found)
    pegs = care.peg  # check-ins' PEG (journal command) and the weekly PEG
    last = None
    if screening is not None:
        last = prog.LastScreening(screening[0], frozenset(Disposition(d) for d in screening[1]))
    record = triage.Record(
        screenings=care.screenings,
        stops=care.stops,
        pain=h.pain_readings(),
        peg=care.peg,
        sessions_done=care.sessions_done,
        programmes=care.programmes if until == naive(now) else (),
        restores=care.restores,
        names=dict(names or {}),
    )
    return {
        "id": person.id,
        "email": person.email,
        "per_week": programme.per_week if programme else None,
        "adherence": {"done": done, "prescribed": due} if programme else None,
        "weeks": [
            {
                "start": w.start.isoformat(),
                "label": f"{w.start.day} {w.start:%b}",
                "done": w.done,
                "prescribed": w.prescribed,
                "percent": w.percent,
                "current": w.current,
            }
            for w in found
        ],
        "pain": [{"at": at.isoformat(), "value": v} for at, v in h.pain_readings()[-30:]],
        "peg": [{"at": at.isoformat(), "value": v} for at, v in pegs[-30:]],
        "flags": prog.flags(h, last),
        "discharged": discharged.isoformat() if until != naive(now) and discharged else None,
        "needs": [
            {
                "need": x.need.value,
                "text": x.text,
                "at": x.at.isoformat() if x.at else None,
                "link": f"/people/{person.id}#{x.anchor}",
            }
            for x in triage.reasons(record, naive(now))
        ],
    }


def progress(
    engine: Engine,
    actor: UserRecord,
    person_id: int,
    now: datetime,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A person's progress: the figures aggregated by the database over the whole journal, the
    trends, adherence and flags from the last TREND_DAYS of check-ins and every session, as in
    the clinician's list (the journal is not loaded whole: a long one costs the same)."""
    from easeback.usecases.journal import progress_summary

    person = scope(engine, actor, person_id)
    _programme_in_force, screening = repo.programme_and_screening(
        engine, person.id, repo.Audit(now, actor.id, "progress.read", person.id)
    )
    v = repo.overviews(engine, [person.id], now - timedelta(days=TREND_DAYS))[person.id]
    h = History(check_ins=tuple(v.check_ins), sessions=tuple(v.sessions))
    care = repo.care(engine, [person.id])[person.id]
    discharged = repo.ended(engine, [person.id]).get(person.id)
    out = progress_summary(engine, naive(now), person=person_key(person.id), tz=UTC)
    recorded = [o for _i, o in stored_outcomes(engine, person_key(person.id))]
    return (
        out
        | _summary(person, h, care, screening, now, names, discharged)
        | {"outcomes": outcomes.summary(recorded)}
    )


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
    engine: Engine, cat: Catalogue, actor: UserRecord, now: datetime, need: str | None = None
) -> list[dict[str, Any]]:
    """The clinician's people, most in need first (domain.triage), each with their reasons and
    last activity, honest adherence, pain and PEG trends; `need` keeps those with one reason
    (a triage.FILTERS key, or 'any')."""
    if actor.role not in ("clinician", "admin") or actor.clinic_id is None:
        raise NotFound()
    if need and need != "any" and need not in triage.FILTERS:
        allowed = ", ".join(["any", *triage.FILTERS])
        raise InputError(f"unknown filter {need!r}; use one of {allowed}")
    found = repo.people_of_clinic(engine, actor.clinic_id)
    ids = [p.id for p in found]
    last = repo.last_activity(engine, ids)
    # trends over the last 90 days; sessions all the way back, for adherence
    views = repo.overviews(engine, ids, now - timedelta(days=TREND_DAYS))
    cares = repo.care(engine, ids)
    discharged = repo.ended(engine, ids)
    names = {t.id: t.name for t in cat.techniques}
    out = []
    for p in found:
        v = views[p.id]
        h = History(check_ins=tuple(v.check_ins), sessions=tuple(v.sessions))
        seen = last.get(p.id)
        out.append(
            _summary(p, h, cares[p.id], v.screening, now, names, discharged.get(p.id))
            | {"last_activity": seen.isoformat() if seen else None}
        )
    ranked = triage.order((p["email"], [_reason(x) for x in p["needs"]]) for p in out)
    shown = [out[i] for i in ranked if _wanted(out[i], need)]
    # one line a person listed, so the read shows in each one's trail
    creds.audit_many(engine, [repo.Audit(now, actor.id, "people.list", p["id"]) for p in shown])
    return shown


def _reason(x: Mapping[str, Any]) -> triage.Reason:
    return triage.Reason(triage.Need(x["need"]), x["text"], None, "")


def _wanted(row: Mapping[str, Any], need: str | None) -> bool:
    return triage.matches([_reason(x) for x in row["needs"]], need)


def export_fhir(
    engine: Engine, cat: Catalogue, actor: UserRecord, person_id: int, now: datetime
) -> Iterator[str]:
    """All of a person's data as a FHIR R4 bundle, JSON text in pieces, each entry validated.
    Scope and audit are settled before the first piece, so a refusal is an answer, not a
    broken download."""
    from easeback.export.fhir import stream

    person = scope(engine, actor, person_id)
    repo.audit(engine, now, actor.id, "export.fhir", person.id)
    return stream(engine, cat, now, person=person_key(person.id))


def export_csv(engine: Engine, actor: UserRecord, person_id: int, now: datetime) -> bytes:
    """A person's data as CSV files, one per kind of record, zipped."""
    import io
    import tempfile
    import zipfile
    from pathlib import Path

    from easeback.export.csv import write_csv

    person = scope(engine, actor, person_id)
    repo.audit(engine, now, actor.id, "export.csv", person.id)
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_csv(engine, Path(tmp) / "csv", person=person_key(person.id))
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(folder.iterdir()):
                z.write(f, f.name)
    return buf.getvalue()


def audit_trail(engine: Engine, actor: UserRecord, person_id: int) -> list[dict[str, Any]]:
    """Who read or changed the person's data, each reader named (email and role)."""
    person = scope(engine, actor, person_id)
    return creds.named_trail(engine, person.id)


# ---- a person's whole record, for their clinician's page ----

RESULT_WORDS = {
    "done": "done",
    "skipped": "skipped",
    "stopped": "stopped",
    "not_reached": "not reached",
}
STOP_WORDS = {
    "sharp_pain": "sharp or shooting pain",
    "radiating_pain": "pain spreading down a leg",
    "numbness": "numbness or tingling",
    "dizziness": "dizziness",
    "other": "another reason",
}


def _entry(
    at: datetime,
    anchor: str,
    kind: str,
    text: str,
    details: Sequence[str] = (),
    alert: bool = False,
) -> dict[str, Any]:
    return {
        "at": at,
        "anchor": anchor,
        "kind": kind,
        "text": text,
        "details": list(details),
        "alert": alert,
    }


def _outcome_text(o: Outcome) -> str:
    if o.measure is Measure.PEG:
        items = ", ".join(f"{k} {v}" for k, v in o.items)
        return f"{o.score:.1f} ({items})"
    return f"{o.score:.1f}: " + "; ".join(f"{k} {v}/10" for k, v in o.items)


def record_view(
    engine: Engine, cat: Catalogue, actor: UserRecord, person_id: int, now: datetime
) -> dict[str, Any]:
    """A person's dated timeline (newest first: safety checks, check-ins, sessions with each
    technique done, skipped or stopped, stops and the advice they were given, programme
    changes, put-backs, PEG and PSFS) and the series of their charts (pain, PEG, PSFS)."""
    if actor.role not in ("clinician", "admin"):
        raise NotFound()
    person = scope(engine, actor, person_id)
    w = repo.whole_record(engine, person.id, repo.Audit(now, actor.id, "record.read", person.id))
    names = {t.id: t.name for t in cat.techniques}
    out: list[dict[str, Any]] = []
    for s in w.screenings:
        reached = {r.get("disposition") for r in s["reasons"]}
        label = (s["disposition"] or "not finished").replace("_", " ")
        if not s["complete"] and "emergency" in reached:
            label = "stopped early: emergency"
        details = [f"{r['question']}: {r['advice']}" for r in s["reasons"] if r.get("advice")]
        alert = bool(reached & {"emergency", "urgent"})
        out.append(_entry(s["at"], f"screening-{s['id']}", "Safety check", label, details, alert))
    for c in w.check_ins:
        text = f"pain {c['pain']}/10, stiffness {c['stiffness']}/10"
        if c["peg_pain"] is not None:
            text += f", PEG items {c['peg_pain']}, {c['peg_enjoyment']}, {c['peg_activity']}"
        out.append(_entry(c["at"], f"check-in-{c['id']}", "Check-in", text))
    for s in w.sessions:
        results = [o for _t, o in s["results"]]
        status = adherence.session_status(s["status"], results).replace("_", " ")
        text = status
        if s["pain_before"] is not None and s["pain_after"] is not None:
            text += f", pain {s['pain_before']} → {s['pain_after']}"
        details = [f"{names.get(t, t)}: {RESULT_WORDS.get(o, o)}" for t, o in s["results"]]
        out.append(_entry(s["at"], f"session-{s['id']}", "Session", text, details))
    for st in w.stops:
        why = STOP_WORDS.get(st["reason"], st["reason"])
        tid = st["technique_id"]
        where = f" at {names.get(tid, tid)}" if tid else ""
        advice = cat.stops.get(StopReason(st["reason"]))
        details = [f"Advice shown: {advice.advice}"] if advice else []
        alert = st["reason"] in ("radiating_pain", "numbness", "sharp_pain")
        out.append(_entry(st["at"], f"stop-{st['id']}", "Stop", why + where, details, alert))
    for p in w.programmes:
        by = f" by {p['email']}" if p["email"] else ""
        text = f"{count_text(p['per_week'], p['per_week'], 'session', 'sessions')} a week{by}"
        details = [_item_text(i, names) for i in p["items"]]
        out.append(_entry(p["at"], f"programme-{p['id']}", "Programme set", text, details))
    for r in w.restores:
        tid = r["technique_id"]
        out.append(_entry(r["at"], f"restore-{r['id']}", "Put back", names.get(tid, tid)))
    for oid, o in w.outcomes:
        kind = "PEG" if o.measure is Measure.PEG else "PSFS"
        out.append(_entry(o.at, f"outcome-{oid}", kind, _outcome_text(o)))
    episodes, notes = repo.episodes_and_notes(engine, person.id)
    for ep in episodes:
        who = f", {ep['clinician']} assigned" if ep["clinician"] else ""
        out.append(
            _entry(
                ep["started_at"],
                f"episode-{ep['id']}",
                "Episode started",
                f"in {ep['clinic'] or 'no clinic'}{who}",
            )
        )
        if ep["ended_at"] is not None:
            what = "Discharged" if ep["end_reason"] == "discharged" else "Moved to another clinic"
            by = f"by {ep['closer']}" if ep["closer"] else ""
            out.append(_entry(ep["ended_at"], f"episode-{ep['id']}-end", what, by))
    for n in notes:
        out.append(
            _entry(
                n["at"],
                f"note-{n['id']}",
                "Note",
                n["text"],
                [f"by {n['author']}"] if n["author"] else [],
            )
        )
    out.sort(key=lambda e: e["at"], reverse=True)
    pain: list[tuple[datetime, float]] = [(c["at"], c["pain"]) for c in w.check_ins]
    for s in w.sessions:
        if s["pain_before"] is not None:
            pain.append((s["at"], s["pain_before"]))
        if s["pain_after"] is not None:
            pain.append((s["at"] + timedelta(seconds=1), s["pain_after"]))
    peg = [(o.at, o.score) for _i, o in w.outcomes if o.measure is Measure.PEG] + [
        (c["at"], (c["peg_pain"] + c["peg_enjoyment"] + c["peg_activity"]) / 3)
        for c in w.check_ins
        if c["peg_pain"] is not None
        and c["peg_enjoyment"] is not None
        and c["peg_activity"] is not None
    ]
    psfs = [(o.at, o.score) for _i, o in w.outcomes if o.measure is Measure.PSFS]
    return {
        "timeline": out,
        "pain": sorted(pain),
        "peg": sorted(peg),
        "psfs": psfs,
        "activities": [k for k, _v in psfs_last.items] if (psfs_last := _last_psfs(w)) else [],
    }


def _last_psfs(w: repo.Whole) -> Outcome | None:
    found = [o for _i, o in w.outcomes if o.measure is Measure.PSFS]
    return found[-1] if found else None


def _item_text(item: Mapping[str, Any], names: Mapping[str, str]) -> str:
    tid = str(item.get("id"))
    parts = [f"{item.get('reps')} reps"]
    if item.get("hold_seconds"):
        parts.append(f"hold {item['hold_seconds']} s")
    if item.get("sets", 1) and item.get("sets", 1) > 1:
        parts.append(f"{item['sets']} sets")
    return f"{names.get(tid, tid)}: " + ", ".join(parts)


# ---- outcome measures a person records ----


def record_outcome(
    engine: Engine, actor: UserRecord, measure: str, values: object, now: datetime
) -> int:
    """A PEG ({pain, enjoyment, activity}) or a PSFS ([[activity, 0-10], ...]) of the person."""
    _own(actor)
    try:
        if measure == Measure.PEG:
            v = values if isinstance(values, Mapping) else {}
            o = outcomes.peg(naive(now), v.get("pain"), v.get("enjoyment"), v.get("activity"))
        elif measure == Measure.PSFS:
            rows = values if isinstance(values, list) else []
            pairs: list[tuple[object, object]] = []
            for r in rows:
                if not isinstance(r, list | tuple) or len(r) != 2:
                    raise InputError("each PSFS activity is [name, score 0-10]")
                pairs.append((r[0], r[1]))
            o = outcomes.psfs(naive(now), pairs)
        else:
            raise InputError(f"unknown measure {measure!r}; use peg or psfs")
    except outcomes.OutcomeError as exc:
        raise InputError(str(exc)) from None
    detail = f"{o.measure.value} {o.score:.1f}"
    return repo.add_outcome(
        engine, actor.id, o, now, repo.Audit(now, actor.id, "outcome.add", actor.id, detail)
    )


def outcomes_due(engine: Engine, actor: UserRecord, now: datetime) -> dict[str, Any]:
    """Which measures the person should record now, and the activities they named last."""
    _own(actor)
    repo.audit(engine, now, actor.id, "outcomes.read", actor.id)
    last = repo.last_outcomes(engine, actor.id)
    psfs = last.get("psfs")
    return {
        "peg": outcomes.due(Measure.PEG, last["peg"].at if "peg" in last else None, naive(now)),
        "psfs": outcomes.due(Measure.PSFS, psfs.at if psfs else None, naive(now)),
        "activities": [k for k, _v in psfs.items] if psfs else [],
    }


# ---- episodes of care and clinicians' notes ----

NOTE_MAX = 4000


def _clinic_staff(actor: UserRecord) -> None:
    if actor.role not in ("clinician", "admin") or actor.clinic_id is None:
        raise NotFound()


def care_view(engine: Engine, actor: UserRecord, person_id: int, now: datetime) -> dict[str, Any]:
    """The episode in force (or the last), the clinicians who may be assigned, every episode
    and note: for the person's clinic only (a note is never shown to the person); audited."""
    _clinic_staff(actor)
    person = scope(engine, actor, person_id)
    repo.audit(engine, now, actor.id, "care.read", person.id)
    episodes, notes = repo.episodes_and_notes(engine, person.id)
    staff = repo.clinicians_of_clinic(engine, actor.clinic_id or 0)
    return {
        "episode": episodes[-1] if episodes else None,
        "episodes": episodes,
        "notes": notes,
        "clinicians": [{"id": u.id, "email": u.email} for u in staff],
    }


def assign_clinician(
    engine: Engine, actor: UserRecord, person_id: int, clinician_id: int | None, now: datetime
) -> None:
    """Assign one of the clinic's clinicians to the person's episode (None: nobody)."""
    _clinic_staff(actor)
    person = scope(engine, actor, person_id)
    if clinician_id is not None:
        staff = {u.id for u in repo.clinicians_of_clinic(engine, actor.clinic_id or 0)}
        if clinician_id not in staff:
            raise InputError("choose a clinician of this clinic")
    repo.assign(
        engine,
        person.id,
        person.clinic_id,
        clinician_id,
        now,
        repo.Audit(now, actor.id, "episode.assign", person.id, str(clinician_id or "")),
    )


def add_note(engine: Engine, actor: UserRecord, person_id: int, text: str, now: datetime) -> int:
    """A clinician's note on the person's record, seen by their clinic only; audited."""
    _clinic_staff(actor)
    person = scope(engine, actor, person_id)
    clean = text.strip()
    if not clean:
        raise InputError("a note needs some text")
    if len(clean) > NOTE_MAX:
        raise InputError(f"a note has at most {NOTE_MAX} characters, this one {len(clean)}")
    return repo.add_note(
        engine,
        person.id,
        actor.id,
        now,
        clean,
        repo.Audit(now, actor.id, "note.add", person.id),
    )


def discharge(engine: Engine, actor: UserRecord, person_id: int, now: datetime) -> None:
    """End the person's episode: their programme ends with it; their journal stays theirs
    (they can go on checking in, download it, or take it to the single-person app)."""
    _clinic_staff(actor)
    person = scope(engine, actor, person_id)
    repo.end_episode(
        engine,
        person.id,
        person.clinic_id,
        actor.id,
        now,
        "discharged",
        repo.Audit(now, actor.id, "episode.discharge", person.id),
    )


def move_person(
    engine: Engine, actor: UserRecord, person_id: int, clinic: str, now: datetime
) -> dict[str, Any]:
    """Move a person to another clinic (created if new): the practice's owner does this. The
    episode in the old clinic ends ('moved'); the new clinic sees the whole record, the old
    one no longer does."""
    if actor.role != "owner":
        raise NotFound()
    person = repo.user_by_id(engine, person_id)
    if person is None or person.role != "person":
        raise NotFound()
    name = " ".join(clinic.split())
    if not name or len(name) > 200:
        raise InputError("name the clinic to move the person to (up to 200 characters)")
    new = repo.clinic_id(engine, name, now)
    if new == person.clinic_id:
        raise InputError(f"{person.email} is already in {name}")
    repo.end_episode(
        engine,
        person.id,
        person.clinic_id,
        actor.id,
        now,
        "moved",
        repo.Audit(now, actor.id, "person.move", person.id, f"clinic={new}"),
        new_clinic=new,
    )
    return {"id": person.id, "clinic": name}


# ---- a clinic's programme templates, and the printable handout ----

TEMPLATE_NAME_MAX = 120


def templates(engine: Engine, actor: UserRecord, now: datetime) -> list[dict[str, Any]]:
    _clinic_staff(actor)
    repo.audit(engine, now, actor.id, "templates.list", None, f"clinic={actor.clinic_id}")
    return repo.templates(engine, actor.clinic_id or 0)


def save_template(
    engine: Engine, actor: UserRecord, person_id: int, name: str, now: datetime
) -> int:
    """The person's programme in force, kept as a template of the clinic under a name."""
    _clinic_staff(actor)
    person = scope(engine, actor, person_id)
    clean = " ".join(name.split())
    if not clean or len(clean) > TEMPLATE_NAME_MAX:
        raise InputError(f"name the template (up to {TEMPLATE_NAME_MAX} characters)")
    clinic = actor.clinic_id or 0
    if any(t["name"].casefold() == clean.casefold() for t in repo.templates(engine, clinic)):
        raise InputError(f"this clinic already has a template named {clean!r}")
    stored = repo.latest_programme(engine, person.id)
    if stored is None:
        raise InputError("this person has no programme to make a template from")
    repo.audit(engine, now, actor.id, "template.add", person.id, clean)
    return repo.add_template(
        engine, clinic, clean, stored["per_week"], stored["items"], actor.id, now
    )


def prescribe_template(
    engine: Engine,
    cat: Catalogue,
    actor: UserRecord,
    person_id: int,
    template_id: int,
    now: datetime,
) -> dict[str, Any]:
    """Start the person's programme from one of the clinic's templates (checked again against
    the catalogue, as any prescription is)."""
    _clinic_staff(actor)
    scope(engine, actor, person_id)  # outside the clinic: 404, whatever the template
    found = {t["id"]: t for t in repo.templates(engine, actor.clinic_id or 0)}
    if template_id not in found:
        raise InputError("choose one of this clinic's templates")
    t = found[template_id]
    return prescribe(engine, cat, actor, person_id, t["items"], t["per_week"], now)


def handout_pdf(
    engine: Engine, cat: Catalogue, actor: UserRecord, person_id: int, now: datetime
) -> bytes:
    """The printable handout (pictures, steps, doses, stop signs) of what the person may do of
    their programme now: never more than the screening and the stops allow."""
    import tempfile
    from pathlib import Path

    from easeback.pictures.handout import items_from_routine, write_handout

    person = scope(engine, actor, person_id)
    standing, _discharged = _standing(
        engine, person.id, repo.Audit(now, actor.id, "handout.read", person.id)
    )
    view = _programme(cat, standing, now)
    routine = view[0] if view is not None else None
    per_week = standing.programme["per_week"] if standing.programme else 0
    if routine is not None and routine.items:
        notes = [f"{count_text(per_week, per_week, 'session', 'sessions')} a week."]
        items = items_from_routine(routine)
    elif standing.programme is None:
        notes, items = ["No programme is prescribed now."], []
    else:  # on hold: printing it would show what the safety check has not cleared
        notes, items = [ON_HOLD_NOTE], []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "handout.pdf"
        write_handout(items, path, "Your home programme", notes)
        return path.read_bytes()


ON_HOLD_NOTE = (
    "Your programme is on hold until you do the safety check (again): sign in and answer it "
    "first, then print this handout."
)
