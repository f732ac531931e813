"""The progress report's figures taken from the database with a handful of indexed queries and
SQL aggregates, instead of loading the whole journal: the first and last pain ratings, the facts
the advice rests on, and per technique the sums behind its mean change in pain.

The same figures as the domain computes from a loaded History (a test compares them on random
journals); tie-breaks follow the history's order: by time, check-ins before sessions, a
session's pain before its pain after.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

from sqlalchemy import Engine, and_, func, or_, select
from sqlalchemy.engine import Connection

from easeback.domain.chart import Chart
from easeback.domain.models import StopReason
from easeback.domain.progression import BASELINE_MARGIN, RESCREEN_STOPS, REST_RISE, JournalFacts
from easeback.storage import rows, schema
from easeback.storage.schema import DEFAULT_PERSON
from easeback.storage.times import local as _local

AFTER = rows.AFTER  # a session's pain after counts just after its pain before
STREAM_ROWS = 2000  # rows fetched at a time where a query reads a whole journal
TechniqueSums = tuple[str, int, int, int]  # (technique id, sessions, sum of changes, of squares)


def _pain_ends(conn: Connection, person: str) -> tuple[int | None, int | None]:
    """The first and the last pain rating in the history's reading order."""
    ci, se = schema.check_ins.c, schema.sessions.c
    found: list[rows.PainPoint] = []
    for newest in (False, True):
        found += rows.check_in_pain(
            conn.execute(
                select(ci.at, ci.id, ci.pain)
                .where(ci.person == person)
                .order_by(*((ci.at.desc(), ci.id.desc()) if newest else (ci.at, ci.id)))
                .limit(1)
            ).first()
        )
        for phase, pain in ((0, se.pain_before), (1, se.pain_after)):
            order = (se.started_at.desc(), se.id.desc()) if newest else (se.started_at, se.id)
            found_session = conn.execute(
                select(se.started_at, se.id, pain)
                .where(se.person == person, pain.is_not(None))
                .order_by(*order)
                .limit(1)
            ).first()
            found += rows.session_pain(found_session, phase)
    return rows.pain_ends(found)


def _episode_start(conn: Connection, person: str, tz: tzinfo | None) -> datetime | None:
    """As told at screening (pain_days before a screening), else the first record; local time,
    with the days counted back from the local time as the history does."""
    sc, ci, se = schema.screenings.c, schema.check_ins.c, schema.sessions.c
    firsts = [
        conn.execute(select(func.min(sc.at)).where(sc.person == person, sc.complete)).scalar(),
        conn.execute(select(func.min(ci.at)).where(ci.person == person)).scalar(),
        conn.execute(select(func.min(se.started_at)).where(se.person == person)).scalar(),
    ]
    told = conn.execute(
        select(sc.at, sc.answers)
        .where(sc.person == person, sc.complete, sc.answers.contains('"pain_days"'))
        .execution_options(yield_per=200)
    )
    return rows.episode_start(firsts, told, tz)


def journal_facts(engine: Engine, person: str = DEFAULT_PERSON, tz: tzinfo | None = None) -> (
    JournalFacts
):  # fmt: skip
    """What `progression.facts` gives for the loaded history, in local time (tz, or the
    system's), from a few queries whatever the journal's length."""
    sc, se, st = schema.screenings.c, schema.sessions.c, schema.stops.c
    with engine.connect() as conn:
        base, last = _pain_ends(conn, person)
        first_session = conn.execute(
            select(func.min(se.started_at)).where(se.person == person)
        ).scalar()
        rest = conn.execute(
            select(func.max(se.started_at)).where(
                se.person == person,
                or_(se.pain_after - se.pain_before >= REST_RISE, se.soreness == "high"),
            )
        ).scalar()
        screened = conn.execute(
            select(sc.at)
            .where(sc.person == person, sc.complete)
            .order_by(sc.at.desc(), sc.id.desc())
            .limit(1)
        ).scalar()
        stop = None
        if screened is not None:
            stop = conn.execute(
                select(st.reason)
                .join(schema.sessions, se.id == st.session_id)
                .where(
                    st.person == person,
                    se.person == person,
                    st.reason.in_([r.value for r in RESCREEN_STOPS]),
                    st.at >= screened,
                )
                .order_by(se.started_at, se.id, st.at, st.id)
                .limit(1)
            ).scalar()
        start = _episode_start(conn, person, tz)

    def local(at: datetime | None) -> datetime | None:
        return None if at is None else _local(at, tz)

    return JournalFacts(
        baseline_pain=base,
        latest_pain=last,
        first_session=local(first_session),
        last_rest_session=local(rest),
        episode_start=start,
        last_screening=local(screened),
        rescreen_stop=None if stop is None else StopReason(stop),
    )


def technique_sums(engine: Engine, person: str = DEFAULT_PERSON) -> list[TechniqueSums]:
    """Per technique done (or stopped) in a session rated before and after: how many such
    sessions, the sum of their changes in pain and the sum of the squares, by technique id."""
    se, tr = schema.sessions.c, schema.technique_results.c
    pairs = (
        select(tr.session_id.label("sid"), tr.technique_id.label("tid"))
        .join(schema.sessions, se.id == tr.session_id)
        .where(
            se.person == person,
            tr.outcome.in_(("done", "stopped")),
            and_(se.pain_before.is_not(None), se.pain_after.is_not(None)),
        )
        .distinct()
        .subquery()
    )
    change = se.pain_after - se.pain_before
    stmt = (
        select(pairs.c.tid, func.count(), func.sum(change), func.sum(change * change))
        .join(schema.sessions, se.id == pairs.c.sid)
        .group_by(pairs.c.tid)
    )
    with engine.connect() as conn:
        found = [(tid, int(n), int(s), int(q)) for tid, n, s, q in conn.execute(stmt)]
    return sorted(found)  # by id as Python orders it, whatever the database's collation


def baseline_pain(engine: Engine, person: str = DEFAULT_PERSON) -> int | None:
    """The first pain rating in the history's reading order, or None."""
    with engine.connect() as conn:
        return _pain_ends(conn, person)[0]


def left_out(engine: Engine, person: str = DEFAULT_PERSON) -> frozenset[str]:
    """Techniques stopped for sharp pain and not put back since (progression.left_out)."""
    se, st, rs = schema.sessions.c, schema.stops.c, schema.restores.c
    with engine.connect() as conn:
        stopped = dict(
            conn.execute(
                select(st.technique_id, func.max(st.at))
                .join(schema.sessions, se.id == st.session_id)
                .where(
                    st.person == person,
                    se.person == person,
                    st.reason == StopReason.SHARP_PAIN.value,
                    st.technique_id.is_not(None),
                    st.technique_id != "",
                )
                .group_by(st.technique_id)
            ).all()
        )
        restored = dict(
            conn.execute(
                select(rs.technique_id, func.max(rs.at))
                .where(rs.person == person)
                .group_by(rs.technique_id)
            ).all()
        )
    return rows.left_out(stopped, restored)


def done_techniques(engine: Engine, person: str = DEFAULT_PERSON) -> frozenset[str]:
    """Techniques done in some session (progression.done_techniques)."""
    se, tr = schema.sessions.c, schema.technique_results.c
    with engine.connect() as conn:
        found = conn.execute(
            select(tr.technique_id)
            .join(schema.sessions, se.id == tr.session_id)
            .where(se.person == person, tr.outcome == "done")
            .distinct()
        ).scalars()
        return frozenset(str(t) for t in found)


def good_session_levels(
    engine: Engine, baseline: int | None, person: str = DEFAULT_PERSON
) -> dict[str, int]:
    """Per technique, how many times it was done in a good session (progression.good_session:
    completed, never stopped, pain rated before and after, no rise in pain and, with a
    baseline, below it plus 2)."""
    se, tr, st = schema.sessions.c, schema.technique_results.c, schema.stops.c
    stopped = select(st.id).where(st.session_id == se.id, st.person == person).exists()
    good = [
        se.person == person,
        se.status == "completed",
        se.pain_before.is_not(None),
        se.pain_after.is_not(None),
        se.pain_after - se.pain_before < REST_RISE,
        ~stopped,
    ]
    if baseline is not None:
        good.append(se.pain_after < baseline + BASELINE_MARGIN)
    stmt = (
        select(tr.technique_id, func.count())
        .join(schema.sessions, se.id == tr.session_id)
        .where(tr.outcome == "done", *good)
        .group_by(tr.technique_id)
    )
    with engine.connect() as conn:
        return {tid: int(n) for tid, n in conn.execute(stmt)}


def readings_from_day(
    engine: Engine, days: int, person: str = DEFAULT_PERSON, tz: tzinfo | None = None
) -> list[tuple[datetime, int]]:
    """The pain readings (History.pain_readings, local time, same order) of the last `days`
    calendar days up to the day of the newest reading; none when there is no reading."""
    ci, se = schema.check_ins.c, schema.sessions.c
    with engine.connect() as conn:
        newest = [
            conn.execute(select(func.max(ci.at)).where(ci.person == person)).scalar(),
            conn.execute(
                select(func.max(se.started_at)).where(
                    se.person == person,
                    or_(se.pain_before.is_not(None), se.pain_after.is_not(None)),
                )
            ).scalar(),
        ]
        found = [at for at in newest if at is not None]
        if not found:
            return []
        last_day = _local(max(found) + AFTER, tz).date()
        start = datetime.combine(last_day - timedelta(days=days - 1), datetime.min.time())
        # the first UTC time whose local day is `start`'s, with a day's margin for the zone
        since = start.replace(tzinfo=tz).astimezone(UTC).replace(tzinfo=None) - timedelta(days=1)
        out = [
            (_local(at, tz), int(pain))
            for at, pain in conn.execute(
                select(ci.at, ci.pain)
                .where(ci.person == person, ci.at >= since)
                .order_by(ci.at, ci.id)
            )
        ]
        for at, before, after in conn.execute(
            select(se.started_at, se.pain_before, se.pain_after)
            .where(se.person == person, se.started_at >= since)
            .order_by(se.started_at, se.id)
        ):
            if before is not None:
                out.append((_local(at, tz), int(before)))
            if after is not None:
                out.append((_local(at, tz) + AFTER, int(after)))
    out.sort(key=lambda r: r[0])
    return [r for r in out if r[0] >= start]


def results_per_technique(engine: Engine, person: str = DEFAULT_PERSON) -> dict[str, int]:
    """How many times each technique was done (or stopped part-way) in a session
    (progression.sessions_with), counted by the database."""
    se, tr = schema.sessions.c, schema.technique_results.c
    stmt = (
        select(tr.technique_id, func.count())
        .join(schema.sessions, se.id == tr.session_id)
        .where(se.person == person, tr.outcome.in_(("done", "stopped")))
        .group_by(tr.technique_id)
    )
    with engine.connect() as conn:
        return {tid: int(n) for tid, n in conn.execute(stmt)}


def counts(engine: Engine, person: str = DEFAULT_PERSON) -> tuple[int, int]:
    """(sessions, check-ins) in the journal."""
    with engine.connect() as conn:
        sessions = conn.execute(
            select(func.count()).where(schema.sessions.c.person == person)
        ).scalar_one()
        check_ins = conn.execute(
            select(func.count()).where(schema.check_ins.c.person == person)
        ).scalar_one()
    return int(sessions), int(check_ins)


def chart(engine: Engine, person: str = DEFAULT_PERSON, tz: tzinfo | None = None) -> Chart | None:
    """The binned pain and stiffness chart of the whole journal (local days in `tz`), its rows
    streamed into the bins, never loaded at once; None for a journal with nothing to draw."""
    ci, se, st = schema.check_ins.c, schema.sessions.c, schema.stops.c
    rated = and_(se.person == person, se.pain_before.is_not(None), se.pain_after.is_not(None))
    with engine.connect() as conn:
        ends = [
            conn.execute(select(func.min(ci.at), func.max(ci.at)).where(ci.person == person)),
            conn.execute(select(func.min(se.started_at), func.max(se.started_at)).where(rated)),
            conn.execute(select(func.min(st.at), func.max(st.at)).where(st.person == person)),
        ]
        found = [at for result in ends for at in result.one() if at is not None]
        if not found:
            return None
        out = Chart(_local(min(found), tz).date(), _local(max(found), tz).date())
        streamed = conn.execution_options(yield_per=STREAM_ROWS)
        for at, pain, stiffness in streamed.execute(
            select(ci.at, ci.pain, ci.stiffness).where(ci.person == person)
        ):
            out.add_rating(_local(at, tz), pain, stiffness)
        for at, before, after in streamed.execute(
            select(se.started_at, se.pain_before, se.pain_after).where(rated)
        ):
            out.add_session(_local(at, tz), before or 0, after or 0)  # neither is NULL here
        for (at,) in streamed.execute(select(st.at).where(st.person == person)):
            out.add_stop(_local(at, tz))
    return out
