"""The everyday commands' sqlite3 door (storage/lite.py) answers what the SQLAlchemy queries
answer, on random journals of two people, and serves only a journal at the head revision."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from easeback.storage import HEAD_REVISION, StorageError, entries, lite, open_engine, summary
from easeback.storage import repository as repo
from easeback.usecases import journal
from tests.storage.test_journal_queries import T0, grow


def _journal(path: Path, seed: int):
    engine = open_engine(f"sqlite:///{path}")
    grow(engine, random.Random(seed))
    grow(engine, random.Random(seed + 100), person="someone-else")  # never counted
    return engine


def test_the_door_finds_the_engines_head_revision():
    assert lite.head_revision() == HEAD_REVISION


def test_a_migration_added_is_the_doors_new_head(tmp_path, monkeypatch):
    for name in os.listdir(lite.VERSIONS):
        if name.endswith(".py"):
            shutil.copy(os.path.join(lite.VERSIONS, name), tmp_path)
    monkeypatch.setattr(lite, "VERSIONS", str(tmp_path))
    new = f"{int(HEAD_REVISION) + 1:04d}"
    (tmp_path / f"{new}_more.py").write_text(
        f'"""More."""\n\nrevision = "{new}"\ndown_revision = "{HEAD_REVISION}"\n'
    )
    assert lite.head_revision() == new
    (tmp_path / f"{new}_other.py").write_text(  # two heads: Alembic would not upgrade either
        f'revision = "{new}b"\ndown_revision = "{HEAD_REVISION}"\n'
    )
    assert lite.head_revision() is None


@pytest.mark.parametrize("seed", [11, 12, 13, 14])
def test_the_door_reads_what_the_engine_reads(tmp_path, catalogue, seed):
    engine = _journal(tmp_path / "journal.sqlite3", seed)
    db = lite.open_journal(tmp_path / "journal.sqlite3")
    assert db is not None
    try:
        for person in ("me", "someone-else"):
            assert lite.journal_facts(db, person) == summary.journal_facts(engine, person)
            assert lite.technique_sums(db, person) == summary.technique_sums(engine, person)
            assert lite.left_out(db, person) == summary.left_out(engine, person)
            assert lite.done_techniques(db, person) == summary.done_techniques(engine, person)
            for base in (None, 0, 3, 8):
                assert lite.good_session_levels(db, base, person) == (
                    summary.good_session_levels(engine, base, person)
                )
            assert lite.count_entries(db, person) == entries.count_entries(engine, person)
        assert journal.planner_inputs_of(db, catalogue.techniques) == (
            journal.planner_inputs_of(engine, catalogue.techniques)
        )
        start = journal.local(T0)
        for now in (start + timedelta(days=d, hours=13) for d in (0, 8, 61, 200)):
            assert journal.progress_summary(db, now) == journal.progress_summary(engine, now)
        for since in (None, journal.parse_since("2024-03-20")):
            # paging back from the newest, a few at a time, as `history` and its pages do
            for limit in (1, 7, 20, 500):
                fast = journal.history_page(db, limit, since)
                assert fast == journal.history_page(engine, limit, since), (limit, since)
                key = None
                while True:
                    page = lite.latest_entries(db, limit, since=since, before=key)
                    assert page == entries.latest_entries(engine, limit, since=since, before=key)
                    assert lite.count_entries(db, since=since, before=key) == (
                        entries.count_entries(engine, since=since, before=key)
                    )
                    if len(page) < limit:
                        break
                    key = page[-1].key
    finally:
        db.close()
        engine.dispose()


def test_a_check_in_written_by_the_door_is_the_engines_row(tmp_path):
    rows = []
    for name in ("door", "engine"):
        path = tmp_path / f"{name}.sqlite3"
        engine = open_engine(f"sqlite:///{path}")
        at = datetime(2024, 5, 1, 8, 30, 15, 250, tzinfo=UTC)
        check_in = journal.make_check_in(4, 6, at, (5, 6, 7), [("walking", 3), ("lifting", 8)])
        if name == "door":
            db = lite.open_journal(path)
            assert db is not None
            lite.add_check_in(db, check_in, at)
            db.close()
        else:
            repo.add_check_in(engine, check_in, at)
        # read back through the engine: the door's row is the engine's, to the microsecond
        assert [e.record for e in entries.latest_entries(engine, 5)] == [check_in_local(at)]
        engine.dispose()
        with sqlite3.connect(path) as con:
            rows.append(con.execute("SELECT * FROM check_ins").fetchall())
        con.close()
    assert rows[0] == rows[1]


def check_in_local(at: datetime):
    return journal.make_check_in(
        4, 6, journal.local(at), (5, 6, 7), [("walking", 3), ("lifting", 8)]
    )


def test_only_a_journal_at_the_head_revision_is_served(tmp_path):
    from alembic import command
    from alembic.config import Config

    from easeback.storage.engine import MIGRATIONS

    assert lite.open_journal(tmp_path / "none.sqlite3") is None  # the engine makes it (0600)
    assert not (tmp_path / "none.sqlite3").exists()
    old = tmp_path / "old.sqlite3"
    engine = _journal(old, 3)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")
    engine.dispose()
    assert lite.open_journal(old) is None  # the engine migrates it
    fresh = tmp_path / "fresh.sqlite3"
    with sqlite3.connect(fresh) as con:  # an SQLite file with no tables yet: the engine's
        con.executescript("CREATE TABLE x (y); DROP TABLE x;")
    con.close()
    assert lite.open_journal(fresh) is None
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as con:
        con.execute("CREATE TABLE notes (x)")
    con.close()
    with pytest.raises(StorageError, match="not an easeback journal"):
        lite.open_journal(foreign)
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    with pytest.raises(StorageError, match="is empty"):
        lite.open_journal(empty)
