"""Engines for the journal database: SQLite (WAL, the default) or PostgreSQL, migrated on open.

A file that is not an easeback database, or is damaged, is reported and never written to.
"""

from __future__ import annotations

import sqlite3
import time
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.pool import StaticPool

from easeback.storage.sqlite_file import (
    DAMAGE,
    check_sqlite_file,
    damaged_message,
    quick_check,
)
from easeback.storage.sqlite_file import (
    JournalDamaged as JournalDamaged,  # names of this module too
)
from easeback.storage.sqlite_file import (
    StorageError as StorageError,
)
from easeback.storage.sqlite_file import pragmas as _sqlite_pragmas

HEAD_REVISION = "0010"  # tests check that this is Alembic's head
MIGRATIONS = Path(__file__).parent / "migrations"
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


def default_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'journal.sqlite3'}"


BACKENDS = ("sqlite", "postgresql")


def _parsed(url: str) -> URL:
    """The URL of a database easeback can use (SQLite or PostgreSQL), else StorageError: an
    unknown kind of database is named here, not deep inside a driver's import."""
    scheme = url.split(":", 1)[0] if ":" in url else url[:20]
    try:
        parsed = make_url(url)
        known = parsed.get_backend_name() in BACKENDS
        if known:
            parsed.get_dialect()
    except ArgumentError:
        known = False
    if not known:
        raise StorageError(
            f"cannot use the database URL: {scheme!r} is not a database easeback knows "
            "(use sqlite:///PATH or postgresql+psycopg://USER@HOST/NAME)"
        )
    return parsed


def make_engine(url: str) -> Engine:
    """A bare engine for the URL: SQLite gets WAL and foreign keys; psycopg 3 for PostgreSQL."""
    parsed = _parsed(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        memory = parsed.database in (None, "", ":memory:")
        # One shared connection keeps an in-memory database alive across sessions.
        engine = create_engine(parsed, poolclass=StaticPool) if memory else create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        if not memory:
            _guard_sqlite_file(engine, Path(parsed.database or ""))
        return engine
    # a server that does not answer at all (a host down, a firewall dropping packets) is given
    # up after CONNECT_TIMEOUT, not the system's two minutes: the request then answers 503
    connect = {} if "connect_timeout" in parsed.query else {"connect_timeout": CONNECT_TIMEOUT}
    engine = create_engine(parsed, connect_args=connect)
    event.listen(engine, "connect", _checked_in)
    event.listen(engine, "checkout", _ping_if_idle)
    event.listen(engine, "checkin", _checked_in)
    return engine


# A pooled connection that sat idle may have been closed by the server (a restart, a failover,
# an idle timeout). SQLAlchemy's pool_pre_ping checks every checkout with a round trip; a busy
# practice checks out a connection several times per request, so only one idle this long is
# checked. A connection dropped sooner fails one request, and the pool then replaces them all.
PING_AFTER_IDLE = 10.0  # seconds
CONNECT_TIMEOUT = 10  # seconds, for PostgreSQL (unless the URL sets connect_timeout)


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


# Damage inside the file (a page of random bytes, a page zeroed) passes the header check on open.
# A read meets it only when it reads that page, and says so (handle_error below); a write could
# go through beside it and spread it, so before the first write through an engine the whole file
# is checked once with PRAGMA quick_check (reads every page but skips matching indexes to their
# tables: about 1.7 ms a MB, against integrity_check's 10). One check a process for a command;
# reads, the most frequent, pay nothing.
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "ALTER", "DROP")
_INTACT: weakref.WeakSet[Engine] = weakref.WeakSet()  # engines whose file was checked whole


def check_intact(engine: Engine) -> None:
    """JournalDamaged unless the SQLite file is whole (once per engine; nothing for another
    database). For a read that streams its answer, such as an export, which cannot take back
    what it sent when it meets the damage half-way."""
    path = engine.url.database
    if engine.dialect.name != "sqlite" or path in (None, "", ":memory:") or engine in _INTACT:
        return
    with engine.connect() as conn:
        quick_check(conn.connection.dbapi_connection, Path(path))
    _INTACT.add(engine)


def _guard_sqlite_file(engine: Engine, path: Path) -> None:
    def before_execute(
        conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        if engine in _INTACT or not statement.lstrip()[:7].upper().startswith(WRITES):
            return
        quick_check(conn.connection.dbapi_connection, path)
        _INTACT.add(engine)  # the first write of a process pays for it

    def on_error(context: Any) -> None:
        exc = context.original_exception
        if isinstance(exc, sqlite3.DatabaseError) and any(d in str(exc) for d in DAMAGE):
            raise JournalDamaged(damaged_message(path, str(exc))) from None

    event.listen(engine, "before_cursor_execute", before_execute)
    event.listen(engine, "handle_error", on_error)


def _owner_only(path: Path) -> None:
    """A journal just made: only its owner may read it (SQLite gives its -wal and -shm files the
    database file's mode when it makes them)."""
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if p.exists():
            p.chmod(0o600)


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
    if current is not None and engine.dialect.name == "postgresql" and not owns_tables(engine):
        raise StorageError(
            f"{engine.url.render_as_string(hide_password=True)} is at revision {current} and "
            f"easeback needs {HEAD_REVISION}, but its role does not own the tables: run "
            "`easeback db migrate` with the owner's URL (EASEBACK_OWNER_DATABASE_URL)"
        )
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_engine(url: str, create_folder: bool = True) -> Engine:
    """An engine on a ready database: created on first use, migrated to the head revision.

    A new SQLite journal is readable by its owner only (0600, in a 0700 folder when the folder
    is made here: health data). create_folder=False refuses a file whose folder is missing (a
    path the person typed, where a typo should not quietly start a journal somewhere new).
    Raises StorageError for a database that is corrupt, foreign or unreachable.
    """
    parsed = _parsed(url)
    new: Path | None = None  # a SQLite file made here
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if not create_folder and not path.parent.is_dir():
            raise StorageError(
                f"cannot use the database {path}: the folder {path.parent} does not exist "
                "(create it first, or give a path in a folder that exists)"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise StorageError(
                f"cannot create the folder {path.parent} for the database: {exc.strerror}"
            ) from None
        check_sqlite_file(path)
        new = None if path.exists() else path
    engine = make_engine(url)
    try:
        _migrate(engine)
        if new is not None:
            _owner_only(new)
    except StorageError:
        engine.dispose()
        raise
    except (OperationalError, DBAPIError) as exc:
        engine.dispose()
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        where = engine.url.render_as_string(hide_password=True)
        raise StorageError(f"cannot use the database {where}: {first}") from None
    return engine


def owns_tables(engine: Engine) -> bool:
    """Whether the engine's role owns the audit log, and so could drop its trigger and rewrite
    it (always true on SQLite, where nothing keeps a file's owner out)."""
    if engine.dialect.name != "postgresql":
        return True
    with engine.connect() as conn:
        owner = conn.execute(
            text(
                "SELECT tableowner = current_user FROM pg_tables "
                "WHERE schemaname = current_schema() AND tablename = 'audit_log'"
            )
        ).scalar()
    return owner is not False  # no table yet: whoever migrates will own it


def grant_app_role(owner: Engine, role: str) -> None:
    """Give the app's PostgreSQL role what the app needs and no more, on the owner's connection:
    read and write the tables, but on the audit log only SELECT and INSERT (not being the owner,
    it cannot disable or drop the trigger, nor drop the table), and only read alembic_version.
    Run again after each migration (new tables); earlier grants are replaced, not added to."""
    quote = owner.dialect.identifier_preparer.quote
    who = quote(role)
    with owner.begin() as conn:
        me, database, schema = conn.execute(
            text("SELECT current_user, current_database(), current_schema()")
        ).one()
        if role == me:
            raise StorageError(
                f"the app's role {role!r} is the owner's role: give the app a role of its own "
                "(see README, A separate owner role)"
            )
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
        if exists.scalar() is None:
            raise StorageError(f"there is no PostgreSQL role {role!r}: create it first")
        where = quote(schema)
        for statement in (
            f"GRANT CONNECT ON DATABASE {quote(database)} TO {who}",
            f"GRANT USAGE ON SCHEMA {where} TO {who}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {where} FROM {who}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {where} TO {who}",
            f"REVOKE UPDATE, DELETE ON audit_log FROM {who}",
            f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {who}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {where} TO {who}",
        ):
            conn.execute(text(statement))
