"""Every storage test runs on SQLite and on a real PostgreSQL server (skipped, saying how to
enable it, where the PostgreSQL binaries are missing; EASEBACK_TEST_POSTGRES=require fails
instead)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

from tests.storage import pg

_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    if pg.bindir() is None:
        if os.environ.get("EASEBACK_TEST_POSTGRES") == "require":
            pytest.fail(pg.HOW_TO_ENABLE)
        pytest.skip(pg.HOW_TO_ENABLE)
    with pg.server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'journal.sqlite3'}"
    server = request.getfixturevalue("pg_server")
    return pg.create_database(server, f"t{os.getpid()}_{next(_counter)}")


@pytest.fixture
def engine(db_url):
    from easeback.storage import open_engine

    e = open_engine(db_url)
    yield e
    e.dispose()
