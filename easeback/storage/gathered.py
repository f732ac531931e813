"""The practice's busiest reads in one statement each on PostgreSQL, where the portable readers
(practice.basis, progress_extras, kept_standing) send one query per kind of row: a person's
progress read cold cost about 30 statements, and each one's round trip, SQLAlchemy and psycopg
work and PostgreSQL's own per-statement work cost more than the rows themselves. And a
check-in or a logged session with its audit line in one statement, outside a transaction
(atomic on its own: no BEGIN and COMMIT round trips).

Each kind of row is gathered by PostgreSQL into a JSON array (json_agg, in the same order as
the portable query's ORDER BY), all in one SELECT, read in one round trip (and seen in one
snapshot), then turned into the very same records as the portable readers give: a test compares
the two on random journals. Times come back as ISO text of the naive UTC timestamp.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import Connection, text

from easeback.domain import adherence, triage
from easeback.domain.models import StopReason
from easeback.domain.outcomes import Outcome
from easeback.domain.progression import CheckIn, JournalFacts, SessionRecord, StopEvent
from easeback.storage import rows
from easeback.storage.outcomes import decode
from easeback.storage.times import local as _local

_at = datetime.fromisoformat


def _list(value: Any) -> list[Any]:
    """A JSON array as psycopg gives it (parsed), or its text, or NULL (none)."""
    if value is None:
        return []
    return list(json.loads(value) if isinstance(value, str | bytes) else value)


def _rows(sql: str) -> str:
    """A query's rows as one JSON array ('[]' for none)."""
    return f"coalesce(({sql}), '[]')"


_IDS = "= ANY(CAST(:ids AS integer[]))"
_BASIS = text(
    "SELECT "
    + ", ".join(
        _rows(q)
        for q in (
            # check-ins since the trend window (the overview's)
            "SELECT json_agg(json_build_array(user_id, at, pain, stiffness, peg_pain,"
            " peg_enjoyment, peg_activity) ORDER BY at, id)"
            f" FROM check_ins WHERE user_id {_IDS} AND at >= :since",
            # every stop (the overview's sessions and the care's stops)
            "SELECT json_agg(json_build_array(id, user_id, at, reason, technique_id, session_id)"
            f" ORDER BY at, id) FROM stops WHERE user_id {_IDS}",
            # every session
            "SELECT json_agg(json_build_array(id, user_id, started_at, status, pain_before,"
            f" pain_after) ORDER BY started_at, id) FROM sessions WHERE user_id {_IDS}",
            # every programme
            "SELECT json_agg(json_build_array(person_id, at, per_week, items) ORDER BY at, id)"
            f" FROM programmes WHERE person_id {_IDS}",
            # every screening
            "SELECT json_agg(json_build_array(id, user_id, at, complete, reasons)"
            f" ORDER BY at, id) FROM screenings WHERE user_id {_IDS}",
            # every put-back
            "SELECT json_agg(json_build_array(user_id, technique_id, at) ORDER BY at, id)"
            f" FROM restores WHERE user_id {_IDS}",
            # every technique's result, by session
            "SELECT json_agg(json_build_array(tr.session_id, tr.outcome)"
            " ORDER BY tr.session_id, tr.position) FROM technique_results tr"
            f" JOIN sessions se ON se.id = tr.session_id WHERE se.user_id {_IDS}",
            # the weekly PEG recorded
            "SELECT json_agg(json_build_array(user_id, at, score)) FROM outcomes"
            f" WHERE user_id {_IDS} AND measure = 'peg'",
            # check-ins' PEG
            "SELECT json_agg(json_build_array(user_id, at, peg_pain, peg_enjoyment,"
            f" peg_activity)) FROM check_ins WHERE user_id {_IDS} AND peg_pain IS NOT NULL",
            # episodes
            "SELECT json_agg(json_build_array(person_id, started_at, ended_at, end_reason)"
            f" ORDER BY started_at, id) FROM episodes WHERE person_id {_IDS}",
            # the newest check-in of each
            "SELECT json_agg(json_build_array(user_id, latest)) FROM (SELECT user_id,"
            f" max(at) AS latest FROM check_ins WHERE user_id {_IDS} GROUP BY user_id) AS n",
        )
    )
)


def basis(conn: Connection, user_ids: list[int], since: datetime) -> tuple[Any, Any, Any, Any]:
    """practice.basis's (overviews, care, ended, last_activity) of the users, in one statement."""
    from easeback.storage.practice import Care, Overview, _reached

    found = conn.execute(_BASIS, {"ids": list(user_ids), "since": since}).one()
    recent, stops, sessions, programmes, screenings, restores, results, pegs, ci_pegs = (
        _list(x) for x in found[:9]
    )
    episodes, newest = _list(found[9]), _list(found[10])
    views = {uid: Overview([], []) for uid in user_ids}
    cares = {uid: Care([], [], [], [], [], []) for uid in user_ids}
    for uid, at, pain, stiff, p1, p2, p3 in recent:
        peg = (p1, p2, p3) if p1 is not None and p2 is not None and p3 is not None else None
        views[uid].check_ins.append(CheckIn(_at(at), pain, stiff, peg))
    events: dict[int, list[StopEvent]] = {}
    for stop_id, uid, at, reason, tid, sid in stops:
        when = _at(at)
        events.setdefault(sid, []).append(StopEvent(when, StopReason(reason), tid))
        cares[uid].stops.append(triage.Stop(stop_id, when, reason, tid))
    outcomes: dict[int, list[str]] = {}
    for sid, outcome in results:
        outcomes.setdefault(sid, []).append(str(outcome))
    last: dict[int, datetime] = {}
    for sid, uid, at, status, before, after in sessions:
        when = _at(at)
        views[uid].sessions.append(
            SessionRecord(when, status, before, after, stops=tuple(events.get(sid, ())))
        )
        if adherence.counts(status, outcomes.get(sid, [])):
            cares[uid].sessions_done.append(when)
        last[uid] = when  # in time order: the newest last
    for uid, at, per_week, items in programmes:
        when = _at(at)
        views[uid].programme = (when, per_week)
        tids = tuple(str(i["id"]) for i in json.loads(items))
        cares[uid].programmes.append(triage.Programme(when, int(per_week), tids))
    for sid, uid, at, complete, reasons in screenings:
        when, reached = _at(at), _reached(reasons)
        views[uid].screening = (when, reached)
        cares[uid].screenings.append(
            triage.Screening(sid, when, bool(complete), frozenset(reached))
        )
    for uid, tid, at in restores:
        cares[uid].restores.append((str(tid), _at(at)))
    scores: dict[int, list[tuple[datetime, float]]] = {uid: [] for uid in user_ids}
    for uid, at, score in pegs:
        scores[uid].append((_at(at), float(score)))
    for uid, at, p1, p2, p3 in ci_pegs:
        if p1 is not None and p2 is not None and p3 is not None:
            scores[uid].append((_at(at), (p1 + p2 + p3) / 3))
    for uid, found_pegs in scores.items():
        cares[uid].peg = sorted(found_pegs)
    newest_episode: dict[int, tuple[datetime | None, str | None]] = {}
    for pid, _started, ended_at, reason in episodes:
        newest_episode[pid] = (None if ended_at is None else _at(ended_at), reason)
    ended = {
        pid: at
        for pid, (at, why) in newest_episode.items()
        if at is not None and why == "discharged"
    }
    for uid, latest in newest:
        at = _at(latest)
        if uid not in last or at > last[uid]:
            last[uid] = at
    return views, cares, ended, last


_EXTRAS = text(
    "SELECT "
    + ", ".join(
        (
            # the first and the last check-in's pain, session's pain before and pain after
            "(SELECT json_agg(x) FROM ((SELECT json_build_array(at, id, pain) AS x FROM check_ins"
            " WHERE person = :person ORDER BY at, id LIMIT 1) UNION ALL (SELECT"
            " json_build_array(at, id, pain) FROM check_ins WHERE person = :person"
            " ORDER BY at DESC, id DESC LIMIT 1)) AS ends)",
            *(
                f"(SELECT json_agg(x) FROM ((SELECT json_build_array(started_at, id, {p}) AS x"
                f" FROM sessions WHERE person = :person AND {p} IS NOT NULL"
                " ORDER BY started_at, id LIMIT 1) UNION ALL (SELECT"
                f" json_build_array(started_at, id, {p}) FROM sessions WHERE person = :person"
                f" AND {p} IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT 1)) AS ends)"
                for p in ("pain_before", "pain_after")
            ),
            "(SELECT min(started_at) FROM sessions WHERE person = :person)",
            "(SELECT max(started_at) FROM sessions WHERE person = :person"
            " AND (pain_after - pain_before >= :rise OR soreness = 'high'))",
            "(SELECT at FROM screenings WHERE person = :person AND complete"
            " ORDER BY at DESC, id DESC LIMIT 1)",
            "(SELECT st.reason FROM stops st JOIN sessions se ON se.id = st.session_id"
            " WHERE st.person = :person AND se.person = :person"
            " AND st.reason = ANY(CAST(:stops AS text[])) AND st.at >= (SELECT at FROM screenings"
            " WHERE person = :person AND complete ORDER BY at DESC, id DESC LIMIT 1)"
            " ORDER BY se.started_at, se.id, st.at, st.id LIMIT 1)",
            "(SELECT min(at) FROM screenings WHERE person = :person AND complete)",
            "(SELECT min(at) FROM check_ins WHERE person = :person)",
            "(SELECT json_agg(json_build_array(at, answers)) FROM screenings"
            " WHERE person = :person AND complete AND answers LIKE '%\"pain_days\"%')",
            # per technique done or stopped in a rated session: count, sum and squares of change
            "(SELECT json_agg(json_build_array(tid, n, s, q)) FROM (SELECT pairs.tid, count(*)"
            " AS n, sum(se.pain_after - se.pain_before) AS s, sum((se.pain_after -"
            " se.pain_before) * (se.pain_after - se.pain_before)) AS q FROM (SELECT DISTINCT"
            " tr.session_id AS sid, tr.technique_id AS tid FROM technique_results tr JOIN"
            " sessions se ON se.id = tr.session_id WHERE se.person = :person AND tr.outcome IN"
            " ('done', 'stopped') AND se.pain_before IS NOT NULL AND se.pain_after IS NOT NULL)"
            " AS pairs JOIN sessions se ON se.id = pairs.sid GROUP BY pairs.tid) AS sums)",
            # the outcome measures recorded
            "(SELECT json_agg(json_build_array(at, measure, items) ORDER BY at, id)"
            " FROM outcomes WHERE person = :person AND measure IN ('peg', 'psfs'))",
        )
    )
)


def progress_extras(
    conn: Connection, person: str, tz: tzinfo | None
) -> tuple[JournalFacts, list[tuple[str, int, int, int]], list[Outcome]]:
    """practice.progress_extras's (journal facts, technique sums, outcomes), in one statement."""
    from easeback.domain.progression import RESCREEN_STOPS, REST_RISE

    found = conn.execute(
        _EXTRAS,
        {"person": person, "rise": REST_RISE, "stops": [r.value for r in RESCREEN_STOPS]},
    ).one()
    (ci_ends, before_ends, after_ends, first_session, rest, screened, stop, first_screening,
     first_check_in, told, sums, recorded) = found  # fmt: skip
    points: list[rows.PainPoint] = []
    for row in _list(ci_ends):
        points += rows.check_in_pain((_at(row[0]), row[1], row[2]))
    for phase, ends in ((0, before_ends), (1, after_ends)):
        for row in _list(ends):
            points += rows.session_pain((_at(row[0]), row[1], row[2]), phase)
    base, latest = rows.pain_ends(points)
    told_rows = [(_at(at), answers) for at, answers in _list(told)]
    start = rows.episode_start([first_screening, first_check_in, first_session], told_rows, tz)

    def local(at: datetime | None) -> datetime | None:
        return None if at is None else _local(at, tz)

    facts = JournalFacts(
        baseline_pain=base,
        latest_pain=latest,
        first_session=local(first_session),
        last_rest_session=local(rest),
        episode_start=start,
        last_screening=local(screened),
        rescreen_stop=None if stop is None else StopReason(stop),
    )
    technique = sorted((str(t), int(n), int(s), int(q)) for t, n, s, q in _list(sums))
    outcomes = [decode(_at(at), measure, items) for at, measure, items in _list(recorded)]
    return facts, technique, outcomes


_STANDING = text(
    "SELECT "
    + ", ".join(
        (
            "(SELECT json_build_array(at, per_week, items, clinician_id) FROM programmes"
            " WHERE person_id = :uid ORDER BY at DESC, id DESC LIMIT 1)",
            "(SELECT json_build_array(at, disposition, answers) FROM screenings"
            " WHERE user_id = :uid AND complete ORDER BY at DESC, id DESC LIMIT 1)",
            "(SELECT json_agg(json_build_array(se.id, se.started_at, se.status, st.at, st.reason,"
            " st.technique_id) ORDER BY se.started_at, se.id, st.at, st.id) FROM stops st"
            " JOIN sessions se ON se.id = st.session_id WHERE st.user_id = :uid)",
            "(SELECT json_agg(json_build_array(technique_id, at) ORDER BY at, id) FROM restores"
            " WHERE user_id = :uid)",
            "(SELECT json_build_array(id, clinic_id, clinician_id, started_at, ended_at,"
            " end_reason) FROM episodes WHERE person_id = :uid"
            " ORDER BY started_at DESC, id DESC LIMIT 1)",
        )
    )
)


def _time(value: str | None) -> datetime | None:
    return None if value is None else _at(value)


def standing(conn: Connection, user_id: int) -> tuple[Any, dict[str, Any] | None]:
    """practice.kept_standing's (standing, latest episode) of the user, in one statement."""
    from easeback.storage.practice import standing_of

    prow, srow, stops, restores, episode = (
        None if x is None else _list(x) for x in conn.execute(_STANDING, {"uid": user_id}).one()
    )
    found = standing_of(
        None if prow is None else (_at(prow[0]), *prow[1:]),
        None if srow is None else (_at(srow[0]), *srow[1:]),
        [
            (sid, _at(started), status, _at(at), *rest)
            for sid, started, status, at, *rest in _list(stops)
        ],
        [(tid, _at(at)) for tid, at in _list(restores)],
    )
    latest = None
    if episode is not None:
        eid, clinic, clinician, started, ended, reason = episode
        latest = {
            "id": eid,
            "clinic_id": clinic,
            "clinician_id": clinician,
            "started_at": _at(started),
            "ended_at": _time(ended),
            "end_reason": reason,
        }
    return found, latest


_CHECK_IN = text(
    "WITH logged AS (INSERT INTO audit_log (at, actor_id, action, subject_id, detail)"
    " VALUES (:a_at, :a_actor_id, :a_action, :a_subject_id, :a_detail))"
    " INSERT INTO check_ins (person, user_id, at, pain, stiffness, peg_pain, peg_enjoyment,"
    " peg_activity, activities) VALUES (:person, :user_id, :at, :pain, :stiffness, :peg_pain,"
    " :peg_enjoyment, :peg_activity, :activities) RETURNING id"
)


def add_check_in(conn: Connection, row: dict[str, Any], audit: dict[str, Any]) -> int:
    """A check-in's row and its audit line's, written by one statement (atomic on its own, so
    outside a transaction: no BEGIN and COMMIT round trips); the new check-in's id."""
    params = row | {f"a_{k}": v for k, v in audit.items()}
    return int(conn.execute(_CHECK_IN, params).scalar_one())


_SESSION = text(
    "WITH logged AS (INSERT INTO audit_log (at, actor_id, action, subject_id, detail)"
    " VALUES (:a_at, :a_actor_id, :a_action, :a_subject_id, :a_detail)),"
    " s AS (INSERT INTO sessions (person, user_id, started_at, ended_at, source, status, routine,"
    " pain_before, pain_after, soreness) VALUES (:person, :user_id, :started_at, :ended_at,"
    " :source, :status, :routine, :pain_before, :pain_after, NULL) RETURNING id),"
    " r AS (INSERT INTO technique_results (session_id, position, technique_id, outcome, at)"
    " SELECT s.id, x.position, x.technique_id, x.outcome, :started_at FROM s,"
    " unnest(CAST(:positions AS integer[]), CAST(:techniques AS text[]),"
    " CAST(:outcomes AS text[])) AS x(position, technique_id, outcome)),"
    " st AS (INSERT INTO stops (person, user_id, session_id, at, reason, technique_id)"
    " SELECT :person, :user_id, s.id, :started_at, :reason, :stopped_at FROM s"
    " WHERE CAST(:stopped AS boolean))"
    " SELECT id FROM s"
)


def log_session(
    conn: Connection,
    row: dict[str, Any],
    results: Sequence[tuple[str, str]],
    stop: tuple[str, str | None] | None,
    audit: dict[str, Any],
) -> int:
    """A logged session's row, its techniques' results, its stop (reason, technique) if it was
    stopped and its audit line, written by one statement (atomic on its own, outside a
    transaction); the new session's id. The rows are those practice.log_session writes."""
    params = row | {f"a_{k}": v for k, v in audit.items()}
    params |= {
        "positions": list(range(len(results))),
        "techniques": [tid for tid, _ in results],
        "outcomes": [outcome for _, outcome in results],
        "stopped": stop is not None,
        "reason": stop[0] if stop else None,
        "stopped_at": stop[1] if stop else None,
    }
    return int(conn.execute(_SESSION, params).scalar_one())
