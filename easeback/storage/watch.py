"""What every web page reads from the journal, kept in memory until somebody else writes.

A page's safety gates read the journal's stops and restores, and a returning visitor's page reads
their wizard state (easeback.storage.wizard). Re-reading them on every request costs three queries
for data that changes a few times a day. A JournalWatch keeps both and asks SQLite, for a few
microseconds, whether any other connection committed since (`PRAGMA data_version` changes when
ANOTHER connection committed: the terminal, another server, or this process's own pooled
connections recording a stop). When one did, what was kept is read again on its next use.

The wizard's own reads and writes go through the watching connection itself, so a visitor's save
updates the kept state without making everything else look changed.

`generation` names what is kept: it changes whenever any of it may have (another connection
committed, a state was saved, everything was forgotten), so an answer made from what is kept can
itself be kept under it. On the event loop the journal is asked once per turn of the loop (the
peeks and `generation` of one turn share the answer): a request that follows a commit it could
know of (the answer to the request that made it was sent) comes in a later turn and asks again.

Only a SQLite file is watched. For any other database (PostgreSQL, an in-memory SQLite) nothing is
kept: every read goes to the database, as before.
"""

from __future__ import annotations

import asyncio
import json
import threading
import weakref
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, bindparam, create_engine, delete, event, insert, update
from sqlalchemy.pool import StaticPool

from easeback.domain.progression import History
from easeback.storage import wizard
from easeback.storage.repository import load_stops
from easeback.storage.sqlite_file import pragmas as _sqlite_pragmas
from easeback.storage.times import to_utc

MAX_WIZARDS = 2000  # browsers whose state is kept in memory (as many as web.store.MemoryStore)

_W = wizard.WizardRow
_LOAD = wizard._LOAD
_UPDATE = update(_W).where(_W.key == bindparam("k")).values(touched_at=bindparam("at"))
_PRUNE = delete(_W).where(_W.touched_at < bindparam("before"))


def watchable(engine: Engine) -> bool:
    url = engine.url
    db = url.database or ""
    in_memory = db in ("", ":memory:") or "mode=memory" in db
    return url.get_backend_name() == "sqlite" and not in_memory


class JournalWatch:
    """The journal's stops and the wizard states, kept until another connection commits."""

    def __init__(self, engine: Engine, max_wizards: int = MAX_WIZARDS) -> None:
        self.engine = engine
        self.max_wizards = max_wizards
        self._lock = threading.Lock()
        self._own: Engine | None = None
        self._raw: Any = None
        self._version: int | None = None
        self._generation = 0  # changes whenever what is kept may have changed
        self._asked_in: asyncio.AbstractEventLoop | None = None  # the loop whose turn asked
        self._stops: History | None = None
        # sha256 key of the cookie -> (touched_at, state), or None for no row
        self._wizards: OrderedDict[str, tuple[datetime, dict[str, Any]] | None] = OrderedDict()
        if watchable(engine):
            # one connection for the whole app (StaticPool), shared by threads under the lock
            own = create_engine(
                engine.url, poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
            event.listen(own, "connect", _sqlite_pragmas)
            with own.connect() as conn:
                self._raw = conn.connection.dbapi_connection
            self._own = own
            weakref.finalize(self, own.dispose)

    @property
    def watching(self) -> bool:
        return self._own is not None

    def _current(self) -> None:
        """Under the lock: forget what was kept if another connection committed since."""
        if self._raw is None:
            self._stops = None
            self._wizards.clear()
            return
        version = self._raw.execute("PRAGMA data_version").fetchall()[0][0]
        if version != self._version:
            self._version = version
            self._forget()

    def _current_this_turn(self) -> None:
        """_current, asked once per turn of the running event loop (every time off a loop)."""
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None and self._asked_in is loop:
            return
        self._current()
        if loop is not None:
            self._asked_in = loop
            loop.call_soon(self._next_turn, loop)

    def _next_turn(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._asked_in is loop:  # (another loop's turn may have asked since: leave it)
            self._asked_in = None

    def _forget(self) -> None:
        self._stops = None
        self._wizards.clear()
        self._generation += 1

    def invalidate(self) -> None:
        """Forget everything kept (after a write the watch might not see as another's)."""
        with self._lock:
            self._forget()

    def generation(self) -> int | None:
        """What is kept now, by a number that changes whenever any of it may have; None when
        nothing is kept or telling would mean waiting for the lock."""
        if self._raw is None or not self._lock.acquire(blocking=False):
            return None
        try:
            self._current_this_turn()
            return self._generation
        finally:
            self._lock.release()

    # ---- stops ----

    def stops(self) -> History:
        """The journal's stops and restores (repository.load_stops), read again only when the
        journal changed."""
        with self._lock:
            self._current()
            if self._stops is None:
                stops = load_stops(self.engine)
                if self._raw is None:
                    return stops
                self._stops = stops
            return self._stops

    def peek_stops(self) -> History | None:
        """The kept stops when they are current and the check need not wait; else None."""
        if self._raw is None or not self._lock.acquire(blocking=False):
            return None
        try:
            self._current_this_turn()
            return self._stops
        finally:
            self._lock.release()

    # ---- the web wizard's state ----

    def load_wizard(self, cookie: str, now: datetime) -> dict[str, Any] | None:
        """The state kept for this cookie, or None when there is none or it went stale."""
        if self._own is None:
            return wizard.load_wizard(self.engine, cookie, now)
        key = wizard.key_of(cookie)
        with self._lock:
            self._current()
            if key in self._wizards:
                entry = self._wizards[key]
                self._wizards.move_to_end(key)
            else:
                with self._own.connect() as conn:
                    row = conn.execute(_LOAD, {"key": key}).first()
                entry = None if row is None else (row.touched_at, json.loads(row.state))
                self._keep(key, entry)
        return _fresh(entry, now)

    def peek_wizard(
        self, cookie: str, now: datetime
    ) -> tuple[bool, dict[str, Any] | None, datetime | None]:
        """(True, state, until) when this cookie's state is kept and current and the check
        need not wait (`until`: when the state goes stale, None for no state); (False, None,
        None) when it must be read."""
        if self._own is None or not self._lock.acquire(blocking=False):
            return False, None, None
        try:
            self._current_this_turn()
            key = wizard.key_of(cookie)
            if key not in self._wizards:
                return False, None, None
            entry = self._wizards[key]
            self._wizards.move_to_end(key)
        finally:
            self._lock.release()
        state = _fresh(entry, now)
        if entry is None or state is None:
            return True, state, None
        return True, state, (entry[0] + wizard.IDLE).replace(tzinfo=UTC)

    def save_wizard(self, cookie: str, state: dict[str, Any], now: datetime) -> None:
        """Keep this cookie's state (replacing what was there) and drop rows idle beyond the
        screening's validity, as wizard.save_wizard does."""
        if self._own is None:
            wizard.save_wizard(self.engine, cookie, state, now)
            return
        key, at, text = wizard.key_of(cookie), to_utc(now), json.dumps(state)
        with self._lock:
            self._current()  # before the write: what others committed is forgotten first
            with self._own.begin() as conn:
                conn.execute(_PRUNE, {"before": at - wizard.IDLE})
                done = conn.execute(_UPDATE.values(state=text), {"k": key, "at": at})
                if done.rowcount == 0:
                    conn.execute(insert(_W).values(key=key, touched_at=at, state=text))
            # this connection's own commit leaves its data_version as it was; kept states of
            # the rows just pruned are refused by their age (_fresh) like the rows were
            self._keep(key, (at, json.loads(text)))
            self._generation += 1

    def _keep(self, key: str, entry: tuple[datetime, dict[str, Any]] | None) -> None:
        self._wizards[key] = entry
        self._wizards.move_to_end(key)
        while len(self._wizards) > self.max_wizards:
            self._wizards.popitem(last=False)


def _fresh(entry: tuple[datetime, dict[str, Any]] | None, now: datetime) -> dict[str, Any] | None:
    """A copy of the kept state's top level; what it holds (answers, routine) is shared by the
    requests that read it and must be replaced, never changed in place (the web session copies
    its answers and left-out set, and only ever replaces its routine)."""
    if entry is None or to_utc(now) - entry[0] > wizard.IDLE:
        return None
    return dict(entry[1])
