"""The practice tests run on SQLite and on a real PostgreSQL server, like the storage tests
(the same throwaway server; EASEBACK_TEST_POSTGRES=require makes a missing one fail)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.storage.conftest import db_url, engine, pg_server  # noqa: F401

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One Argon2id hash of PASSWORD for every test user: hashing is slow on purpose."""
    from easeback.usecases import accounts

    return accounts.hash_password(PASSWORD)


@pytest.fixture
def people(engine, password_hash):  # noqa: F811
    """Two clinics: alice (clinician) with ann and bob; carol (clinician) with cat. Written as
    accounts.add_user writes them, with the password hashed once for all."""
    from easeback.storage import practice as repo

    ids = {}
    for email, role, clinic in [
        ("alice@north.example", "clinician", "North"),
        ("ann@example.org", "person", "North"),
        ("bob@example.org", "person", "North"),
        ("carol@south.example", "clinician", "South"),
        ("cat@example.org", "person", "South"),
    ]:
        cid = repo.clinic_id(engine, clinic, T0)
        uid = repo.add_user(engine, email, role, cid, password_hash, T0)
        repo.audit(engine, T0, None, "user.add", uid, f"role={role}")
        ids[email.split("@")[0]] = uid
    return ids
