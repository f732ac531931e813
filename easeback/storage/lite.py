"""The everyday commands' door to a personal SQLite journal, on the standard library's sqlite3:
`history`, `checkin`, `progress --json` and `plan --json` read and write rows here without
importing SQLAlchemy, which cost each of them about ten times Python's own start-up.

It only reads and writes rows: what a row means is storage/rows.py's, what the figures mean the
domain's, both shared with the SQLAlchemy queries (entries.py, summary.py, repository.py) whose
SQL each function here mirrors and whose answers the tests hold it equal to. It serves a journal
that exists and is at the head revision; `open_journal` gives None otherwise, and the engine
(storage/engine.py) then makes, migrates or refuses it as always. The file's checks on open and
the damage check before the first write are the engine's own (storage/sqlite_file.py).
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime

from easeback.domain.models import StopReason
from easeback.domain.progression import BASELINE_MARGIN, RESCREEN_STOPS, REST_RISE, JournalFacts
from easeback.storage import rows
from easeback.storage.rows import KINDS, UNFINISHED, Entry, Key
from easeback.storage.sqlite_file import (
    DAMAGE,
    JournalDamaged,
    StorageError,
    check_sqlite_file,
    damaged_message,
    pragmas,
    quick_check,
)
from easeback.storage.times import local

TYPE_CHECKING = False  # typing costs start-up time
if TYPE_CHECKING:
    from datetime import tzinfo
    from pathlib import Path
    from typing import Any

    from easeback.domain.progression import CheckIn

ME = "me"  # schema.DEFAULT_PERSON
VERSIONS = os.path.join(os.path.dirname(__file__), "migrations", "versions")


def head_revision() -> str | None:
    """The migrations' head, read from their files as Alembic would find it (the revision no
    other one follows; None unless there is exactly one), without importing Alembic: a journal
    at any other revision is the engine's to migrate. A test holds it to the engine's."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for name in os.listdir(VERSIONS):
        if not name.endswith(".py") or name.startswith("_"):
            continue
        seen = 0
        with open(os.path.join(VERSIONS, name), encoding="utf-8") as f:
            for line in f:  # both near the top
                key, sep, value = line.partition("=")
                if sep and key.strip() in ("revision", "down_revision"):
                    names = revisions if key.strip() == "revision" else followed
                    names.update(v.strip("\"' ") for v in value.strip().strip("()").split(","))
                    seen += 1
                    if seen == 2:
                        break
    heads = revisions - followed
    return heads.pop() if len(heads) == 1 else None


class Journal:
    """An open SQLite journal at the head revision. Reads run as they come; the first write of
    the process checks the whole file first (PRAGMA quick_check), as the engine's does."""

    def __init__(self, con: sqlite3.Connection, path: Path) -> None:
        self.con, self.path, self.checked = con, path, False

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            return self.con.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise self._named(exc) from None

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        found = self.rows(sql, params)
        return found[0][0] if found else None

    def insert(self, sql: str, params: tuple[Any, ...]) -> int:
        """One row written and committed; its id."""
        if not self.checked:
            quick_check(self.con, self.path)
            self.checked = True
        try:
            with self.con:
                cur = self.con.execute(sql, params)
        except sqlite3.DatabaseError as exc:
            raise self._named(exc) from None
        assert cur.lastrowid is not None
        return cur.lastrowid

    def _named(self, exc: sqlite3.DatabaseError) -> Exception:
        if any(d in str(exc) for d in DAMAGE):
            return JournalDamaged(damaged_message(self.path, str(exc)))
        return exc

    def close(self) -> None:
        self.con.close()


def open_journal(path: Path) -> Journal | None:
    """The journal at path when this door can serve it: it exists and is at the head revision.
    None when the engine must (a new journal, one to migrate); StorageError for a file that is
    not a journal or is damaged, with the engine's words."""
    if not path.is_file():
        return None
    check_sqlite_file(path)  # the engine's checks on open: foreign, cut short, not a database
    con = sqlite3.connect(path, isolation_level=None)  # autocommit; `with con` for a write
    try:
        pragmas(con)
        found = con.execute(
            "SELECT version_num FROM alembic_version"
            if con.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
            else "SELECT NULL"
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        con.close()
        if any(d in str(exc) for d in DAMAGE):
            raise JournalDamaged(damaged_message(path, str(exc))) from None
        first = str(exc).strip().splitlines()[0]
        raise StorageError(f"cannot use the database sqlite:///{path}: {first}") from None
    if found != [(head_revision(),)]:
        con.close()
        return None
    return Journal(con, path)


def _stamp(at: datetime) -> str:
    """A naive UTC time as SQLAlchemy's SQLite DateTime stores it."""
    return f"{at:%Y-%m-%d %H:%M:%S}.{at.microsecond:06d}"


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


# ---- writes (repository.py) ----


def add_check_in(db: Journal, check_in: CheckIn, at: datetime, person: str = ME) -> int:
    row = rows.check_in_row(check_in, person, at)
    return db.insert(
        "INSERT INTO check_ins (person, at, pain, stiffness, peg_pain, peg_enjoyment, "
        "peg_activity, activities) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            row["person"],
            _stamp(row["at"]),
            row["pain"],
            row["stiffness"],
            row["peg_pain"],
            row["peg_enjoyment"],
            row["peg_activity"],
            row["activities"],
        ),
    )


# ---- the journal a page at a time (entries.py) ----


def _before(rank: int, time: str, ident: str, key: Key) -> tuple[str, tuple[Any, ...]]:
    """entries._beyond reading newest first: rows of this kind before key in reading order."""
    at, krank, kid = key
    if rank < krank:
        return f"{time} <= ?", (_stamp(at),)
    if rank > krank:
        return f"{time} < ?", (_stamp(at),)
    return f"({time} < ? OR {time} = ? AND {ident} < ?)", (_stamp(at), _stamp(at), kid)


def _window(
    rank: int, time: str, ident: str, since: datetime | None, before: Key | None
) -> tuple[str, tuple[Any, ...]]:
    where = ""
    params: tuple[Any, ...] = ()
    if since is not None:
        where, params = f" AND {time} >= ?", (_stamp(since),)
    if before is not None:
        sql, more = _before(rank, time, ident, before)
        where, params = f"{where} AND {sql}", params + more
    return where, params


def _entry_rows(
    db: Journal, limit: int, person: str, since: datetime | None, before: Key | None
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    where, p = _window(0, "at", "id", since, before)
    check_ins = db.rows(
        "SELECT id, at, pain, stiffness, peg_pain, peg_enjoyment, peg_activity, activities "
        f"FROM check_ins WHERE person = ?{where} ORDER BY at DESC, id DESC LIMIT ?",
        (person, *p, limit),
    )
    where, p = _window(1, "started_at", "id", since, before)
    sessions = db.rows(
        "SELECT id, started_at, status, pain_before, pain_after, soreness, "
        "CASE WHEN status IN (?, ?) THEN routine END "
        f"FROM sessions WHERE person = ?{where} ORDER BY started_at DESC, id DESC LIMIT ?",
        (*UNFINISHED, person, *p, limit),
    )
    where, p = _window(2, "at", "id", since, before)
    screenings = db.rows(
        "SELECT id, at, disposition, answers FROM screenings "
        f"WHERE person = ? AND complete = 1{where} ORDER BY at DESC, id DESC LIMIT ?",
        (person, *p, limit),
    )
    return check_ins, sessions, screenings


def latest_entries(
    db: Journal,
    limit: int,
    person: str = ME,
    since: datetime | None = None,
    before: Key | None = None,
    tz: tzinfo | None = None,
) -> list[Entry]:
    """entries.latest_entries: the newest `limit` entries, newest first."""
    import heapq

    check_ins, sessions, screenings = _entry_rows(db, limit, person, since, before)
    found = [rows.check_in_entry(_timed(r, 1), tz) for r in check_ins]
    found += [rows.screening_entry(_timed(r, 1), tz) for r in screenings]
    if sessions:
        sessions = [_timed(r, 1) for r in sessions]
        ids = [r[0] for r in sessions]
        marks = ", ".join("?" * len(ids))
        results = db.rows(
            "SELECT session_id, technique_id, outcome FROM technique_results "
            f"WHERE session_id IN ({marks}) ORDER BY session_id, position",
            tuple(ids),
        )
        stops = db.rows(
            "SELECT session_id, at, reason, technique_id FROM stops "
            f"WHERE session_id IN ({marks}) AND person = ? ORDER BY at, id",
            (*ids, person),
        )
        stops = [_timed(r, 1) for r in stops]
        found += rows.session_entries(sessions, results, stops, tz)
    return heapq.nlargest(limit, found, key=lambda e: e.key)


def _timed(row: tuple[Any, ...], at: int) -> tuple[Any, ...]:
    """The row with its column `at` read as a time, as SQLAlchemy reads a DateTime."""
    return (*row[:at], _time(row[at]), *row[at + 1 :])


def count_entries(
    db: Journal, person: str = ME, since: datetime | None = None, before: Key | None = None
) -> int:
    """entries.count_entries."""
    total = 0
    for rank, table, time, extra in (
        (0, "check_ins", "at", ""),
        (1, "sessions", "started_at", ""),
        (2, "screenings", "at", " AND complete = 1"),
    ):
        where, p = _window(rank, time, "id", since, before)
        total += db.one(
            f"SELECT count(*) FROM {table} WHERE person = ?{extra}{where}", (person, *p)
        )
    return total


assert KINDS == ("check-in", "session", "screening")  # the ranks above


# ---- the figures (summary.py) ----


def _pain_ends(db: Journal, person: str) -> tuple[int | None, int | None]:
    found: list[Any] = []
    for order in ("", " DESC"):
        ci = db.rows(
            f"SELECT at, id, pain FROM check_ins WHERE person = ? "
            f"ORDER BY at{order}, id{order} LIMIT 1",
            (person,),
        )
        found += rows.check_in_pain(_timed(ci[0], 0) if ci else None)
        for phase, pain in ((0, "pain_before"), (1, "pain_after")):
            se = db.rows(
                f"SELECT started_at, id, {pain} FROM sessions "
                f"WHERE person = ? AND {pain} IS NOT NULL "
                f"ORDER BY started_at{order}, id{order} LIMIT 1",
                (person,),
            )
            found += rows.session_pain(_timed(se[0], 0) if se else None, phase)
    return rows.pain_ends(found)


def journal_facts(db: Journal, person: str = ME, tz: tzinfo | None = None) -> JournalFacts:
    """summary.journal_facts."""
    base, last = _pain_ends(db, person)
    first_session = _time(
        db.one("SELECT min(started_at) FROM sessions WHERE person = ?", (person,))
    )
    rest = _time(
        db.one(
            "SELECT max(started_at) FROM sessions WHERE person = ? "
            "AND (pain_after - pain_before >= ? OR soreness = ?)",
            (person, REST_RISE, "high"),
        )
    )
    screened = _time(
        db.one(
            "SELECT at FROM screenings WHERE person = ? AND complete = 1 "
            "ORDER BY at DESC, id DESC LIMIT 1",
            (person,),
        )
    )
    stop = None
    if screened is not None:
        nerve = [r.value for r in RESCREEN_STOPS]
        stop = db.one(
            "SELECT stops.reason FROM stops JOIN sessions ON sessions.id = stops.session_id "
            f"WHERE stops.person = ? AND sessions.person = ? AND stops.reason IN "
            f"({', '.join('?' * len(nerve))}) AND stops.at >= ? "
            "ORDER BY sessions.started_at, sessions.id, stops.at, stops.id LIMIT 1",
            (person, person, *nerve, _stamp(screened)),
        )
    firsts = [
        _time(db.one(f"SELECT min({time}) FROM {table} WHERE person = ?{extra}", (person,)))
        for table, time, extra in (
            ("screenings", "at", " AND complete = 1"),
            ("check_ins", "at", ""),
            ("sessions", "started_at", ""),
        )
    ]
    told = db.rows(
        "SELECT at, answers FROM screenings WHERE person = ? AND complete = 1 "
        "AND (answers LIKE '%' || ? || '%')",
        (person, '"pain_days"'),
    )
    start = rows.episode_start(firsts, [_timed(r, 0) for r in told], tz)

    def at(value: datetime | None) -> datetime | None:
        return None if value is None else local(value, tz)

    return JournalFacts(
        baseline_pain=base,
        latest_pain=last,
        first_session=at(first_session),
        last_rest_session=at(rest),
        episode_start=start,
        last_screening=at(screened),
        rescreen_stop=None if stop is None else StopReason(stop),
    )


def technique_sums(db: Journal, person: str = ME) -> list[tuple[str, int, int, int]]:
    """summary.technique_sums."""
    found = db.rows(
        "SELECT pairs.tid, count(*), sum(sessions.pain_after - sessions.pain_before), "
        "sum((sessions.pain_after - sessions.pain_before) "
        "* (sessions.pain_after - sessions.pain_before)) "
        "FROM (SELECT DISTINCT technique_results.session_id AS sid, "
        "technique_results.technique_id AS tid "
        "FROM technique_results JOIN sessions ON sessions.id = technique_results.session_id "
        "WHERE sessions.person = ? AND technique_results.outcome IN (?, ?) "
        "AND sessions.pain_before IS NOT NULL AND sessions.pain_after IS NOT NULL) AS pairs "
        "JOIN sessions ON sessions.id = pairs.sid GROUP BY pairs.tid",
        (person, "done", "stopped"),
    )
    return sorted((tid, int(n), int(s), int(q)) for tid, n, s, q in found)


def baseline_pain(db: Journal, person: str = ME) -> int | None:
    """summary.baseline_pain."""
    return _pain_ends(db, person)[0]


def left_out(db: Journal, person: str = ME) -> frozenset[str]:
    """summary.left_out."""
    stopped = db.rows(
        "SELECT stops.technique_id, max(stops.at) FROM stops "
        "JOIN sessions ON sessions.id = stops.session_id "
        "WHERE stops.person = ? AND sessions.person = ? AND stops.reason = ? "
        "AND stops.technique_id IS NOT NULL AND stops.technique_id != ? "
        "GROUP BY stops.technique_id",
        (person, person, StopReason.SHARP_PAIN.value, ""),
    )
    restored = db.rows(
        "SELECT technique_id, max(at) FROM restores WHERE person = ? GROUP BY technique_id",
        (person,),
    )
    return rows.left_out(
        {t: _time(at) for t, at in stopped},  # type: ignore[misc]
        {t: _time(at) for t, at in restored},  # type: ignore[misc]
    )


def done_techniques(db: Journal, person: str = ME) -> frozenset[str]:
    """summary.done_techniques."""
    found = db.rows(
        "SELECT DISTINCT technique_results.technique_id FROM technique_results "
        "JOIN sessions ON sessions.id = technique_results.session_id "
        "WHERE sessions.person = ? AND technique_results.outcome = ?",
        (person, "done"),
    )
    return frozenset(str(t) for (t,) in found)


def good_session_levels(db: Journal, baseline: int | None, person: str = ME) -> dict[str, int]:
    """summary.good_session_levels."""
    below = "" if baseline is None else " AND sessions.pain_after < ?"
    params: tuple[Any, ...] = ("done", person, "completed", REST_RISE, person)
    if baseline is not None:
        params += (baseline + BASELINE_MARGIN,)
    found = db.rows(
        "SELECT technique_results.technique_id, count(*) FROM technique_results "
        "JOIN sessions ON sessions.id = technique_results.session_id "
        "WHERE technique_results.outcome = ? AND sessions.person = ? AND sessions.status = ? "
        "AND sessions.pain_before IS NOT NULL AND sessions.pain_after IS NOT NULL "
        "AND sessions.pain_after - sessions.pain_before < ? "
        "AND NOT (EXISTS (SELECT stops.id FROM stops "
        f"WHERE stops.session_id = sessions.id AND stops.person = ?)){below} "
        "GROUP BY technique_results.technique_id",
        params,
    )
    return {tid: int(n) for tid, n in found}
