"""The default SQLite file: created on first use in WAL mode; a bad file is never overwritten."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from easeback.storage import StorageError, default_url, open_engine


def test_created_on_first_use_in_wal_mode(tmp_path):
    url = default_url(tmp_path / "new" / "folder")
    e = open_engine(url)
    with e.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    e.dispose()
    assert (tmp_path / "new" / "folder" / "journal.sqlite3").exists()


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all\n" * 20, b"SQLite format 3\x00" + b"\xff" * 5000],
    ids=["text", "damaged-sqlite"],
)
def test_corrupt_file_is_reported_and_left_untouched(tmp_path, content):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(content)
    with pytest.raises(StorageError, match="left untouched"):
        open_engine(f"sqlite:///{path}")
    assert path.read_bytes() == content
    assert not (tmp_path / "journal.sqlite3-wal").exists()


def test_truncated_database_is_reported_and_left_untouched(tmp_path):
    path = tmp_path / "journal.sqlite3"
    e = open_engine(f"sqlite:///{path}")
    with e.begin() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    e.dispose()
    data = path.read_bytes()
    cut = data[: len(data) // 2]
    path.write_bytes(cut)
    with pytest.raises(StorageError):
        open_engine(f"sqlite:///{path}")
    assert path.read_bytes() == cut


def test_another_programs_database_is_refused(tmp_path):
    path = tmp_path / "other.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match="not an easeback journal"):
        open_engine(f"sqlite:///{path}")
    assert path.read_bytes() == before


def test_empty_file_is_refused_not_turned_into_a_journal(tmp_path):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(StorageError, match="empty"):
        open_engine(f"sqlite:///{path}")
    assert path.read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.sqlite3"]


def test_refused_wal_database_gets_nothing_created_beside_it(tmp_path):
    path = tmp_path / "journal.sqlite3"
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=wal")
    con.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    con.commit()
    con.close()
    before = path.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.sqlite3"]
    with pytest.raises(StorageError, match="not an easeback journal"):
        open_engine(f"sqlite:///{path}")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.sqlite3"]


def test_a_new_journal_is_its_owners_alone(tmp_path):
    """Health data: the file (and the WAL beside it) 0600, the folder made for it 0700."""
    folder = tmp_path / "made" / "easeback"
    e = open_engine(default_url(folder))
    with e.begin() as conn:
        conn.execute(
            text("INSERT INTO restores (person, at, technique_id) VALUES ('me', '2026-01-01', 'x')")
        )
        files = sorted(p.name for p in folder.iterdir())
        modes = {p.name: p.stat().st_mode & 0o777 for p in folder.iterdir()}
    e.dispose()
    assert "journal.sqlite3-wal" in files
    assert set(modes.values()) == {0o600}, modes
    assert folder.stat().st_mode & 0o777 == 0o700


def test_an_existing_folder_keeps_its_mode(tmp_path):
    tmp_path.chmod(0o755)
    open_engine(default_url(tmp_path)).dispose()
    assert tmp_path.stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "journal.sqlite3").stat().st_mode & 0o777 == 0o600


def test_a_named_file_in_a_missing_folder_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'typo' / 'journal.sqlite3'}"
    with pytest.raises(StorageError, match="typo does not exist"):
        open_engine(url, create_folder=False)
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize("url", ["mysql://me@127.0.0.1/journal", "oracle://x", "sqlite+nope:///x"])
def test_databases_easeback_does_not_speak_are_named(url):
    with pytest.raises(StorageError, match="is not a database easeback knows"):
        open_engine(url)
