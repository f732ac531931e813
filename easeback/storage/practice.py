"""Repository functions of the practice mode. Every journal query here is filtered by the owner's
user id; the use cases (easeback.usecases) decide who may ask for whose rows.

Times go in as aware datetimes and are stored as naive UTC, like the journal's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    Connection,
    Engine,
    Integer,
    any_,
    bindparam,
    cast,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from easeback.domain import adherence, triage
from easeback.domain.models import Disposition, StopReason
from easeback.domain.outcomes import Outcome
from easeback.domain.progression import (
    CheckIn,
    History,
    JournalFacts,
    ScreeningRecord,
    SessionRecord,
    StopEvent,
)
from easeback.storage.accounts import (
    AuditRow,
    ClinicRow,
    ProgrammeRow,
    TokenRow,
    UserRow,
)
from easeback.storage.outcomes import decode, insert_outcome
from easeback.storage.received import ReceivedRow, once, received
from easeback.storage.tables import (
    CheckInRow,
    EpisodeRow,
    NoteRow,
    OutcomeRow,
    RestoreRow,
    ScreeningRow,
    SessionRow,
    StopRow,
    TechniqueResultRow,
    TemplateRow,
)
from easeback.storage.times import to_utc


class Taken(Exception):
    """A unique value (an email address) is already in use."""


@dataclass(frozen=True)
class UserRecord:
    id: int
    email: str
    role: str
    clinic_id: int | None
    clinic: str | None
    password_hash: str | None
    # users.data_version as read with the record: which cached summary of theirs is current
    version: int = field(default=0, compare=False)


def person_key(user_id: int) -> str:
    """The journal's `person` value of a user, so the journal's own readers find their rows."""
    return f"user-{user_id}"


def _record(u: UserRow, clinic: str | None) -> UserRecord:
    return UserRecord(
        u.id, u.email, u.role, u.clinic_id, clinic, u.password_hash, u.data_version
    )


# ---- clinics and users ----


def clinic_key(name: str) -> str:
    """What makes two clinic names one: case and spacing do not count."""
    return " ".join(name.split()).lower()


def clinic_id(engine: Engine, name: str, at: datetime) -> int:
    """The clinic of that name whatever its case and spacing ("north  street" is "North
    Street"), created if new (a unique index on the folded name settles two creating it at
    once)."""
    name, key = " ".join(name.split()), clinic_key(name)
    for _attempt in range(2):
        try:
            with Session(engine) as s, s.begin():
                found = s.scalar(select(ClinicRow.id).where(ClinicRow.name_key == key))
                if found is not None:
                    return found
                row = ClinicRow(name=name, name_key=key, created_at=to_utc(at))
                s.add(row)
                s.flush()
                return row.id
        except IntegrityError:
            continue  # created meanwhile: found on the second look
    raise RuntimeError(f"clinic {name!r} could be neither found nor created")


# ids are 32-bit integers in the database: a larger (or negative) one names nothing, and is
# answered as not found rather than sent to PostgreSQL, which would refuse it with an error
MAX_ID = 2**31 - 1


def _is_id(value: int) -> bool:
    return 1 <= value <= MAX_ID


def add_user(
    engine: Engine,
    email: str,
    role: str,
    clinic: int | None,
    password_hash: str | None,
    at: datetime,
) -> int:
    try:
        with Session(engine) as s, s.begin():
            row = UserRow(
                email=email,
                role=role,
                clinic_id=clinic,
                password_hash=password_hash,
                created_at=to_utc(at),
            )
            s.add(row)
            s.flush()
            return row.id
    except IntegrityError:
        raise Taken(email) from None


_USERS = select(
    UserRow.id, UserRow.email, UserRow.role, UserRow.clinic_id, ClinicRow.name,
    UserRow.password_hash, UserRow.data_version,
).outerjoin(ClinicRow, UserRow.clinic_id == ClinicRow.id)  # fmt: skip
# Built once (a statement's cache key is memoized on the object): the busiest lookups
_USER_BY_ID = _USERS.where(UserRow.id == bindparam("uid"))
_PEOPLE_OF_CLINIC = _USERS.where(
    UserRow.clinic_id == bindparam("clinic"), UserRow.role == "person"
).order_by(UserRow.id)


def _users(engine: Engine, stmt: Any, params: dict[str, Any] | None = None) -> list[UserRecord]:
    """Users as records: one statement, outside a transaction (it needs none), its columns
    only (no ORM objects made and thrown away)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        return [UserRecord(*row) for row in conn.execute(stmt, params or {})]


def user_by_email(engine: Engine, email: str) -> UserRecord | None:
    found = _users(engine, _USERS.where(UserRow.email == email))
    return found[0] if found else None


def user_by_id(engine: Engine, user_id: int) -> UserRecord | None:
    if not _is_id(user_id):
        return None
    found = _users(engine, _USER_BY_ID, {"uid": user_id})
    return found[0] if found else None


def people_of_clinic(engine: Engine, clinic: int) -> list[UserRecord]:
    return _users(engine, _PEOPLE_OF_CLINIC, {"clinic": clinic})


def all_users(engine: Engine) -> list[UserRecord]:
    return _users(engine, _USERS.order_by(UserRow.id))


def set_password(engine: Engine, user_id: int, password_hash: str | None) -> None:
    with Session(engine) as s, s.begin():
        s.execute(update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash))


def delete_user(engine: Engine, user_id: int) -> None:
    """The account and every journal row it owns (and the keys its phone sent writes with), in
    one transaction. Sessions take their technique results, stops and camera numbers with them,
    the account its tokens, recovery codes and programmes (ON DELETE CASCADE)."""
    with Session(engine) as s, s.begin():
        for table in (StopRow, RestoreRow, CheckInRow, ScreeningRow, OutcomeRow):
            s.execute(delete(table).where(table.user_id == user_id))
        ids = select(SessionRow.id).where(SessionRow.user_id == user_id)
        s.execute(delete(TechniqueResultRow).where(TechniqueResultRow.session_id.in_(ids)))
        s.execute(delete(SessionRow).where(SessionRow.user_id == user_id))
        s.execute(delete(ReceivedRow).where(ReceivedRow.person == person_key(user_id)))
        s.execute(delete(UserRow).where(UserRow.id == user_id))


# ---- tokens ----


def add_token(
    engine: Engine,
    user_id: int,
    token_hash: str,
    kind: str,
    at: datetime,
    expires_at: datetime,
    csrf: str | None = None,
) -> None:
    with Session(engine) as s, s.begin():
        s.add(
            TokenRow(
                user_id=user_id,
                token_hash=token_hash,
                kind=kind,
                csrf=csrf,
                created_at=to_utc(at),
                expires_at=to_utc(expires_at),
                revoked_at=None,
            )
        )


def _token_owner_query(kinds: tuple[str, ...]) -> Any:
    t, u = TokenRow, UserRow
    return (
        select(
            u.id, u.email, u.role, u.clinic_id, ClinicRow.name, u.password_hash, t.csrf,
            u.data_version,
        )
        .join(t, t.user_id == u.id)
        .outerjoin(ClinicRow, u.clinic_id == ClinicRow.id)
        .where(
            t.token_hash == bindparam("hash"),
            t.kind.in_(kinds),
            t.revoked_at.is_(None),
            t.expires_at > bindparam("now"),
        )
    )


# Built once: on the hot paths, building a statement and its cache key every time cost more
# CPU than running it (SQLAlchemy memoizes the key of a statement object it sees again).
_TOKEN_OWNER: dict[tuple[str, ...], Any] = {
    kinds: _token_owner_query(kinds) for kinds in (("session", "api"), ("invite",))
}


def token_owner(
    engine: Engine, token_hash: str, kinds: Sequence[str], now: datetime
) -> tuple[UserRecord, str | None] | None:
    """The user of a live (unrevoked, unexpired) token of one of the kinds, and its CSRF value:
    one query, as it runs on every request. Outside a transaction (AUTOCOMMIT): one statement
    needs none, and skipping BEGIN and ROLLBACK saves two of its four round trips."""
    key = tuple(kinds)
    stmt = _TOKEN_OWNER[key] if key in _TOKEN_OWNER else _token_owner_query(key)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        row = conn.execute(stmt, {"hash": token_hash, "now": to_utc(now)}).first()
    if row is None:
        return None
    return UserRecord(row[0], row[1], row[2], row[3], row[4], row[5], row[7]), row[6]


def revoke_token(engine: Engine, token_hash: str, now: datetime) -> bool:
    with Session(engine) as s, s.begin():
        done = s.execute(
            update(TokenRow)
            .where(TokenRow.token_hash == token_hash, TokenRow.revoked_at.is_(None))
            .values(revoked_at=to_utc(now))
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]


def revoke_all(engine: Engine, user_id: int, now: datetime) -> None:
    with Session(engine) as s, s.begin():
        s.execute(
            update(TokenRow)
            .where(TokenRow.user_id == user_id, TokenRow.revoked_at.is_(None))
            .values(revoked_at=to_utc(now))
        )


def revoke_kind(engine: Engine, user_id: int, kind: str, now: datetime) -> None:
    """End every live token of one kind (session, api, invite) of a user."""
    with Session(engine) as s, s.begin():
        s.execute(
            update(TokenRow)
            .where(
                TokenRow.user_id == user_id, TokenRow.kind == kind, TokenRow.revoked_at.is_(None)
            )
            .values(revoked_at=to_utc(now))
        )


@dataclass(frozen=True)
class TokenInfo:
    """A live sign-in session or API token as its owner sees it (never its value)."""

    id: int
    kind: str
    created_at: datetime  # naive UTC
    expires_at: datetime


def live_tokens(engine: Engine, user_id: int, now: datetime) -> list[TokenInfo]:
    """The user's unrevoked, unexpired sessions and API tokens, newest first."""
    t = TokenRow
    with engine.connect() as conn:
        found = conn.execute(
            select(t.id, t.kind, t.created_at, t.expires_at)
            .where(
                t.user_id == user_id,
                t.kind.in_(("session", "api")),
                t.revoked_at.is_(None),
                t.expires_at > to_utc(now),
            )
            .order_by(t.created_at.desc(), t.id.desc())
        ).all()
    return [TokenInfo(i, k, c, e) for i, k, c, e in found]


def token_id(engine: Engine, token_hash: str) -> int | None:
    with engine.connect() as conn:
        return conn.scalar(select(TokenRow.id).where(TokenRow.token_hash == token_hash))


def revoke_token_of(
    engine: Engine, user_id: int, token_id: int, now: datetime, audit: Audit | None = None
) -> bool:
    """Revoke one live session or API token of this user; False if they have no such token."""
    if not _is_id(token_id):
        return False
    with engine.begin() as conn:
        done = conn.execute(
            update(TokenRow)
            .where(
                TokenRow.id == token_id,
                TokenRow.user_id == user_id,
                TokenRow.kind.in_(("session", "api")),
                TokenRow.revoked_at.is_(None),
            )
            .values(revoked_at=to_utc(now))
        )
        if not done.rowcount:
            return False
        _append(conn, audit)
        return True


# ---- audit log: append and read, nothing else ----


@dataclass(frozen=True)
class Audit:
    """One line of the audit log, written in the same transaction as the change or read it
    records, so the log never misses one that happened (nor holds one that did not)."""

    at: datetime
    actor_id: int | None
    action: str
    subject_id: int | None
    detail: str = ""


_AUDIT = insert(AuditRow)


def _log_line(entry: Audit) -> dict[str, Any]:
    return {
        "at": to_utc(entry.at),
        "actor_id": entry.actor_id,
        "action": entry.action,
        "subject_id": entry.subject_id,
        "detail": entry.detail,
    }


def _append(conn: Connection | Session, entry: Audit | None) -> None:
    if entry is None:
        return
    conn.execute(_AUDIT, _log_line(entry))


def audit(
    engine: Engine,
    at: datetime,
    actor_id: int | None,
    action: str,
    subject_id: int | None,
    detail: str = "",
) -> None:
    with engine.begin() as conn:
        _append(conn, Audit(at, actor_id, action, subject_id, detail))


# the version of the subject's data, returned with the audit line of the read
_READ = _AUDIT.returning(
    select(UserRow.data_version).where(UserRow.id == bindparam("whose")).scalar_subquery()
)


def _read_params(entry: Audit) -> dict[str, Any]:
    return {**_log_line(entry), "whose": entry.subject_id}


def logged_read(engine: Engine, entry: Audit) -> int:
    """The audit line of a read of one person's data, and the version of their data now
    (users.data_version; 0 for no such account): one statement, outside a transaction (on its
    own it is atomic), as it runs on every read of a person's progress."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        version = conn.execute(_READ, _read_params(entry)).scalar()
    return int(version or 0)


# the version of the rows a programme's standing reads (kept_standing)
_PLAN_READ = _AUDIT.returning(
    select(UserRow.plan_version).where(UserRow.id == bindparam("whose")).scalar_subquery()
)
_PLAN_VERSION = select(UserRow.plan_version).where(UserRow.id == bindparam("uid"))


def audit_trail(engine: Engine, subject_id: int) -> list[dict[str, Any]]:
    with Session(engine) as s:
        found = s.scalars(
            select(AuditRow).where(AuditRow.subject_id == subject_id).order_by(AuditRow.id)
        ).all()
        return [
            {
                "at": r.at.isoformat(),
                "actor_id": r.actor_id,
                "action": r.action,
                "subject_id": r.subject_id,
                "detail": r.detail,
            }
            for r in found
        ]


# ---- programmes ----


def add_programme(
    engine: Engine,
    person_id: int,
    clinician_id: int,
    at: datetime,
    items: Sequence[Mapping[str, object]],
    per_week: int,
    audit: Audit | None = None,
) -> int:
    with Session(engine) as s, s.begin():
        _append(s, audit)
        row = ProgrammeRow(
            person_id=person_id,
            clinician_id=clinician_id,
            at=to_utc(at),
            per_week=per_week,
            items=json.dumps([dict(i) for i in items]),
        )
        s.add(row)
        s.flush()
        return row.id


def latest_programme(engine: Engine, person_id: int) -> dict[str, Any] | None:
    """The programme in force: {"at" (naive UTC), "per_week", "items", "clinician_id"}."""
    p = ProgrammeRow
    with engine.connect() as conn:
        row = conn.execute(
            select(p.at, p.per_week, p.items, p.clinician_id)
            .where(p.person_id == person_id)
            .order_by(p.at.desc(), p.id.desc())
            .limit(1)
        ).first()
    if row is None:
        return None
    return {
        "at": row[0],
        "per_week": row[1],
        "items": json.loads(row[2]),
        "clinician_id": row[3],
    }


@dataclass(frozen=True)
class Standing:
    """What a person's programme view needs, read in one transaction: the programme in force,
    the newest complete screening's answers, and the part of the journal the safety rules read
    (that screening, the sessions that were stopped with their stops, the put-backs)."""

    programme: dict[str, Any] | None  # as latest_programme gives it
    answers: dict[str, Any] | None  # of the newest complete screening
    history: History  # naive UTC times; sessions: only the stopped ones


_p, _sc, _se, _st, _rs = ProgrammeRow, ScreeningRow, SessionRow, StopRow, RestoreRow
_PROGRAMME = (
    select(_p.at, _p.per_week, _p.items, _p.clinician_id)
    .where(_p.person_id == bindparam("uid"))
    .order_by(_p.at.desc(), _p.id.desc())
    .limit(1)
)
_COMPLETE_SCREENING = (
    select(_sc.at, _sc.disposition, _sc.answers)
    .where(_sc.user_id == bindparam("uid"), _sc.complete)
    .order_by(_sc.at.desc(), _sc.id.desc())
    .limit(1)
)
_STOPPED = (
    select(_se.id, _se.started_at, _se.status, _st.at, _st.reason, _st.technique_id)
    .join(_se, _se.id == _st.session_id)
    .where(_st.user_id == bindparam("uid"))
    .order_by(_se.started_at, _se.id, _st.at, _st.id)
)
_RESTORES = (
    select(_rs.technique_id, _rs.at).where(_rs.user_id == bindparam("uid")).order_by(_rs.at, _rs.id)
)


def standing(engine: Engine, user_id: int, audit: Audit | None = None) -> Standing:
    """Four small queries on one connection, however long the journal: this runs on every
    look at the programme and every logged session."""
    with engine.begin() as conn:
        _append(conn, audit)
        return _standing(conn, user_id)


def kept_standing(
    engine: Engine, user_id: int, audit: Audit | None = None
) -> tuple[Standing, dict[str, Any] | None]:
    """The person's standing and latest_episode, kept until their next write to what it reads
    (users.plan_version: programmes, screenings, sessions, stops, put-backs, episodes; not
    check-ins, outcomes or notes): the version read first (with the read's audit line when
    given), then what is kept for it, else read (on the same connection) and kept. Outside
    a transaction: one statement at a time, as PostgreSQL's READ COMMITTED reads them anyway."""
    from easeback.storage.versioned import kept

    cache = kept(engine, "standing")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if audit is not None:
            version = int(conn.execute(_PLAN_READ, _read_params(audit)).scalar() or 0)
        else:
            version = int(conn.execute(_PLAN_VERSION, {"uid": user_id}).scalar() or 0)
        found = cache.get(user_id, version) if version else None
        if isinstance(found, tuple):
            return found
        if conn.dialect.name == "postgresql":  # one statement: storage.gathered
            from easeback.storage import gathered

            out = gathered.standing(conn, user_id)
        else:
            row = conn.execute(_LATEST_EPISODE, {"uid": user_id}).first()
            out = (_standing(conn, user_id), None if row is None else dict(row._mapping))
    if version:
        cache.put(user_id, version, out)
    return out


def _standing(conn: Connection, user_id: int) -> Standing:
    uid = {"uid": user_id}
    with nullcontext(conn):
        prow = conn.execute(_PROGRAMME, uid).first()
        srow = conn.execute(_COMPLETE_SCREENING, uid).first()
        stops = conn.execute(_STOPPED, uid).all()
        restores = conn.execute(_RESTORES, uid).all()
    return standing_of(prow, srow, stops, restores)


def standing_of(
    prow: Sequence[Any] | None,
    srow: Sequence[Any] | None,
    stops: Iterable[Sequence[Any]],
    put_back: Iterable[Sequence[Any]],
) -> Standing:
    """A Standing from its rows: the programme's (at, per_week, items, clinician_id), the
    newest complete screening's (at, disposition, answers), the stopped sessions' (id,
    started_at, status, stop's at, reason, technique_id) and the put-backs' (technique_id,
    at), times naive UTC, in the order of _PROGRAMME, _COMPLETE_SCREENING, _STOPPED and
    _RESTORES."""
    stopped: dict[int, tuple[datetime, str, list[StopEvent]]] = {}
    for sid, started, status, at, reason, tid in stops:
        stopped.setdefault(sid, (started, status, []))[2].append(
            StopEvent(at, StopReason(reason), tid)
        )
    restores = tuple((str(tid), at) for tid, at in put_back)
    programme = None
    if prow is not None:
        programme = {
            "at": prow[0],
            "per_week": prow[1],
            "items": json.loads(prow[2]),
            "clinician_id": prow[3],
        }
    screenings: tuple[ScreeningRecord, ...] = ()
    answers = None
    if srow is not None:
        answers = json.loads(srow[2])
        days = answers.get("pain_days")
        pain_days = days if isinstance(days, int) and not isinstance(days, bool) else None
        screenings = (
            ScreeningRecord(srow[0], Disposition(srow[1]) if srow[1] else None, pain_days),
        )
    sessions = tuple(
        SessionRecord(started, status, stops=tuple(events))
        for started, status, events in stopped.values()
    )
    return Standing(programme, answers, History(screenings, (), sessions, restores))


# ---- the journal, owned ----


_CHECK_IN = insert(CheckInRow).returning(CheckInRow.id)
_SESSION = insert(SessionRow).returning(SessionRow.id)
_RESULT = insert(TechniqueResultRow)
_STOP = insert(StopRow)


def add_check_in(
    engine: Engine,
    user_id: int,
    check_in: CheckIn,
    at: datetime,
    audit: Audit | None = None,
    key: str | None = None,
) -> int | None:
    """A check-in and its audit line in one transaction, with the device's key when sent again
    until confirmed (a key received before writes nothing and gives the earlier id)."""

    def write(conn: Connection) -> int:
        _append(conn, audit)
        new_id: int = conn.execute(_CHECK_IN, _check_in_row(user_id, check_in, at)).scalar_one()
        return new_id

    if key is None and audit is not None and engine.dialect.name == "postgresql":
        # one statement, atomic on its own: no BEGIN and COMMIT round trips (storage.gathered)
        from easeback.storage import gathered

        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            row = _check_in_row(user_id, check_in, at)
            return gathered.add_check_in(conn, row, _log_line(audit))
    return once(engine, person_key(user_id), key, "check_in", at, write)[0]


def _check_in_row(user_id: int, check_in: CheckIn, at: datetime) -> dict[str, Any]:
    peg = check_in.peg or (None, None, None)
    return {
        "person": person_key(user_id),
        "user_id": user_id,
        "at": to_utc(at),
        "pain": check_in.pain,
        "stiffness": check_in.stiffness,
        "peg_pain": peg[0],
        "peg_enjoyment": peg[1],
        "peg_activity": peg[2],
        "activities": json.dumps([list(a) for a in check_in.activities]),
    }


def add_screening(
    engine: Engine,
    user_id: int,
    at: datetime,
    complete: bool,
    disposition: str | None,
    answers: Mapping[str, object],
    reasons: Sequence[Mapping[str, object]],
    audit: Audit | None = None,
) -> int:
    with Session(engine) as s, s.begin():
        _append(s, audit)
        row = ScreeningRow(
            person=person_key(user_id),
            user_id=user_id,
            at=to_utc(at),
            complete=complete,
            disposition=disposition,
            answers=json.dumps(dict(answers), sort_keys=True),
            reasons=json.dumps(list(reasons)),
        )
        s.add(row)
        s.flush()
        return row.id


def _reached(reasons: str) -> list[str]:
    return [str(r["disposition"]) for r in json.loads(reasons) if r.get("disposition")]


def last_screening(engine: Engine, user_id: int) -> tuple[datetime, list[str]] | None:
    """The newest screening of the user, finished or not: (when, naive UTC; the dispositions
    its reasons reached)."""
    with engine.connect() as conn:
        return _last_screening(conn, user_id)


_LAST_SCREENING = (
    select(_sc.at, _sc.reasons)
    .where(_sc.user_id == bindparam("uid"))
    .order_by(_sc.at.desc(), _sc.id.desc())
    .limit(1)
)


def _last_screening(conn: Connection, user_id: int) -> tuple[datetime, list[str]] | None:
    row = conn.execute(_LAST_SCREENING, {"uid": user_id}).first()
    return None if row is None else (row[0], _reached(row[1]))


def programme_and_screening(
    engine: Engine, user_id: int, audit: Audit | None = None
) -> tuple[tuple[datetime, int] | None, tuple[datetime, list[str]] | None]:
    """(since, per week) of the programme in force, and last_screening: one transaction."""
    with engine.begin() as conn:
        _append(conn, audit)
        prow = conn.execute(_PROGRAMME, {"uid": user_id}).first()
        return (None if prow is None else (prow[0], int(prow[1]))), _last_screening(conn, user_id)


def log_session(
    engine: Engine,
    user_id: int,
    at: datetime,
    routine: Mapping[str, Any],
    pain_before: int | None,
    pain_after: int | None,
    results: Sequence[tuple[str, str]],
    stop: tuple[str, str | None] | None = None,
    audit: Audit | None = None,
    device_key: str | None = None,
) -> int | None:
    """A session logged afterwards, as one transaction (its audit line too), owned by the user;
    with the device's key when sent again until confirmed (a key received before writes
    nothing and gives the earlier id)."""
    utc = to_utc(at)
    key = person_key(user_id)

    def write(conn: Connection) -> int:
        _append(conn, audit)
        sid: int = conn.execute(
            _SESSION,
            {
                "person": key,
                "user_id": user_id,
                "started_at": utc,
                "ended_at": utc,
                "source": "logged",
                "status": "stopped" if stop else "completed",
                "routine": json.dumps(dict(routine)),
                "pain_before": pain_before,
                "pain_after": pain_after,
                "soreness": None,
            },
        ).scalar_one()
        if results:
            conn.execute(
                _RESULT,
                [
                    {"session_id": sid, "position": pos, "technique_id": tid,
                     "outcome": outcome, "at": utc}
                    for pos, (tid, outcome) in enumerate(results)
                ],
            )  # fmt: skip
        if stop:
            conn.execute(
                _STOP,
                {"person": key, "user_id": user_id, "session_id": sid, "at": utc,
                 "reason": stop[0], "technique_id": stop[1]},
            )  # fmt: skip
        return sid

    kind = "stop" if stop else "session"
    if device_key is None and audit is not None and engine.dialect.name == "postgresql":
        # one statement, atomic on its own: no BEGIN and COMMIT round trips (storage.gathered)
        from easeback.storage import gathered

        row = {
            "person": key, "user_id": user_id, "started_at": utc, "ended_at": utc,
            "source": "logged", "status": "stopped" if stop else "completed",
            "routine": json.dumps(dict(routine)), "pain_before": pain_before,
            "pain_after": pain_after,
        }  # fmt: skip
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            return gathered.log_session(conn, row, results, stop, _log_line(audit))
    return once(engine, key, device_key, kind, at, write)[0]


def _among(conn: Connection, column: Any, ids: Sequence[int]) -> Any:
    """`column IN ids`: on PostgreSQL `= ANY(array)`, one parameter whatever the number of ids,
    so the statement's text is the same for every list (prepared once, not parsed each time)."""
    if conn.dialect.name != "postgresql":
        return column.in_(ids)
    return column == any_(cast(bindparam("ids", list(ids), type_=ARRAY(Integer)), ARRAY(Integer)))


def last_activity(engine: Engine, user_ids: Sequence[int]) -> dict[int, datetime]:
    """The newest check-in or session of each user (naive UTC), in two grouped queries."""
    if not user_ids:
        return {}
    with engine.connect() as conn:
        return _last_activity(conn, user_ids)


def _last_activity(conn: Connection, user_ids: Sequence[int]) -> dict[int, datetime]:
    out: dict[int, datetime] = {}
    with nullcontext(conn) as s:
        for col, at in (
            (CheckInRow.user_id, CheckInRow.at),
            (SessionRow.user_id, SessionRow.started_at),
        ):
            for uid, latest in s.execute(
                select(col, func.max(at)).where(_among(conn, col, user_ids)).group_by(col)
            ).all():
                if uid is not None and (uid not in out or latest > out[uid]):
                    out[int(uid)] = latest
    return out


@dataclass
class Overview:
    """What a clinician's list needs of one person, read for the whole clinic at once."""

    check_ins: list[CheckIn]
    sessions: list[SessionRecord]
    programme: tuple[datetime, int] | None = None  # (since, per week), naive UTC
    screening: tuple[datetime, list[str]] | None = None  # as last_screening gives it


def _id(value: int | None) -> int:
    assert value is not None  # the queries ask for rows of given users only
    return value


def overviews(engine: Engine, user_ids: Sequence[int], since: datetime) -> dict[int, Overview]:
    """Check-ins since then, every session with its stops, the programme in force and the
    newest screening of each user: five queries for the whole list, not five per person."""
    if not user_ids:
        return {}
    with engine.connect() as conn:
        return _overviews(conn, user_ids, since)


def _overviews(conn: Connection, user_ids: Sequence[int], since: datetime) -> dict[int, Overview]:
    out = {uid: Overview([], []) for uid in user_ids}
    ids = list(out)
    ci, se, st = CheckInRow, SessionRow, StopRow
    with nullcontext(conn):
        for uid, at, pain, stiff, p1, p2, p3 in conn.execute(
            select(ci.user_id, ci.at, ci.pain, ci.stiffness, ci.peg_pain, ci.peg_enjoyment,
                   ci.peg_activity)
            .where(_among(conn, ci.user_id, ids), ci.at >= to_utc(since))
            .order_by(ci.at, ci.id)
        ):  # fmt: skip
            peg = (p1, p2, p3) if p1 is not None and p2 is not None and p3 is not None else None
            out[_id(uid)].check_ins.append(CheckIn(at, pain, stiff, peg))
        stops: dict[int, list[StopEvent]] = {}
        for sid, at, reason, tid in conn.execute(
            select(st.session_id, st.at, st.reason, st.technique_id)
            .where(_among(conn, st.user_id, ids))
            .order_by(st.at, st.id)
        ):
            stops.setdefault(sid, []).append(StopEvent(at, StopReason(reason), tid))
        for sid, uid, at, status, before, after in conn.execute(
            select(se.id, se.user_id, se.started_at, se.status, se.pain_before, se.pain_after)
            .where(_among(conn, se.user_id, ids))
            .order_by(se.started_at, se.id)
        ):
            out[_id(uid)].sessions.append(
                SessionRecord(at, status, before, after, stops=tuple(stops.get(sid, ())))
            )
        for uid, at, per_week in conn.execute(
            select(ProgrammeRow.person_id, ProgrammeRow.at, ProgrammeRow.per_week)
            .where(_among(conn, ProgrammeRow.person_id, ids))
            .order_by(ProgrammeRow.at, ProgrammeRow.id)
        ):
            out[uid].programme = (at, per_week)
        latest: dict[int, tuple[datetime, str]] = {}
        for uid, at, reasons in conn.execute(
            select(ScreeningRow.user_id, ScreeningRow.at, ScreeningRow.reasons)
            .where(_among(conn, ScreeningRow.user_id, ids))
            .order_by(ScreeningRow.at, ScreeningRow.id)
        ):
            latest[_id(uid)] = (at, reasons)
    for uid, (at, reasons) in latest.items():
        out[uid].screening = (at, _reached(reasons))
    return out


def received_before(engine: Engine, user_id: int, key: str, kind: str) -> tuple[int | None] | None:
    """(the id it made,) of a write of this kind saved before under this device key, else None
    (KeyReused when the key came with another kind of write)."""
    with engine.connect() as conn:
        return received(conn, person_key(user_id), key, kind)


# ---- the clinician's day: triage inputs, a person's whole record, outcome measures ----


def add_outcome(
    engine: Engine, user_id: int, outcome: Outcome, at: datetime, audit: Audit | None = None
) -> int:
    """A PEG or PSFS the person recorded, with its audit line, in one transaction."""
    with engine.begin() as conn:
        _append(conn, audit)
        return insert_outcome(conn, outcome, at, person_key(user_id), user_id)


def last_outcomes(engine: Engine, user_id: int) -> dict[str, Outcome]:
    """The newest recording of each measure of the user (naive UTC)."""
    o = OutcomeRow
    out: dict[str, Outcome] = {}
    with engine.connect() as conn:
        for measure in ("peg", "psfs"):
            row = conn.execute(
                select(o.at, o.measure, o.items)
                .where(o.user_id == user_id, o.measure == measure)
                .order_by(o.at.desc(), o.id.desc())
                .limit(1)
            ).first()
            if row is not None:
                out[measure] = decode(row[0], row[1], row[2])
    return out


@dataclass
class Care:
    """What the triage and the weekly adherence read of one person beyond the overview: every
    screening, stop, programme and put-back, the sessions that count as done, the PEG scores."""

    screenings: list[triage.Screening]
    stops: list[triage.Stop]
    programmes: list[triage.Programme]
    restores: list[tuple[str, datetime]]
    sessions_done: list[datetime]
    peg: list[tuple[datetime, float]]


def care(engine: Engine, user_ids: Sequence[int]) -> dict[int, Care]:
    """Care of each user, in seven queries for the whole list (naive UTC times)."""
    if not user_ids:
        return {}
    with engine.connect() as conn:
        return _care(conn, user_ids)


def _care(conn: Connection, user_ids: Sequence[int]) -> dict[int, Care]:
    out = {uid: Care([], [], [], [], [], []) for uid in user_ids}
    ids = list(out)
    sc, st, se, tr, rs, oc, ci = (
        ScreeningRow,
        StopRow,
        SessionRow,
        TechniqueResultRow,
        RestoreRow,
        OutcomeRow,
        CheckInRow,
    )
    with nullcontext(conn):
        for sid, uid, at, complete, reasons in conn.execute(
            select(sc.id, sc.user_id, sc.at, sc.complete, sc.reasons)
            .where(_among(conn, sc.user_id, ids))
            .order_by(sc.at, sc.id)
        ):
            reached = frozenset(_reached(reasons))
            out[_id(uid)].screenings.append(triage.Screening(sid, at, bool(complete), reached))
        for stop_id, uid, at, reason, tid in conn.execute(
            select(st.id, st.user_id, st.at, st.reason, st.technique_id)
            .where(_among(conn, st.user_id, ids))
            .order_by(st.at, st.id)
        ):
            out[_id(uid)].stops.append(triage.Stop(stop_id, at, reason, tid))
        for uid, at, per_week, items in conn.execute(
            select(
                ProgrammeRow.person_id, ProgrammeRow.at, ProgrammeRow.per_week, ProgrammeRow.items
            )
            .where(_among(conn, ProgrammeRow.person_id, ids))
            .order_by(ProgrammeRow.at, ProgrammeRow.id)
        ):
            tids = tuple(str(i["id"]) for i in json.loads(items))
            out[uid].programmes.append(triage.Programme(at, int(per_week), tids))
        for uid, tid, at in conn.execute(
            select(rs.user_id, rs.technique_id, rs.at)
            .where(_among(conn, rs.user_id, ids))
            .order_by(rs.at, rs.id)
        ):
            out[_id(uid)].restores.append((str(tid), at))
        outcomes: dict[int, list[str]] = {}
        for sid, outcome in conn.execute(
            select(tr.session_id, tr.outcome)
            .join(se, se.id == tr.session_id)
            .where(_among(conn, se.user_id, ids))
            .order_by(tr.session_id, tr.position)
        ):
            outcomes.setdefault(sid, []).append(str(outcome))
        for sid, uid, at, status in conn.execute(
            select(se.id, se.user_id, se.started_at, se.status)
            .where(_among(conn, se.user_id, ids))
            .order_by(se.started_at, se.id)
        ):
            if adherence.counts(status, outcomes.get(sid, [])):
                out[_id(uid)].sessions_done.append(at)
        pegs: dict[int, list[tuple[datetime, float]]] = {uid: [] for uid in ids}
        for uid, at, score in conn.execute(
            select(oc.user_id, oc.at, oc.score)
            .where(_among(conn, oc.user_id, ids), oc.measure == "peg")
        ):
            pegs[_id(uid)].append((at, float(score)))
        for uid, at, p1, p2, p3 in conn.execute(
            select(ci.user_id, ci.at, ci.peg_pain, ci.peg_enjoyment, ci.peg_activity).where(
                _among(conn, ci.user_id, ids), ci.peg_pain.is_not(None)
            )
        ):
            if p1 is not None and p2 is not None and p3 is not None:
                pegs[_id(uid)].append((at, (p1 + p2 + p3) / 3))
    for uid, found in pegs.items():
        out[uid].peg = sorted(found)
    return out


@dataclass
class Whole:
    """Everything of one person's record that their page shows, in time order, naive UTC:
    rows as dicts with their ids (the page links to them)."""

    screenings: list[dict[str, Any]]
    check_ins: list[dict[str, Any]]
    sessions: list[dict[str, Any]]  # each with "results": [(technique id, outcome)]
    stops: list[dict[str, Any]]
    programmes: list[dict[str, Any]]
    restores: list[dict[str, Any]]
    outcomes: list[tuple[int, Outcome]]


def whole_record(engine: Engine, user_id: int, audit: Audit | None = None) -> Whole:
    """One person's whole record, in one transaction (with the read's audit line)."""
    sc, ci, se, tr, st, rs, oc = (
        ScreeningRow,
        CheckInRow,
        SessionRow,
        TechniqueResultRow,
        StopRow,
        RestoreRow,
        OutcomeRow,
    )
    p = ProgrammeRow

    def dicts(conn: Connection, stmt: Any) -> list[dict[str, Any]]:
        return [dict(r._mapping) for r in conn.execute(stmt)]

    with engine.begin() as conn:
        _append(conn, audit)
        screenings = dicts(
            conn,
            select(sc.id, sc.at, sc.complete, sc.disposition, sc.reasons)
            .where(sc.user_id == user_id)
            .order_by(sc.at, sc.id),
        )
        check_ins = dicts(
            conn,
            select(
                ci.id, ci.at, ci.pain, ci.stiffness, ci.peg_pain, ci.peg_enjoyment, ci.peg_activity
            )
            .where(ci.user_id == user_id)
            .order_by(ci.at, ci.id),
        )
        sessions = dicts(
            conn,
            select(
                se.id,
                se.started_at.label("at"),
                se.status,
                se.pain_before,
                se.pain_after,
                se.soreness,
            )
            .where(se.user_id == user_id)
            .order_by(se.started_at, se.id),
        )
        results: dict[int, list[tuple[str, str]]] = {}
        for sid, tid, outcome in conn.execute(
            select(tr.session_id, tr.technique_id, tr.outcome)
            .join(se, se.id == tr.session_id)
            .where(se.user_id == user_id)
            .order_by(tr.session_id, tr.position)
        ):
            results.setdefault(sid, []).append((str(tid), str(outcome)))
        stops = dicts(
            conn,
            select(st.id, st.session_id, st.at, st.reason, st.technique_id)
            .where(st.user_id == user_id)
            .order_by(st.at, st.id),
        )
        programmes = dicts(
            conn,
            select(p.id, p.at, p.per_week, p.items, p.clinician_id, UserRow.email)
            .outerjoin(UserRow, UserRow.id == p.clinician_id)
            .where(p.person_id == user_id)
            .order_by(p.at, p.id),
        )
        restores = dicts(
            conn,
            select(rs.id, rs.at, rs.technique_id).where(rs.user_id == user_id).order_by(rs.at),
        )
        found = conn.execute(
            select(oc.id, oc.at, oc.measure, oc.items)
            .where(oc.user_id == user_id)
            .order_by(oc.at, oc.id)
        ).all()
    for s in sessions:
        s["results"] = results.get(s["id"], [])
    for prow in programmes:
        prow["items"] = json.loads(prow["items"])
    for srow in screenings:
        srow["reasons"] = json.loads(srow["reasons"])
    outs = [(i, decode(at, m, items)) for i, at, m, items in found]
    return Whole(screenings, check_ins, sessions, stops, programmes, restores, outs)


# ---- episodes of care and clinicians' notes ----


def _open_episode(conn: Connection, person_id: int) -> Any:
    e = EpisodeRow
    return conn.execute(
        select(e.id, e.clinic_id, e.clinician_id, e.started_at)
        .where(e.person_id == person_id, e.ended_at.is_(None))
        .order_by(e.started_at.desc(), e.id.desc())
        .limit(1)
    ).first()


_e = EpisodeRow
_LATEST_EPISODE = (
    select(_e.id, _e.clinic_id, _e.clinician_id, _e.started_at, _e.ended_at, _e.end_reason)
    .where(_e.person_id == bindparam("uid"))
    .order_by(_e.started_at.desc(), _e.id.desc())
    .limit(1)
)


def latest_episode(engine: Engine, person_id: int) -> dict[str, Any] | None:
    """The person's newest episode: {id, clinic_id, clinician_id, started_at, ended_at,
    end_reason} (naive UTC), or None."""
    with engine.connect() as conn:
        row = conn.execute(_LATEST_EPISODE, {"uid": person_id}).first()
    return None if row is None else dict(row._mapping)


def start_episode(
    engine: Engine,
    person_id: int,
    clinic: int | None,
    clinician_id: int | None,
    at: datetime,
    audit: Audit | None = None,
    keep: bool = True,
) -> int:
    """Open an episode (or, with `keep`, leave the open one as it is); its id."""
    with engine.begin() as conn:
        found = _open_episode(conn, person_id)
        if found is not None and keep:
            return int(found[0])
        _append(conn, audit)
        new_id: int = conn.execute(
            insert(EpisodeRow).returning(EpisodeRow.id),
            {
                "person_id": person_id,
                "clinic_id": clinic,
                "clinician_id": clinician_id,
                "started_at": to_utc(at),
            },
        ).scalar_one()
        return new_id


def assign(
    engine: Engine,
    person_id: int,
    clinic: int | None,
    clinician_id: int | None,
    at: datetime,
    audit: Audit | None = None,
) -> None:
    """The clinician assigned to the open episode (one is opened if none is)."""
    with engine.begin() as conn:
        _append(conn, audit)
        found = _open_episode(conn, person_id)
        if found is None:
            conn.execute(
                insert(EpisodeRow),
                {
                    "person_id": person_id,
                    "clinic_id": clinic,
                    "clinician_id": clinician_id,
                    "started_at": to_utc(at),
                },
            )
        else:
            conn.execute(
                update(EpisodeRow)
                .where(EpisodeRow.id == found[0])
                .values(clinician_id=clinician_id)
            )


def end_episode(
    engine: Engine,
    person_id: int,
    clinic: int | None,
    by: int,
    at: datetime,
    reason: str,
    audit: Audit | None = None,
    new_clinic: int | None = None,
) -> None:
    """End the open episode (discharged, or moved: then the person's clinic changes in the
    same transaction); with none open, an episode that starts and ends now says so."""
    utc = to_utc(at)
    with engine.begin() as conn:
        _append(conn, audit)
        found = _open_episode(conn, person_id)
        if found is None:
            conn.execute(
                insert(EpisodeRow),
                {
                    "person_id": person_id,
                    "clinic_id": clinic,
                    "clinician_id": None,
                    "started_at": utc,
                    "ended_at": utc,
                    "ended_by": by,
                    "end_reason": reason,
                },
            )
        else:
            conn.execute(
                update(EpisodeRow)
                .where(EpisodeRow.id == found[0])
                .values(ended_at=utc, ended_by=by, end_reason=reason)
            )
        if new_clinic is not None:
            conn.execute(
                update(UserRow).where(UserRow.id == person_id).values(clinic_id=new_clinic)
            )


def add_note(
    engine: Engine, person_id: int, author_id: int, at: datetime, text: str, audit: Audit | None
) -> int:
    with engine.begin() as conn:
        _append(conn, audit)
        new_id: int = conn.execute(
            insert(NoteRow).returning(NoteRow.id),
            {"person_id": person_id, "author_id": author_id, "at": to_utc(at), "text": text},
        ).scalar_one()
        return new_id


def episodes_and_notes(
    engine: Engine, person_id: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every episode (with its clinician's and closer's email) and note (with its author's
    email) of the person, in time order, naive UTC."""
    e, n = EpisodeRow, NoteRow
    clinician, closer, author = UserRow.__table__.alias(), UserRow.__table__.alias(), UserRow
    with engine.connect() as conn:
        episodes = [
            dict(r._mapping)
            for r in conn.execute(
                select(
                    e.id,
                    e.clinic_id,
                    ClinicRow.name.label("clinic"),
                    e.clinician_id,
                    clinician.c.email.label("clinician"),
                    e.started_at,
                    e.ended_at,
                    e.end_reason,
                    closer.c.email.label("closer"),
                )
                .outerjoin(ClinicRow, ClinicRow.id == e.clinic_id)
                .outerjoin(clinician, clinician.c.id == e.clinician_id)
                .outerjoin(closer, closer.c.id == e.ended_by)
                .where(e.person_id == person_id)
                .order_by(e.started_at, e.id)
            )
        ]
        notes = [
            dict(r._mapping)
            for r in conn.execute(
                select(n.id, n.at, n.text, author.email.label("author"))
                .outerjoin(author, author.id == n.author_id)
                .where(n.person_id == person_id)
                .order_by(n.at, n.id)
            )
        ]
    return episodes, notes


def clinicians_of_clinic(engine: Engine, clinic: int) -> list[UserRecord]:
    stmt = _USERS.where(UserRow.clinic_id == clinic, UserRow.role == "clinician")
    return _users(engine, stmt.order_by(UserRow.id))


def ended(engine: Engine, user_ids: Sequence[int]) -> dict[int, datetime]:
    """When each user's newest episode was discharged, for those whose newest one was."""
    if not user_ids:
        return {}
    with engine.connect() as conn:
        return _ended(conn, user_ids)


def _ended(conn: Connection, user_ids: Sequence[int]) -> dict[int, datetime]:
    e = EpisodeRow
    out: dict[int, tuple[datetime, datetime | None, str | None]] = {}
    with nullcontext(conn):
        for pid, started, at, reason in conn.execute(
            select(e.person_id, e.started_at, e.ended_at, e.end_reason)
            .where(_among(conn, e.person_id, list(user_ids)))
            .order_by(e.started_at, e.id)
        ):
            out[int(pid)] = (started, at, reason)
    return {pid: at for pid, (_s, at, why) in out.items() if at is not None and why == "discharged"}



def basis(
    engine: Engine, user_ids: Sequence[int], since: datetime
) -> tuple[
    dict[int, Overview], dict[int, Care], dict[int, datetime], dict[int, datetime]
]:  # fmt: skip
    """overviews, care, ended and last_activity of the users, on one connection outside a
    transaction (one statement at a time, as PostgreSQL's READ COMMITTED reads them anyway)."""
    if not user_ids:
        return {}, {}, {}, {}
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "postgresql":  # one statement: storage.gathered
            from easeback.storage import gathered

            return gathered.basis(conn, list(user_ids), to_utc(since))
        return (
            _overviews(conn, user_ids, since),
            _care(conn, user_ids),
            _ended(conn, user_ids),
            _last_activity(conn, user_ids),
        )


def progress_extras(
    engine: Engine, user_id: int
) -> tuple[JournalFacts, list[tuple[str, int, int, int]], list[Outcome]]:
    """What a person's progress adds to their row of the list: the journal's facts (UTC),
    the sums per technique and the outcomes recorded, on one connection (in a transaction:
    the facts read the screenings' answers with a server-side cursor)."""
    from easeback.storage import summary
    from easeback.storage.outcomes import outcomes

    key = person_key(user_id)
    if engine.dialect.name == "postgresql":  # one statement: storage.gathered
        from easeback.storage import gathered

        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            return gathered.progress_extras(conn, key, UTC)
    with engine.connect() as conn:
        return (
            summary.journal_facts(conn, key, tz=UTC),
            summary.technique_sums(conn, key),
            [o for _i, o in outcomes(conn, key)],
        )

# ---- a clinic's programme templates ----


def add_template(
    engine: Engine,
    clinic: int,
    name: str,
    per_week: int,
    items: Sequence[Mapping[str, object]],
    by: int,
    at: datetime,
) -> int:
    with engine.begin() as conn:
        new_id: int = conn.execute(
            insert(TemplateRow).returning(TemplateRow.id),
            {
                "clinic_id": clinic,
                "name": name,
                "per_week": per_week,
                "items": json.dumps([dict(i) for i in items]),
                "created_by": by,
                "at": to_utc(at),
            },
        ).scalar_one()
        return new_id


def templates(engine: Engine, clinic: int) -> list[dict[str, Any]]:
    """The clinic's templates by name: {id, name, per_week, items}."""
    t = TemplateRow
    with engine.connect() as conn:
        found = conn.execute(
            select(t.id, t.name, t.per_week, t.items)
            .where(t.clinic_id == clinic)
            .order_by(t.name, t.id)
        ).all()
    return [
        {"id": i, "name": n, "per_week": int(w), "items": json.loads(items)}
        for i, n, w, items in found
    ]
