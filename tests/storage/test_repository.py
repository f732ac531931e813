"""Storage on SQLite and PostgreSQL: migrations, round trips, isolation, atomic logs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, text

from easeback.domain.models import StopReason
from easeback.domain.progression import CheckIn
from easeback.storage import HEAD_REVISION, open_engine
from easeback.storage import repository as repo
from easeback.storage.tables import Base

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def test_head_revision_constant_is_alembics_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from easeback.storage.engine import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION


def test_migrated_schema_matches_the_tables(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == HEAD_REVISION
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_reopening_keeps_data_and_does_not_migrate_again(db_url):
    e = open_engine(db_url)
    repo.add_check_in(e, CheckIn(T0, 4, 3), T0)
    e.dispose()
    e = open_engine(db_url)
    assert [c.pain for c in repo.load_history(e, tz=UTC).check_ins] == [4]
    e.dispose()


def test_round_trip_of_every_kind(engine):
    repo.add_screening(
        engine, T0, True, "caution", {"pain_days": 10, "pain_now": 6}, [{"question": "pain_now"}]
    )
    repo.add_check_in(engine, CheckIn(T0, 6, 5, (6, 5, 4), (("gardening", 7),)), T0)
    sid = repo.start_session(engine, T0 + timedelta(hours=1), {"techniques": []}, 6)
    repo.add_technique_result(engine, sid, 0, "cat-cow", "done", T0 + timedelta(hours=1))
    repo.add_technique_result(engine, sid, 1, "bridge", "stopped", T0 + timedelta(hours=1))
    repo.add_stop(engine, sid, T0 + timedelta(hours=1), "sharp_pain", "bridge")
    repo.finish_session(engine, sid, T0 + timedelta(hours=1), "stopped", 7, "high")
    repo.add_restore(engine, "bridge", T0 + timedelta(days=2))
    h = repo.load_history(engine, tz=UTC)
    assert h.screenings[0].pain_days == 10 and h.screenings[0].disposition.value == "caution"
    c = h.check_ins[0]
    assert (c.pain, c.stiffness, c.peg, c.activities) == (6, 5, (6, 5, 4), (("gardening", 7),))
    assert c.at == datetime(2024, 3, 1, 8, 0)
    s = h.sessions[0]
    assert (s.status, s.pain_before, s.pain_after, s.soreness) == ("stopped", 6, 7, "high")
    assert [(r.technique_id, r.outcome) for r in s.results] == [
        ("cat-cow", "done"),
        ("bridge", "stopped"),
    ]
    assert s.stops[0].reason is StopReason.SHARP_PAIN and s.stops[0].technique_id == "bridge"
    assert h.restores == (("bridge", datetime(2024, 3, 3, 8, 0)),)
    assert repo.latest_screening(engine)["answers"]["pain_now"] == 6
    assert len(repo.rows(engine, "technique_results")) == 2


def test_people_do_not_see_each_others_rows(engine):
    repo.add_check_in(engine, CheckIn(T0, 2, 2), T0, person="ana")
    sid = repo.start_session(engine, T0, {}, 3, person="ben")
    repo.add_technique_result(engine, sid, 0, "cat-cow", "done", T0)
    assert repo.load_history(engine, "ben").check_ins == ()
    assert repo.load_history(engine, "ana").sessions == ()
    assert repo.rows(engine, "technique_results", person="ana") == []
    assert len(repo.rows(engine, "technique_results", person="ben")) == 1


def test_a_logged_session_is_all_or_nothing(engine):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):  # the second result breaks NOT NULL
        repo.log_session(engine, T0, {}, 5, 4, [("cat-cow", "done"), (None, "done")])
    assert repo.load_history(engine).sessions == ()
    assert repo.rows(engine, "technique_results") == []


def test_times_without_zone_are_refused(engine):
    with pytest.raises(ValueError, match="time zone"):
        repo.add_restore(engine, "cat-cow", datetime(2024, 1, 1))


def test_history_queries_use_the_person_indexes(engine):
    names = {ix["name"] for ix in inspect(engine).get_indexes("check_ins")}
    assert "ix_check_ins_person_at" in names


def test_coach_counts_are_kept_with_their_session(engine):
    sid = repo.start_session(engine, T0, {"techniques": []}, None)
    counts = {"reps": 3, "hold_seconds": 12.5, "slow_down": 1, "bouncing": 0, "past_range": 2}
    repo.add_coach_counts(engine, sid, [{"technique_id": "bridge", **counts, "setup": 1}])
    assert repo.coach_counts(engine, sid) == [{"technique_id": "bridge", **counts, "setup": 1}]
    assert repo.coach_counts(engine, sid + 1) == []


def test_an_owners_entries_since_a_day_are_read_through_the_owner_time_index(engine):
    for table, name in (
        ("check_ins", "ix_check_ins_user_at"),
        ("sessions", "ix_sessions_user_started"),
        ("screenings", "ix_screenings_user_at"),
        ("stops", "ix_stops_user_at"),
        ("restores", "ix_restores_user_at"),
    ):
        assert name in {ix["name"] for ix in inspect(engine).get_indexes(table)}, table
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            plan = conn.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT pain FROM check_ins "
                    "WHERE user_id = 7 AND at >= '2024-01-01' ORDER BY at"
                )
            ).all()
        assert "ix_check_ins_user_at" in str(plan), plan
