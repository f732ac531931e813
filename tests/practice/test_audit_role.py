"""A practice whose tables belong to an owner role: `easeback db migrate` migrates as the owner
and grants the app's role only what the app needs, so the app's role can add to the audit log
and read it, but not change, delete, truncate or drop it, nor switch its trigger off. The app
itself works on that role. On a real PostgreSQL server."""

from __future__ import annotations

import itertools
import os
from datetime import UTC, datetime

import pytest

from easeback.terminal.cli import main
from tests.practice.conftest import PASSWORD

_n = itertools.count()

TAMPERING = [
    "UPDATE audit_log SET detail = 'rewritten'",
    "DELETE FROM audit_log",
    "TRUNCATE audit_log",
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
    "DROP TRIGGER audit_log_append_only ON audit_log",
    "DROP TABLE audit_log",
    "ALTER TABLE audit_log RENAME TO old_audit_log",
    "CREATE TABLE audit_copy AS SELECT * FROM audit_log",
]


@pytest.fixture
def roles(pg_server):
    """A database owned by an owner role, and an app role that owns nothing: (owner, app) URLs."""
    import psycopg

    n = f"{os.getpid()}_{next(_n)}"
    owner, app, name = f"owner_{n}", f"app_{n}", f"clinic_{n}"
    dsn = pg_server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{owner}" LOGIN')
        conn.execute(f'CREATE ROLE "{app}" LOGIN')
        conn.execute(f'CREATE DATABASE "{name}" OWNER "{owner}"')
    host = pg_server.split("@", 1)[1]
    return (
        f"postgresql+psycopg://{owner}@{host}/{name}",
        f"postgresql+psycopg://{app}@{host}/{name}",
    )


def _psycopg(url: str):
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))


def test_the_app_role_may_only_add_to_the_audit_log(roles, capsys):
    import psycopg

    from easeback.storage import open_engine
    from easeback.storage.engine import owns_tables
    from easeback.usecases import accounts

    owner_url, app_url = roles
    assert main(["db", "migrate", "--owner-url", owner_url, "--database", app_url]) == 0
    assert "only add to the audit log" in capsys.readouterr().out

    app = open_engine(app_url)  # at the head revision: nothing to migrate as the app
    try:
        assert not owns_tables(app)
        uid, _ = accounts.add_user(
            app, "ann@example.org", "person", "North", PASSWORD, datetime.now(UTC)
        )
        signed = accounts.sign_in(
            app, "ann@example.org", PASSWORD, "203.0.113.9", datetime.now(UTC)
        )
        assert signed.user.id == uid
    finally:
        app.dispose()

    with _psycopg(app_url) as conn:
        conn.execute(
            "INSERT INTO audit_log (at, actor_id, action, subject_id, detail) "
            "VALUES (now(), NULL, 'test.insert', NULL, '')"
        )
        conn.commit()
        assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] >= 2
        for statement in TAMPERING:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
            conn.rollback()
        lines = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with _psycopg(owner_url) as conn:  # the owner still holds the trigger that refuses it
        assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == lines
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            conn.execute("DELETE FROM audit_log")


def test_db_migrate_refuses_the_owners_own_role_and_says_what_is_missing(roles, capsys):
    owner_url, app_url = roles
    assert main(["db", "migrate", "--database", app_url]) == 2
    assert "--owner-url or EASEBACK_OWNER_DATABASE_URL" in capsys.readouterr().err
    owner_role = owner_url.split("://", 1)[1].split("@", 1)[0]
    assert main(["db", "migrate", "--owner-url", owner_url, "--app-role", owner_role]) == 2
    assert "is the owner's role" in capsys.readouterr().err
    assert main(["db", "migrate", "--owner-url", owner_url, "--app-role", "nobody_here"]) == 2
    assert "there is no PostgreSQL role 'nobody_here'" in capsys.readouterr().err


def test_one_role_practice_still_migrates_and_is_told_it_owns_the_tables(roles):
    from easeback.storage import open_engine
    from easeback.storage.engine import owns_tables

    owner_url, _ = roles
    engine = open_engine(owner_url)  # one role: migrations run at open, as before
    try:
        assert owns_tables(engine)
    finally:
        engine.dispose()
