"""Accounts: Argon2id passwords, hashed and revocable tokens, invites, sign-in limits kept in the
database, the append-only audit log, deleting an account. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from easeback.storage import practice as repo
from easeback.usecases import accounts
from easeback.usecases.errors import InputError
from tests.practice.conftest import PASSWORD, T0


def test_password_is_argon2id_and_tokens_are_stored_hashed(engine, people):
    user = repo.user_by_email(engine, "ann@example.org")
    assert user is not None and user.password_hash is not None
    assert user.password_hash.startswith("$argon2id$")
    signed = accounts.sign_in(engine, "Ann@Example.org ", PASSWORD, "10.0.0.1", T0)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM auth_tokens")).scalars().all()
        dump = " ".join(str(r) for r in conn.execute(text("SELECT * FROM auth_tokens")).all())
    assert signed.token not in dump
    assert accounts.token_hash(signed.token) in stored


def test_session_authenticates_until_revoked_or_expired(engine, people):
    signed = accounts.sign_in(engine, "ann@example.org", PASSWORD, "10.0.0.1", T0)
    found = accounts.authenticate(engine, signed.token, T0 + timedelta(hours=1))
    assert found is not None and found[0].id == people["ann"] and found[1] == signed.csrf
    late = T0 + timedelta(days=accounts.SESSION_DAYS, seconds=1)
    assert accounts.authenticate(engine, signed.token, late) is None
    accounts.sign_out(engine, found[0], signed.token, T0 + timedelta(hours=2))
    assert accounts.authenticate(engine, signed.token, T0 + timedelta(hours=3)) is None
    assert accounts.authenticate(engine, "not-a-token", T0) is None


def test_unknown_email_and_wrong_password_are_the_same_refusal(engine, people):
    with pytest.raises(accounts.SignInRefused) as unknown:
        accounts.sign_in(engine, "nobody@example.org", PASSWORD, "10.0.0.1", T0)
    with pytest.raises(accounts.SignInRefused) as wrong:
        accounts.sign_in(engine, "ann@example.org", "wrong password!", "10.0.0.1", T0)
    assert str(unknown.value) == str(wrong.value)


def test_ten_failures_a_minute_per_account_lock_even_the_right_password(engine, people):
    for k in range(10):
        with pytest.raises(accounts.SignInRefused):
            accounts.sign_in(engine, "ann@example.org", "wrong", f"10.0.1.{k}", T0)
    with pytest.raises(accounts.TooManyAttempts):
        accounts.sign_in(
            engine, "ann@example.org", PASSWORD, "10.0.2.1", T0 + timedelta(seconds=30)
        )
    # another account is not affected, and a minute later ann may try again
    accounts.sign_in(engine, "bob@example.org", PASSWORD, "10.0.2.1", T0 + timedelta(seconds=30))
    accounts.sign_in(engine, "ann@example.org", PASSWORD, "10.0.2.1", T0 + timedelta(seconds=61))


def test_ten_failures_a_minute_from_one_address_lock_that_address(engine, people):
    for k in range(10):
        with pytest.raises(accounts.SignInRefused):
            accounts.sign_in(engine, f"guess{k}@example.org", "wrong", "10.9.9.9", T0)
    with pytest.raises(accounts.TooManyAttempts):
        accounts.sign_in(engine, "bob@example.org", PASSWORD, "10.9.9.9", T0)
    accounts.sign_in(engine, "bob@example.org", PASSWORD, "10.9.9.10", T0)


def test_invite_sets_the_password_once(engine, people):
    uid, invite = accounts.add_user(engine, "dan@example.org", "person", "North", None, T0)
    assert invite
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in(engine, "dan@example.org", "", "10.0.0.1", T0)
    accounts.accept_invite(engine, invite, "a new long password", T0)
    assert accounts.sign_in(engine, "dan@example.org", "a new long password", "1.1.1.1", T0)
    with pytest.raises(InputError, match="not valid"):
        accounts.accept_invite(engine, invite, "another long password", T0)
    assert repo.user_by_id(engine, uid) is not None


@pytest.mark.parametrize(
    ("email", "role", "clinic", "message"),
    [
        ("not-an-address", "person", "North", "is not an email address"),
        ("eve@example.org", "superuser", "North", "unknown role 'superuser'"),
        ("eve@example.org", "owner", "North", "belongs to none"),
        ("eve@example.org", "admin", None, "belongs to a clinic"),
        ("eve@example.org", "person", None, "belongs to a clinic"),
        ("ann@example.org", "person", "North", "already has an account"),
    ],
)
def test_bad_users_are_refused_in_one_line(engine, people, email, role, clinic, message):
    with pytest.raises(InputError, match=message):
        accounts.add_user(engine, email, role, clinic, PASSWORD, T0)


def test_short_password_is_refused(engine, people):
    with pytest.raises(InputError, match="at least 10 characters"):
        accounts.add_user(engine, "eve@example.org", "person", "North", "short", T0)


def test_audit_log_is_append_only(engine, people, db_url):
    accounts.sign_in(engine, "ann@example.org", PASSWORD, "10.0.0.1", T0)
    trail = repo.audit_trail(engine, people["ann"])
    assert [r["action"] for r in trail] == ["user.add", "sign_in"]
    assert not [n for n in dir(repo) if "audit" in n and n not in ("audit", "audit_trail")]
    # the database itself refuses, on SQLite as on PostgreSQL
    for sql in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))
    assert [r["action"] for r in repo.audit_trail(engine, people["ann"])] == ["user.add", "sign_in"]


def test_deleting_an_account_removes_the_journal_and_keeps_the_audit(engine, people, catalogue):
    """Afterwards no row anywhere points at ann or names her; the audit log keeps ids and
    actions only (a tombstone), and bob's data is untouched."""
    from sqlalchemy import inspect

    from easeback.usecases import practice
    from tests.web.answers import clear_answers

    ann = repo.user_by_id(engine, people["ann"])
    bob = repo.user_by_id(engine, people["bob"])
    alice = repo.user_by_id(engine, people["alice"])
    assert ann is not None and bob is not None and alice is not None
    for who in (ann, bob):
        practice.screen(engine, catalogue, who, clear_answers(), T0)
        practice.prescribe(engine, catalogue, alice, who.id, [{"id": "cat-cow", "reps": 5}], 3, T0)
        practice.check_in(engine, who, 5, 4, T0)
        practice.log_session(engine, catalogue, who, 5, 6, T0, "cat-cow:sharp_pain")
    accounts.sign_in(engine, "ann@example.org", PASSWORD, "10.0.0.1", T0)
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in(engine, "ann@example.org", "a wrong password", "10.0.0.1", T0)

    def dump() -> dict[str, list[tuple[object, ...]]]:
        with engine.connect() as conn:
            names = inspect(conn).get_table_names()
            return {n: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {n}"))] for n in names}

    before = dump()
    with pytest.raises(accounts.SignInRefused):  # a token alone does not erase a record
        accounts.delete_account(engine, ann, "not her password", "10.0.0.1", T0)
    assert repo.user_by_id(engine, ann.id) is not None
    before = dump()
    accounts.delete_account(engine, ann, PASSWORD, "10.0.0.1", T0 + timedelta(minutes=1))
    after = dump()
    assert repo.user_by_id(engine, ann.id) is None
    owner_columns = {"user_id", "person_id"}
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            cols = {c["name"] for c in inspect(conn).get_columns(table)} & owner_columns
            for col in cols:
                n = conn.execute(
                    text(f"SELECT count(*) FROM {table} WHERE {col} = :id"), {"id": ann.id}
                )
                assert n.scalar() == 0, (table, col)
            if "person" in {c["name"] for c in inspect(conn).get_columns(table)}:
                n = conn.execute(
                    text(f"SELECT count(*) FROM {table} WHERE person = :p"),
                    {"p": repo.person_key(ann.id)},
                )
                assert n.scalar() == 0, table
    text_after = repr(after)
    assert "ann@example.org" not in text_after
    assert "ann@example.org" in repr(before)  # the check above could have failed
    # bob's journal is all still there
    for table in ("check_ins", "sessions", "screenings", "stops", "programmes"):
        owner = "person_id" if table == "programmes" else "user_id"
        with engine.connect() as conn:
            n = conn.execute(
                text(f"SELECT count(*) FROM {table} WHERE {owner} = :id"), {"id": bob.id}
            )
            assert n.scalar() == 1, table
    # the audit log lost nothing and keeps that the account was deleted
    assert len(after["audit_log"]) == len(before["audit_log"]) + 1
    assert repo.audit_trail(engine, ann.id)[-1]["action"] == "account.delete"
