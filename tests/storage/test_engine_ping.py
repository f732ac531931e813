"""A PostgreSQL connection the server dropped while it sat in the pool is replaced on the next
checkout, with no error for the caller; a connection in steady use is not pinged."""

from __future__ import annotations

import itertools
import os

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from easeback.storage import engine as engine_module
from easeback.storage import open_engine
from tests.storage import pg

_made = itertools.count()


@pytest.fixture
def pg_url(pg_server) -> str:
    return pg.create_database(pg_server, f"ping{os.getpid()}_{next(_made)}")


def _backend(e) -> int:
    with e.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(url: str, backend: int) -> None:
    other = open_engine(url)
    with other.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": backend})
        conn.commit()
    other.dispose()


def test_a_connection_dropped_while_idle_is_replaced(pg_url, monkeypatch):
    e = open_engine(pg_url)
    first = _backend(e)
    _terminate(pg_url, first)
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE", 0.0)  # as if it had sat idle long
    second = _backend(e)  # no error: the dead one was found at checkout and replaced
    assert second != first
    e.dispose()


def test_a_connection_in_steady_use_is_not_pinged(pg_url, monkeypatch):
    """The cost of not pinging every checkout, shown: a connection dropped seconds after its
    last use fails the one request that meets it, and the next one gets a fresh connection."""
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE", 3600.0)
    e = open_engine(pg_url)
    first = _backend(e)
    _terminate(pg_url, first)
    with pytest.raises(DBAPIError):  # no ping: the dead connection was handed out
        _backend(e)
    assert _backend(e) != first
    e.dispose()
