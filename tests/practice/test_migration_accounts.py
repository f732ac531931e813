"""Upgrading a practice to 0008: an admin of no clinic becomes the owner, an admin of a clinic
stays its admin; each account's first sign-in is taken from the audit log, and an invite still
open for an account that has signed in ends; the failures table with its typed emails goes.
Down again keeps every account and token. SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from easeback.storage import make_engine, open_engine
from easeback.storage.engine import MIGRATIONS
from tests.practice.conftest import T0

AT = T0.replace(tzinfo=None)


def _cfg(conn) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def test_upgrade_makes_the_owner_and_ends_invites_of_signed_in_accounts(db_url):
    old = make_engine(db_url)
    with old.begin() as conn:
        command.upgrade(_cfg(conn), "0006")
    with old.begin() as conn:
        conn.execute(
            text("INSERT INTO clinics (id, name, created_at) VALUES (1, 'North', :at)"), {"at": AT}
        )
        for uid, email, role, clinic in [
            (1, "boss@practice.example", "admin", None),
            (2, "nora@north.example", "admin", 1),
            (3, "ann@example.org", "person", 1),
            (4, "new@example.org", "person", 1),
        ]:
            conn.execute(
                text("INSERT INTO users (id, email, role, clinic_id, password_hash, created_at) "
                     "VALUES (:i, :e, :r, :c, 'x', :at)"),
                {"i": uid, "e": email, "r": role, "c": clinic, "at": AT},
            )  # fmt: skip
        for uid in (3, 4):
            conn.execute(
                text("INSERT INTO auth_tokens (user_id, token_hash, kind, created_at, expires_at) "
                     "VALUES (:u, :h, 'invite', :at, :at)"),
                {"u": uid, "h": f"{uid:064d}", "at": AT},
            )  # fmt: skip
        conn.execute(
            text("INSERT INTO audit_log (at, actor_id, action, subject_id, detail) "
                 "VALUES (:at, 3, 'sign_in', 3, 'session')"),
            {"at": AT},
        )  # fmt: skip
        conn.execute(
            text("INSERT INTO sign_in_failures (key, at) VALUES ('email:ann@example.org', :at)"),
            {"at": AT},
        )
    old.dispose()
    engine = open_engine(db_url)
    with engine.connect() as conn:
        users = conn.execute(text("SELECT id, role, signed_in_at FROM users ORDER BY id")).all()
        invites = conn.execute(
            text("SELECT user_id, revoked_at IS NOT NULL FROM auth_tokens ORDER BY user_id")
        ).all()
        tables = set(conn.dialect.get_table_names(conn))
    assert [(i, r) for i, r, _ in users] == [
        (1, "owner"),
        (2, "admin"),
        (3, "person"),
        (4, "person"),
    ]
    assert [at is not None for _i, _r, at in users] == [False, False, True, False]
    assert [tuple(r) for r in invites] == [(3, True), (4, False)]
    assert "sign_in_failures" not in tables and "sign_in_counters" in tables
    with engine.begin() as conn:
        command.downgrade(_cfg(conn), "0006")
    with engine.connect() as conn:
        roles = conn.execute(text("SELECT role FROM users ORDER BY id")).scalars().all()
        tokens = conn.execute(text("SELECT count(*) FROM auth_tokens")).scalar()
    assert roles == ["admin", "admin", "person", "person"] and tokens == 2
    engine.dispose()
