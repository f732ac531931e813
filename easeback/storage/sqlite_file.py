"""The SQLite journal file's own checks, on the standard library alone: what a file must be before
easeback opens it, and the damage check before a first write. Both doors use them: the engine
(SQLAlchemy, storage/engine.py) and the everyday commands' sqlite3 door (storage/lite.py), which
must not pay for importing SQLAlchemy."""

from __future__ import annotations

import sqlite3
from pathlib import Path

TYPE_CHECKING = False  # typing costs start-up time
if TYPE_CHECKING:
    from typing import Any

SQLITE_MAGIC = b"SQLite format 3\x00"


class StorageError(Exception):
    """The database cannot be used as it is; the message says why and what was left untouched."""


class JournalDamaged(StorageError):
    """Damage inside an SQLite journal, met by a query or by the check before the first write."""


def pragmas(dbapi_conn: Any, _record: Any = None) -> None:
    """Each connection to a journal: WAL, commits on disk, foreign keys, waiting for a writer."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")  # a committed event survives even a power cut
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


DAMAGE = ("malformed", "not a database", "corrupt")


def damaged_message(path: Path, why: str) -> str:
    return (
        f"the journal {path} is damaged inside ({why}); nothing was written to it. "
        f"Save what can be read with `sqlite3 {path} .recover > recovered.sql`, "
        "then move the file away to start a new journal"
    )


def quick_check(dbapi_conn: Any, path: Path) -> None:
    """JournalDamaged unless PRAGMA quick_check finds the open SQLite file whole."""
    try:
        found = dbapi_conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise JournalDamaged(damaged_message(path, str(exc))) from None
    if found != [("ok",)]:
        lines = "\n".join(str(r[0]) for r in found).splitlines()
        first = next(x for x in [*lines, "damaged"] if x.strip() and "***" not in x)
        raise JournalDamaged(damaged_message(path, first.strip()))


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that easeback did not create before SQLite gets a chance to touch it.

    Cheap on every open (no scan of the whole file): the header's magic, page size and page
    count (a cut-off file is shorter than its header says), then the table names. A refused
    file is left exactly as it was, with nothing created beside it."""
    if not path.exists():
        return
    size = path.stat().st_size
    if size == 0:
        raise StorageError(
            f"database file {path} is empty (0 bytes), so it is not a journal easeback made; "
            "it was left untouched (move it away to start a new journal)"
        )
    with path.open("rb") as fh:
        head = fh.read(100)
    if head[: len(SQLITE_MAGIC)] != SQLITE_MAGIC:
        raise StorageError(
            f"database file {path} is not an SQLite database (corrupt or another kind of file); "
            "it was left untouched"
        )
    if len(head) == 100:
        page_size = int.from_bytes(head[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(head[28:32], "big")
        counted = head[24:28] == head[92:96]  # the header's page count is valid
        if counted and pages and size < page_size * pages:
            raise StorageError(
                f"database file {path} is damaged (cut short: {size} of {page_size * pages} "
                "bytes); it was left untouched"
            )
    beside = [path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal")]
    existed = {p for p in beside if p.exists()}
    try:
        _check_sqlite_tables(path)
    except StorageError:
        for p in beside:  # a read-only look at a WAL file may create these; take them away
            if p not in existed:
                p.unlink(missing_ok=True)
        raise


def _check_sqlite_tables(path: Path) -> None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            f"database file {path} cannot be read ({exc}); it was left untouched"
        ) from None
    if names and "alembic_version" not in names:
        raise StorageError(
            f"database file {path} holds tables that are not an easeback journal; "
            "it was left untouched"
        )
