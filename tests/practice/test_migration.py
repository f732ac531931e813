"""Upgrading a journal from before the practice mode keeps every row (on SQLite a table copy with
foreign keys on would cascade-delete the rows of sessions), and leaves them unowned."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from easeback.storage import HEAD_REVISION, make_engine, open_engine
from easeback.storage.engine import MIGRATIONS
from easeback.storage.repository import load_history
from tests.practice.conftest import T0


def test_upgrade_keeps_the_journal(db_url):
    from easeback.storage import repository as repo

    old = make_engine(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with old.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    with old.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO sessions (id, person, started_at, source, status, routine) "
                "VALUES (1, 'me', :at, 'logged', 'stopped', '{}')"
            ),
            {"at": T0.replace(tzinfo=None)},
        )
        conn.execute(
            text(
                "INSERT INTO technique_results (session_id, position, technique_id, outcome, at)"
                " VALUES (1, 0, 'cat-cow', 'stopped', :at)"
            ),
            {"at": T0.replace(tzinfo=None)},
        )
        conn.execute(
            text(
                "INSERT INTO stops (person, session_id, at, technique_id, reason) "
                "VALUES ('me', 1, :at, 'cat-cow', 'sharp_pain')"
            ),
            {"at": T0.replace(tzinfo=None)},
        )
    old.dispose()
    engine = open_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            HEAD_REVISION
        )
        assert conn.execute(text("SELECT count(*) FROM technique_results")).scalar() == 1
        assert conn.execute(text("SELECT user_id FROM sessions")).scalars().all() == [None]
    h = load_history(engine)
    assert [s.stops[0].reason.value for s in h.sessions] == ["sharp_pain"]
    assert repo.latest_routine(engine) == {}
    engine.dispose()
