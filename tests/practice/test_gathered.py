"""On PostgreSQL a person's progress and programme are read in one statement per part
(storage.gathered): it gives exactly the records the portable readers give, one query per kind
of row, on random journals of several people (check-ins with and without PEG, sessions rated or
not, stopped, stops, put-backs, screenings finished or not, outcomes, episodes ended or open)."""

from __future__ import annotations

import itertools
import os
import random
from datetime import UTC, timedelta

import pytest
from sqlalchemy import event, insert

from easeback.content.loader import default_catalogue
from easeback.domain.progression import CheckIn
from easeback.storage import gathered, schema
from easeback.storage import practice as repo
from easeback.storage.outcomes import outcomes as outcome_rows
from easeback.storage.practice import person_key
from easeback.storage.summary import journal_facts, technique_sums
from easeback.usecases import practice
from tests.practice.conftest import T0
from tests.storage import pg
from tests.web.answers import clear_answers

_COUNT = itertools.count()
ITEMS = [
    {"id": "bridge", "hold_seconds": 3, "reps": 5, "sets": 1},
    {"id": "cat-cow", "reps": 5},
    {"id": "pelvic-tilt", "hold_seconds": 5, "reps": 8, "sets": 1},
]


@pytest.fixture
def pg_engine(pg_server):
    from easeback.storage import open_engine

    e = open_engine(pg.create_database(pg_server, f"gathered{os.getpid()}_{next(_COUNT)}"))
    yield e
    e.dispose()


def _journal(engine, rnd: random.Random, actor, person, days: int, discharged: bool) -> None:
    """A random journal of `days` days for one person."""
    cat = default_catalogue()
    if discharged or rnd.random() < 0.8:
        practice.prescribe(engine, cat, actor, person.id, rnd.sample(ITEMS, 2), 3, T0)
    for day in range(days):
        now = T0 + timedelta(days=day, minutes=rnd.randint(0, 600), microseconds=rnd.randint(0, 9))
        roll = rnd.random()
        if roll < 0.1:
            answers = clear_answers(pain_days=rnd.choice([0, 5, 40]))
            practice.screen(engine, cat, person, answers, now)
        elif roll < 0.13:
            with engine.begin() as conn:  # a screening left unfinished
                conn.execute(
                    insert(schema.screenings),
                    {"person": person_key(person.id), "user_id": person.id,
                     "at": now.replace(tzinfo=None), "complete": False, "disposition": None,
                     "answers": "{}", "reasons": "[]"},
                )  # fmt: skip
        if rnd.random() < 0.5:
            pain = rnd.randint(0, 9)
            peg = tuple(rnd.randint(0, 10) for _ in range(3)) if rnd.random() < 0.3 else None
            repo.add_check_in(
                engine, person.id, CheckIn(now.replace(tzinfo=None), pain, 2, peg), now
            )
        if rnd.random() < 0.3:
            before = rnd.choice([None, 2, 5, 8])
            after = None if before is None else max(0, min(10, before + rnd.randint(-3, 3)))
            results = [(i["id"], rnd.choice(["done", "done", "skipped", "stopped"])) for i in ITEMS]
            reason = rnd.choice(["sharp_pain", "radiating_pain", "numbness", "other"])
            stop = (reason, "bridge") if rnd.random() < 0.2 else None
            repo.log_session(engine, person.id, now, {"techniques": []}, before, after, results,
                             stop)  # fmt: skip
        if rnd.random() < 0.05:
            with engine.begin() as conn:
                conn.execute(
                    insert(schema.restores),
                    {"person": person_key(person.id), "user_id": person.id,
                     "at": now.replace(tzinfo=None), "technique_id": "bridge"},
                )  # fmt: skip
        if rnd.random() < 0.05:
            practice.record_outcome(
                engine,
                person,
                "peg",
                {"pain": 3, "enjoyment": 4, "activity": rnd.randint(0, 10)},
                now,
            )
        if rnd.random() < 0.03:
            practice.record_outcome(engine, person, "psfs", [["walking", rnd.randint(0, 10)]], now)
    if discharged:
        practice.discharge(engine, actor, person.id, T0 + timedelta(days=days))


def test_one_statement_reads_what_the_portable_readers_read(pg_engine, password_hash):
    engine = pg_engine
    rnd = random.Random(27)
    clinic = repo.clinic_id(engine, "North", T0)
    alice = repo.user_by_id(
        engine, repo.add_user(engine, "alice@north.example", "clinician", clinic, password_hash, T0)
    )
    people = []
    for n in range(6):
        uid = repo.add_user(engine, f"p{n}@example.org", "person", clinic, password_hash, T0)
        people.append(repo.user_by_id(engine, uid))
    for n, person in enumerate(people[:-1]):  # the last one has nothing at all
        _journal(engine, rnd, alice, person, days=10 + 25 * n, discharged=n % 2 == 1)
    # a stop that asks for the safety check again, after the last one
    late = T0 + timedelta(days=300)
    repo.log_session(engine, people[2].id, late, {}, 4, 8, [], ("numbness", "bridge"))
    ids = [p.id for p in people]
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for since in (T0, T0 + timedelta(days=40), T0 + timedelta(days=400)):
        portable = (
            repo.overviews(engine, ids, since),
            repo.care(engine, ids),
            repo.ended(engine, ids),
            repo.last_activity(engine, ids),
        )
        with engine.connect() as conn:
            statements.clear()
            one = gathered.basis(conn, ids, since.astimezone(UTC).replace(tzinfo=None))
            assert len(statements) == 1
        assert one == portable
        assert repo.basis(engine, ids, since) == portable
        assert one[0][ids[0]].check_ins or since > T0 + timedelta(days=30)
    assert any(c.stops for c in portable[1].values())
    assert any(c.peg for c in portable[1].values()) and portable[2]
    facts = []
    for person in people:
        key = person_key(person.id)
        with engine.connect() as conn:
            recorded = [o for _i, o in outcome_rows(conn, key)]
            want = (journal_facts(conn, key, tz=UTC), technique_sums(conn, key), recorded)
            statements.clear()
            got = gathered.progress_extras(conn, key, UTC)
            assert len(statements) == 1
        assert got == want
        assert repo.progress_extras(engine, person.id) == want
        facts.append(got[0])
        with engine.connect() as conn:
            want_standing = (
                repo._standing(conn, person.id),
                repo.latest_episode(engine, person.id),
            )
            statements.clear()
            assert gathered.standing(conn, person.id) == want_standing
            assert len(statements) == 1
    assert any(f.rescreen_stop for f in facts) and any(f.last_rest_session for f in facts)
    assert any(f.episode_start for f in facts) and facts[-1].baseline_pain is None
    assert any(repo.standing(engine, p.id).history.sessions for p in people)
    assert any(repo.standing(engine, p.id).history.restores for p in people)
    assert any(repo.latest_episode(engine, p.id)["ended_at"] for p in people[:-1])


def test_a_check_in_is_one_statement_with_its_audit_line(pg_engine, password_hash):
    engine = pg_engine
    clinic = repo.clinic_id(engine, "North", T0)
    uid = repo.add_user(engine, "ann@example.org", "person", clinic, password_hash, T0)
    ann = repo.user_by_id(engine, uid)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    new_id = practice.check_in(engine, ann, 4, 3, T0)
    assert len(statements) == 1 and "audit_log" in statements[0]
    assert repo.user_by_id(engine, uid).version != ann.version  # the trigger ran
    trail = repo.audit_trail(engine, uid)
    assert [(t["action"], t["actor_id"]) for t in trail][-1] == ("check_in.add", uid)
    mine = repo.overviews(engine, [uid], T0)[uid].check_ins
    assert new_id is not None and [(c.pain, c.stiffness) for c in mine] == [(4, 3)]


def test_a_logged_session_is_one_statement_writing_what_the_transaction_wrote(
    pg_engine, password_hash
):
    from sqlalchemy import select

    engine = pg_engine
    clinic = repo.clinic_id(engine, "North", T0)
    uids = [
        repo.add_user(engine, f"{n}@example.org", "person", clinic, password_hash, T0)
        for n in ("ann", "bob")
    ]
    results = [("bridge", "done"), ("cat-cow", "stopped"), ("pelvic-tilt", "not_reached")]
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    written = []
    for uid, key in zip(uids, (None, "a-device-key-0001"), strict=True):  # one, and the transaction
        before = repo.user_by_id(engine, uid)
        audit = repo.Audit(T0, uid, "session.add", uid, "stopped")
        statements.clear()
        sid = repo.log_session(engine, uid, T0, {"techniques": []}, 5, 7, results,
                               ("sharp_pain", "cat-cow"), audit, key)  # fmt: skip
        written.append(len(statements))
        after = repo.user_by_id(engine, uid)
        assert after.version != before.version  # the triggers ran
        assert repo.standing(engine, uid).history.sessions[0].stops[0].technique_id == "cat-cow"
        assert [t["action"] for t in repo.audit_trail(engine, uid)] == ["session.add"]
        with engine.connect() as conn:
            se, tr, st = schema.sessions.c, schema.technique_results.c, schema.stops.c
            session = conn.execute(select(*[c for c in se if c.name not in ("id", "person",
                                   "user_id")]).where(se.id == sid)).one()  # fmt: skip
            rows = conn.execute(
                select(tr.position, tr.technique_id, tr.outcome, tr.at)
                .where(tr.session_id == sid)
                .order_by(tr.position)
            ).all()
            stops = conn.execute(
                select(st.at, st.reason, st.technique_id, st.person).where(st.session_id == sid)
            ).all()
        written.append((tuple(session), rows, [s[:3] for s in stops]))
        assert stops[0].person == person_key(uid)
    assert written[0] == 1 and written[2] > 1  # one statement; the transaction's several
    assert written[1] == written[3]  # the same rows
    assert len(written[1][1]) == 3 and written[1][2][0][1] == "sharp_pain"
