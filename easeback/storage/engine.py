"""Engines for the journal database: SQLite (WAL, the default) or PostgreSQL, migrated on open.

A file that is not an easeback database, or is damaged, is reported and never written to.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.pool import StaticPool

HEAD_REVISION = "0010"  # tests check that this is Alembic's head
MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_MAGIC = b"SQLite format 3\x00"
OUR_TABLES = frozenset(
    {
        "screenings",
        "check_ins",
        "sessions",
        "technique_results",
        "stops",
        "restores",
        "coach_counts",
    }
)


class StorageError(Exception):
    """The database cannot be used as it is; the message says why and what was left untouched."""


def default_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'journal.sqlite3'}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")  # a committed event survives even a power cut
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def make_engine(url: str) -> Engine:
    """A bare engine for the URL: SQLite gets WAL and foreign keys; psycopg 3 for PostgreSQL."""
    try:
        parsed = make_url(url)
        parsed.get_dialect()  # an unknown kind of database is named here, not deep inside
    except ArgumentError:
        scheme = url.split(":", 1)[0] if ":" in url else url[:20]
        raise StorageError(
            f"cannot use the database URL: {scheme!r} is not a database easeback knows "
            "(use sqlite:///PATH or postgresql+psycopg://USER@HOST/NAME)"
        ) from None
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        memory = parsed.database in (None, "", ":memory:")
        # One shared connection keeps an in-memory database alive across sessions.
        engine = create_engine(parsed, poolclass=StaticPool) if memory else create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(parsed)
    event.listen(engine, "connect", _checked_in)
    event.listen(engine, "checkout", _ping_if_idle)
    event.listen(engine, "checkin", _checked_in)
    return engine


# A pooled connection that sat idle may have been closed by the server (a restart, a failover,
# an idle timeout). SQLAlchemy's pool_pre_ping checks every checkout with a round trip; a busy
# practice checks out a connection several times per request, so only one idle this long is
# checked. A connection dropped sooner fails one request, and the pool then replaces them all.
PING_AFTER_IDLE = 10.0  # seconds


def _checked_in(_dbapi_conn: Any, record: Any) -> None:
    record.info["checked_in"] = time.monotonic()


def _ping_if_idle(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
    if time.monotonic() - record.info.get("checked_in", 0.0) < PING_AFTER_IDLE:
        return
    try:
        cur = dbapi_conn.cursor()
        cur.execute("SELECT 1")
        cur.close()
        dbapi_conn.rollback()
    except Exception as exc:  # whatever the driver raises for a dead connection
        raise DisconnectionError(str(exc)) from exc  # the pool retries with a fresh one


def _check_sqlite_file(path: Path) -> None:
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


def _migrate(engine: Engine) -> None:
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        current = None
        if "alembic_version" in names:
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        elif names & OUR_TABLES or names - {"sqlite_sequence"}:
            raise StorageError(
                f"{engine.url.render_as_string(hide_password=True)} holds tables that are not "
                "an easeback journal; it was left untouched"
            )
    if current == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_engine(url: str) -> Engine:
    """An engine on a ready database: created on first use, migrated to the head revision.

    Raises StorageError for a database that is corrupt, foreign or unreachable.
    """
    try:
        parsed = make_url(url)
        parsed.get_dialect()  # an unknown kind of database is named here, not deep inside
    except ArgumentError:
        scheme = url.split(":", 1)[0] if ":" in url else url[:20]
        raise StorageError(
            f"cannot use the database URL: {scheme!r} is not a database easeback knows "
            "(use sqlite:///PATH or postgresql+psycopg://USER@HOST/NAME)"
        ) from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"cannot create the folder {path.parent} for the database: {exc.strerror}"
            ) from None
        _check_sqlite_file(path)
    engine = make_engine(url)
    try:
        _migrate(engine)
    except StorageError:
        engine.dispose()
        raise
    except (OperationalError, DBAPIError) as exc:
        engine.dispose()
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        where = engine.url.render_as_string(hide_password=True)
        raise StorageError(f"cannot use the database {where}: {first}") from None
    return engine
