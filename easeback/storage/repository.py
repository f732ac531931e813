"""Repository functions: every write is its own committed transaction, so an event is on disk the
moment the function returns; reads return the domain's history records.

Times go in as aware datetimes and are stored as naive UTC; reads convert them to local time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine, Table, func, insert, select, update

from easeback.domain.models import Disposition, StopReason
from easeback.domain.progression import (
    CheckIn,
    History,
    ScreeningRecord,
    SessionRecord,
    StopEvent,
    TechniqueResult,
)
from easeback.storage import schema
from easeback.storage.rows import check_in_row as _check_in
from easeback.storage.schema import DEFAULT_PERSON
from easeback.storage.times import local as _local
from easeback.storage.times import to_utc

# Core statements on schema's tables, not the ORM: a check-in need not import and map it.


def _add(engine: Engine, table: Table, **values: Any) -> int:
    with engine.begin() as conn:
        return _key(conn.execute(insert(table).values(**values)))


def _key(inserted: CursorResult[Any]) -> int:
    """The id the database gave the row just inserted."""
    key = inserted.inserted_primary_key
    assert key is not None
    return int(key[0])


def add_screening(
    engine: Engine,
    at: datetime,
    complete: bool,
    disposition: str | None,
    answers: Mapping[str, object],
    reasons: Sequence[Mapping[str, object]],
    person: str = DEFAULT_PERSON,
) -> int:
    return _add(
        engine,
        schema.screenings,
        person=person,
        at=to_utc(at),
        complete=complete,
        disposition=disposition,
        answers=json.dumps(dict(answers), sort_keys=True),
        reasons=json.dumps(list(reasons)),
    )


def add_check_in(
    engine: Engine, check_in: CheckIn, at: datetime, person: str = DEFAULT_PERSON
) -> int:
    return _add(engine, schema.check_ins, **_check_in(check_in, person, at))


def start_session(
    engine: Engine,
    at: datetime,
    routine: Mapping[str, Any],
    pain_before: int | None,
    source: str = "timer",
    person: str = DEFAULT_PERSON,
) -> int:
    return _add(
        engine,
        schema.sessions,
        person=person,
        started_at=to_utc(at),
        ended_at=None,
        source=source,
        status="in_progress",
        routine=json.dumps(dict(routine)),
        pain_before=pain_before,
        pain_after=None,
        soreness=None,
    )


def add_technique_result(
    engine: Engine, session_id: int, position: int, technique_id: str, outcome: str, at: datetime
) -> int:
    return _add(
        engine,
        schema.technique_results,
        session_id=session_id,
        position=position,
        technique_id=technique_id,
        outcome=outcome,
        at=to_utc(at),
    )


def add_stop(
    engine: Engine,
    session_id: int,
    at: datetime,
    reason: str,
    technique_id: str | None,
    person: str = DEFAULT_PERSON,
) -> int:
    return _add(
        engine,
        schema.stops,
        person=person,
        session_id=session_id,
        at=to_utc(at),
        reason=reason,
        technique_id=technique_id,
    )


def close_interrupted(engine: Engine, person: str = DEFAULT_PERSON) -> int:
    """Guided sessions left in progress (the process was killed, the terminal closed) become
    'interrupted', ended at their last result; called as the next session starts. Returns how
    many were closed."""
    se, tr = schema.sessions.c, schema.technique_results.c
    last = select(func.max(tr.at)).where(tr.session_id == se.id).scalar_subquery()
    with engine.begin() as conn:
        done = conn.execute(
            update(schema.sessions)
            .where(se.person == person, se.status == "in_progress")
            .values(status="interrupted", ended_at=func.coalesce(last, se.started_at))
        )
    return int(done.rowcount)


def finish_session(
    engine: Engine,
    session_id: int,
    at: datetime,
    status: str,
    pain_after: int | None = None,
    soreness: str | None = None,
) -> None:
    se = schema.sessions
    with engine.begin() as conn:
        done = conn.execute(
            update(se)
            .where(se.c.id == session_id)
            .values(ended_at=to_utc(at), status=status, pain_after=pain_after, soreness=soreness)
        )
    if done.rowcount != 1:
        raise LookupError(f"no session {session_id} to finish")


def log_session(
    engine: Engine,
    at: datetime,
    routine: Mapping[str, Any],
    pain_before: int,
    pain_after: int,
    results: Sequence[tuple[str, str]],
    stop: tuple[str, str | None] | None = None,
    soreness: str | None = None,
    person: str = DEFAULT_PERSON,
) -> int:
    """A session done away from the timer, written as one transaction: all of it or nothing."""
    with engine.begin() as conn:
        return _session_rows(
            conn, person, at, routine, pain_before, pain_after, results, stop, "logged", soreness
        )


def add_restore(
    engine: Engine, technique_id: str, at: datetime, person: str = DEFAULT_PERSON
) -> int:
    return _add(engine, schema.restores, person=person, at=to_utc(at), technique_id=technique_id)


COACH_FIELDS = ("reps", "hold_seconds", "slow_down", "bouncing", "past_range", "setup")


def add_coach_counts(
    engine: Engine, session_id: int, counts: Sequence[Mapping[str, Any]]
) -> list[int]:
    """The camera coach's numbers for a recorded session, one row per technique, in one
    transaction. Each mapping has technique_id and the COACH_FIELDS."""
    with engine.begin() as conn:
        return _coach_rows(conn, session_id, counts)


def coach_counts(engine: Engine, session_id: int) -> list[dict[str, Any]]:
    """The camera coach's numbers kept with a session, in the order they were written."""
    cc = schema.coach_counts.c
    with engine.connect() as conn:
        found = conn.execute(
            select(cc.technique_id, *(cc[f] for f in COACH_FIELDS))
            .where(cc.session_id == session_id)
            .order_by(cc.id)
        ).all()
    return [{"technique_id": r[0], **dict(zip(COACH_FIELDS, r[1:], strict=True))} for r in found]


def _pain_days(answers: str) -> int | None:
    value = json.loads(answers).get("pain_days")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def load_history(engine: Engine, person: str = DEFAULT_PERSON, tz: tzinfo | None = None) -> History:
    """The person's whole journal as domain records in local time (tz, or the system's).

    Plain column queries, not ORM entities: ten years of a journal load several times faster.
    """
    sc, ci, se, tr, st, rs = (
        schema.screenings.c,
        schema.check_ins.c,
        schema.sessions.c,
        schema.technique_results.c,
        schema.stops.c,
        schema.restores.c,
    )
    with engine.connect() as conn:
        screenings = tuple(
            ScreeningRecord(
                at=_local(at, tz),
                disposition=Disposition(disp) if disp else None,
                pain_days=_pain_days(answers),
            )
            for at, disp, answers in conn.execute(
                select(sc.at, sc.disposition, sc.answers)
                .where(sc.person == person, sc.complete)
                .order_by(sc.at, sc.id)
            )
        )
        check_ins = tuple(
            CheckIn(
                at=_local(at, tz),
                pain=pain,
                stiffness=stiff,
                peg=(p1, p2, p3) if p1 is not None and p2 is not None and p3 is not None else None,
                activities=tuple((str(n), int(v)) for n, v in json.loads(acts))
                if acts != "[]"
                else (),
            )
            for at, pain, stiff, p1, p2, p3, acts in conn.execute(
                select(
                    ci.at,
                    ci.pain,
                    ci.stiffness,
                    ci.peg_pain,
                    ci.peg_enjoyment,
                    ci.peg_activity,
                    ci.activities,
                )
                .where(ci.person == person)
                .order_by(ci.at, ci.id)
            )
        )
        results: dict[int, list[TechniqueResult]] = {}
        for sid, tid, outcome in conn.execute(
            select(tr.session_id, tr.technique_id, tr.outcome)
            .join(schema.sessions, se.id == tr.session_id)
            .where(se.person == person)
            .order_by(tr.session_id, tr.position)
        ):
            results.setdefault(sid, []).append(TechniqueResult(tid, outcome))
        stops: dict[int, list[StopEvent]] = {}
        for sid, at, reason, stopped_at in conn.execute(
            select(st.session_id, st.at, st.reason, st.technique_id)
            .where(st.person == person)
            .order_by(st.at, st.id)
        ):
            stops.setdefault(sid, []).append(
                StopEvent(_local(at, tz), StopReason(reason), stopped_at)
            )
        sessions = tuple(
            SessionRecord(
                at=_local(at, tz),
                status=status,
                pain_before=before,
                pain_after=after,
                soreness=soreness,
                results=tuple(results.get(sid, ())),
                stops=tuple(stops.get(sid, ())),
            )
            for sid, at, status, before, after, soreness in conn.execute(
                select(se.id, se.started_at, se.status, se.pain_before, se.pain_after, se.soreness)
                .where(se.person == person)
                .order_by(se.started_at, se.id)
            )
        )
        restores = tuple(
            (tid, _local(at, tz))
            for tid, at in conn.execute(
                select(rs.technique_id, rs.at).where(rs.person == person).order_by(rs.at, rs.id)
            )
        )
    return History(screenings, check_ins, sessions, restores)


def load_stops(engine: Engine, person: str = DEFAULT_PERSON, tz: tzinfo | None = None) -> History:
    """Only what the safety gates read, as a History: every stop (one stopped session record
    each) and every restore. A page view need not load years of check-ins to learn whether a
    technique is left out or a nerve-sign stop re-opened the screening."""
    st, rs = schema.stops.c, schema.restores.c
    with engine.connect() as conn:
        sessions = tuple(
            SessionRecord(
                at=_local(at, tz),
                status="stopped",
                stops=(StopEvent(_local(at, tz), StopReason(reason), technique),),
            )
            for at, reason, technique in conn.execute(
                select(st.at, st.reason, st.technique_id)
                .where(st.person == person)
                .order_by(st.at, st.id)
            )
        )
        restores = tuple(
            (tid, _local(at, tz))
            for tid, at in conn.execute(
                select(rs.technique_id, rs.at).where(rs.person == person).order_by(rs.at, rs.id)
            )
        )
    return History(sessions=sessions, restores=restores)


EXPORT_TABLES: dict[str, Table] = {
    "screenings": schema.screenings,
    "check_ins": schema.check_ins,
    "sessions": schema.sessions,
    "technique_results": schema.technique_results,
    "stops": schema.stops,
    "restores": schema.restores,
    "outcomes": schema.outcomes,
}


def rows(engine: Engine, kind: str, person: str = DEFAULT_PERSON) -> list[dict[str, Any]]:
    """Every row of one kind for the person, as column -> value (times in UTC), in id order."""
    return list(iter_rows(engine, kind, person))


def iter_rows(
    engine: Engine, kind: str, person: str = DEFAULT_PERSON, batch: int = 1000
) -> Iterator[dict[str, Any]]:
    """The rows of `rows`, fetched `batch` at a time from a server-side cursor, so an export of
    a long journal holds one batch in memory rather than every row."""
    table = EXPORT_TABLES[kind]
    cols = [c.name for c in table.columns]
    stmt = select(table)
    if "person" in cols:
        stmt = stmt.where(table.c.person == person)
    else:
        stmt = stmt.join(schema.sessions).where(schema.sessions.c.person == person)
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=batch).execute(stmt.order_by(table.c.id))
        for r in result:
            yield dict(zip(cols, r, strict=True))


def latest_screening(engine: Engine, person: str = DEFAULT_PERSON) -> dict[str, Any] | None:
    """The newest complete screening with its answers and reasons decoded, or None."""
    sc = schema.screenings.c
    with engine.connect() as conn:
        r = conn.execute(
            select(sc.at, sc.disposition, sc.answers, sc.reasons)
            .where(sc.person == person, sc.complete)
            .order_by(sc.at.desc(), sc.id.desc())
            .limit(1)
        ).first()
        if r is None:
            return None
        return {
            "at": r.at.replace(tzinfo=UTC),
            "disposition": r.disposition,
            "answers": json.loads(r.answers),
            "reasons": json.loads(r.reasons),
        }


def latest_routine(engine: Engine, person: str = DEFAULT_PERSON) -> dict[str, Any] | None:
    se = schema.sessions.c
    with engine.connect() as conn:
        raw = conn.execute(
            select(se.routine)
            .where(se.person == person)
            .order_by(se.started_at.desc(), se.id.desc())
            .limit(1)
        ).scalar()
    return None if raw is None else dict(json.loads(raw))


# ---- writes sent from a device, each once (easeback.storage.received) ----


def _session_rows(
    conn: Connection,
    person: str,
    at: datetime,
    routine: Mapping[str, Any],
    pain_before: int | None,
    pain_after: int | None,
    results: Sequence[tuple[str, str]],
    stop: tuple[str, str | None] | None,
    source: str,
    soreness: str | None = None,
) -> int:
    """A finished session, its techniques' outcomes and its stop, in the caller's transaction."""
    utc = to_utc(at)
    row = dict(
        person=person,
        started_at=utc,
        ended_at=utc,
        source=source,
        status="stopped" if stop else "completed",
        routine=json.dumps(dict(routine)),
        pain_before=pain_before,
        pain_after=pain_after,
        soreness=soreness,
    )
    sid = _key(conn.execute(insert(schema.sessions).values(row)))
    if results:
        conn.execute(
            insert(schema.technique_results),
            [
                dict(session_id=sid, position=pos, technique_id=tid, outcome=outcome, at=utc)
                for pos, (tid, outcome) in enumerate(results)
            ],
        )
    if stop:
        conn.execute(
            insert(schema.stops).values(
                person=person, session_id=sid, at=utc, reason=stop[0], technique_id=stop[1]
            )
        )
    return sid


def _coach_rows(
    conn: Connection, session_id: int, counts: Sequence[Mapping[str, Any]]
) -> list[int]:
    table = insert(schema.coach_counts)
    return [
        _key(
            conn.execute(
                table.values(
                    session_id=session_id,
                    technique_id=str(c["technique_id"]),
                    **{f: (float if f == "hold_seconds" else int)(c[f]) for f in COACH_FIELDS},
                )
            )
        )
        for c in counts
    ]


def record_stop(
    engine: Engine,
    at: datetime,
    routine: Mapping[str, Any],
    results: Sequence[tuple[str, str]],
    stop: tuple[str, str | None],
    coach: Sequence[Mapping[str, Any]] = (),
    key: str | None = None,
    person: str = DEFAULT_PERSON,
) -> tuple[int | None, bool]:
    """A guided session stopped: the session, its techniques' outcomes, the stop (reason,
    technique) and the camera coach's numbers, in one transaction with the device's key:
    (session id, True), or (the earlier id, False) when that key was received before."""
    from easeback.storage.received import once

    def write(conn: Connection) -> int:
        sid = _session_rows(conn, person, at, routine, None, None, results, stop, "timer")
        _coach_rows(conn, sid, coach)
        return sid

    return once(engine, person, key, "stop", at, write)


def record_check_in(
    engine: Engine,
    check_in: CheckIn,
    at: datetime,
    session: Mapping[str, Any] | None = None,
    coach: Sequence[Mapping[str, Any]] = (),
    key: str | None = None,
    person: str = DEFAULT_PERSON,
) -> tuple[int | None, bool]:
    """A check-in, after the session it rates when `session` is given (routine, pain_before,
    pain_after, results, soreness; with the camera coach's numbers), in one transaction with
    the device's key: (check-in id, True), or (the earlier id, False) for a key received before."""
    from easeback.storage.received import once

    def write(conn: Connection) -> int:
        if session is not None:
            sid = _session_rows(
                conn,
                person,
                at,
                session["routine"],
                session["pain_before"],
                session["pain_after"],
                session["results"],
                None,
                "logged",
                session.get("soreness"),
            )
            _coach_rows(conn, sid, coach)
        return _key(conn.execute(insert(schema.check_ins).values(_check_in(check_in, person))))

    return once(engine, person, key, "check_in", at, write)
