"""The practice tests run on SQLite and on a real PostgreSQL server, like the storage tests
(the same throwaway server; EASEBACK_TEST_POSTGRES=require makes a missing one fail)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.storage.conftest import db_url, engine, pg_server  # noqa: F401

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


@pytest.fixture
def people(engine):  # noqa: F811
    """Two clinics: alice (clinician) with ann and bob; carol (clinician) with cat."""
    from easeback.usecases import accounts

    ids = {}
    for email, role, clinic in [
        ("alice@north.example", "clinician", "North"),
        ("ann@example.org", "person", "North"),
        ("bob@example.org", "person", "North"),
        ("carol@south.example", "clinician", "South"),
        ("cat@example.org", "person", "South"),
    ]:
        ids[email.split("@")[0]], _ = accounts.add_user(engine, email, role, clinic, PASSWORD, T0)
    return ids
