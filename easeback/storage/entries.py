"""The journal as a list of entries (check-ins, sessions, complete screenings) read a page at a
time: the newest page, or everything in time order streamed in batches, never every row at once.

Entries are ordered by (time, kind, id) with check-ins before sessions before screenings at the
same time, as the history has always listed them. A `Key` marks a place in that order, so a page
can ask for what comes before (or after) the last entry it showed.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Engine, Select, and_, case, func, or_, select
from sqlalchemy.engine import Connection

from easeback.storage import schema
from easeback.storage.rows import (
    UNFINISHED,
    check_in_entry,
    screening_entry,
    session_entries,
)
from easeback.storage.rows import (
    Entry as Entry,  # names of this module too
)
from easeback.storage.rows import (
    Key as Key,
)
from easeback.storage.rows import key_text as key_text
from easeback.storage.rows import parse_key as parse_key
from easeback.storage.schema import DEFAULT_PERSON

BATCH = 500  # rows of one kind per query when streaming

S = TypeVar("S", bound=Select[*tuple[Any, ...]])


def _beyond(rank: int, time: Any, ident: Any, key: Key, newest_first: bool) -> ColumnElement[bool]:
    """Rows of the kind with this rank strictly after key in reading order (before it when
    reading newest first)."""
    at, krank, kid = key
    if newest_first:
        if rank < krank:
            return time <= at  # type: ignore[no-any-return]
        if rank > krank:
            return time < at  # type: ignore[no-any-return]
        return or_(time < at, and_(time == at, ident < kid))
    if rank > krank:
        return time >= at  # type: ignore[no-any-return]
    if rank < krank:
        return time > at  # type: ignore[no-any-return]
    return or_(time > at, and_(time == at, ident > kid))


@dataclass(frozen=True)
class _Window:
    person: str
    since: datetime | None  # naive UTC
    key: Key | None
    newest_first: bool
    limit: int

    def apply(self, stmt: S, rank: int, time: Any, ident: Any) -> S:
        if self.since is not None:
            stmt = stmt.where(time >= self.since)
        if self.key is not None:
            stmt = stmt.where(_beyond(rank, time, ident, self.key, self.newest_first))
        order = (time.desc(), ident.desc()) if self.newest_first else (time, ident)
        return stmt.order_by(*order).limit(self.limit)


def _check_ins(conn: Connection, w: _Window, tz: tzinfo | None) -> list[Entry]:
    ci = schema.check_ins.c
    cols = (ci.id, ci.at, ci.pain, ci.stiffness, ci.peg_pain, ci.peg_enjoyment, ci.peg_activity)
    stmt = w.apply(select(*cols, ci.activities).where(ci.person == w.person), 0, ci.at, ci.id)
    return [check_in_entry(row, tz) for row in conn.execute(stmt)]


def _sessions(conn: Connection, w: _Window, tz: tzinfo | None) -> list[Entry]:
    se, tr, st = schema.sessions.c, schema.technique_results.c, schema.stops.c
    # the routine (a few KB of JSON) only of sessions cut short: their results stop where they did
    short = case((se.status.in_(UNFINISHED), se.routine), else_=None)
    cols = (se.id, se.started_at, se.status, se.pain_before, se.pain_after, se.soreness, short)
    rows = conn.execute(
        w.apply(select(*cols).where(se.person == w.person), 1, se.started_at, se.id)
    )
    found = list(rows)
    ids = [r[0] for r in found]
    if not ids:
        return []
    results = conn.execute(
        select(tr.session_id, tr.technique_id, tr.outcome)
        .where(tr.session_id.in_(ids))
        .order_by(tr.session_id, tr.position)
    )
    stops = conn.execute(
        select(st.session_id, st.at, st.reason, st.technique_id)
        .where(st.session_id.in_(ids), st.person == w.person)
        .order_by(st.at, st.id)
    )
    return session_entries(found, list(results), list(stops), tz)


def _screenings(conn: Connection, w: _Window, tz: tzinfo | None) -> list[Entry]:
    sc = schema.screenings.c
    stmt = select(sc.id, sc.at, sc.disposition, sc.answers).where(
        sc.person == w.person, sc.complete
    )
    return [screening_entry(row, tz) for row in conn.execute(w.apply(stmt, 2, sc.at, sc.id))]


_READERS: Sequence[Callable[[Connection, _Window, tzinfo | None], list[Entry]]] = (
    _check_ins,
    _sessions,
    _screenings,
)


def count_entries(
    engine: Engine,
    person: str = DEFAULT_PERSON,
    since: datetime | None = None,
    before: Key | None = None,
) -> int:
    """How many entries the journal holds (since a naive UTC time; before a key)."""
    total = 0
    with engine.connect() as conn:
        ci, se, sc = schema.check_ins.c, schema.sessions.c, schema.screenings.c
        for rank, time, ident, where in (
            (0, ci.at, ci.id, ci.person == person),
            (1, se.started_at, se.id, se.person == person),
            (2, sc.at, sc.id, and_(sc.person == person, sc.complete)),
        ):
            stmt = select(func.count()).select_from(time.table).where(where)
            if since is not None:
                stmt = stmt.where(time >= since)
            if before is not None:
                stmt = stmt.where(_beyond(rank, time, ident, before, True))
            total += conn.execute(stmt).scalar_one()
    return total


def latest_entries(
    engine: Engine,
    limit: int,
    person: str = DEFAULT_PERSON,
    since: datetime | None = None,
    before: Key | None = None,
    tz: tzinfo | None = None,
) -> list[Entry]:
    """The newest `limit` entries (since a naive UTC time; before a key), newest first. Each kind
    is read newest first with the same limit, through its (person, time) index."""
    w = _Window(person, since, before, True, limit)
    with engine.connect() as conn:
        found = [e for read in _READERS for e in read(conn, w, tz)]
    return heapq.nlargest(limit, found, key=lambda e: e.key)


def _stream(
    engine: Engine, read: Callable[[Connection, _Window, tzinfo | None], list[Entry]],
    w: _Window, tz: tzinfo | None,
) -> Iterator[Entry]:  # fmt: skip
    while True:
        with engine.connect() as conn:
            batch = read(conn, w, tz)
        yield from batch
        if len(batch) < w.limit:
            return
        w = _Window(w.person, w.since, batch[-1].key, False, w.limit)


def iter_entries(
    engine: Engine,
    person: str = DEFAULT_PERSON,
    since: datetime | None = None,
    tz: tzinfo | None = None,
    batch: int = BATCH,
) -> Iterator[Entry]:
    """Every entry (since a naive UTC time) oldest first, read `batch` rows of a kind at a time:
    memory stays the same however long the journal is."""
    streams = [_stream(engine, read, _Window(person, since, None, False, batch), tz)
               for read in _READERS]  # fmt: skip
    return heapq.merge(*streams, key=lambda e: e.key)
