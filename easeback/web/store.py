"""Web sessions: a random id in a cookie, the wizard's state kept under it.

A session holds the screening answers, the planned routine and what a stop changed. Its state is
written only when there is something to keep, to the journal database when the journal is installed
(easeback.storage.wizard: survives a restart, no count limit) or else to a bounded in-memory store.
A visit without state stores nothing, so a flood of cookieless requests pushes nobody out. The CSRF
token is an HMAC of the id under a secret kept in the data folder, so it needs no storage either.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from easeback.domain.screening import AnswerValue

COOKIE = "easeback_session"
MAX_SESSIONS = 2000  # the in-memory store only: sessions with state, oldest dropped first
IDLE_SECONDS = 7 * 24 * 3600  # a screening is valid for 7 days (safety.md)
SECRET_FILE = "web-secret"
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)

log = logging.getLogger(__name__)


@dataclass
class WebSession:
    id: str
    csrf: str
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    routine: dict[str, Any] | None = None
    left_out: set[str] = field(default_factory=set)
    rescreen: bool = False  # a stop asked for the screening to be answered again
    rescreen_why: str = ""  # why, in words, when it was not a nerve-sign stop (a lapse)
    screened_at: str | None = None  # ISO time (UTC) the answers were completed; valid 7 days
    screening_saved: bool = False  # the current answers' result is in the journal
    # the state as last stored (snapshot()), so only changes are written
    kept: tuple[Any, ...] = field(default=(), repr=False, compare=False)
    # the journal's stops and restores, read at most once per request (a session lives one)
    journal_stops: Any = field(default=None, repr=False, compare=False)
    # when the stored state goes stale (peeked sessions with a state only), else None
    kept_until: datetime | None = field(default=None, repr=False, compare=False)

    def state(self) -> dict[str, Any]:
        return {
            "answers": self.answers,
            "routine": self.routine,
            "left_out": sorted(self.left_out),
            "rescreen": self.rescreen,
            "rescreen_why": self.rescreen_why,
            "screened_at": self.screened_at,
            "screening_saved": self.screening_saved,
        }

    def state_json(self) -> str:
        return json.dumps(self.state(), sort_keys=True, separators=(",", ":"))

    def snapshot(self) -> tuple[Any, ...]:
        """The state, compared by value without encoding it (the routine is never changed in
        place, only replaced, so it is compared as it is)."""
        return (
            dict(self.answers),
            self.routine,
            frozenset(self.left_out),
            self.rescreen,
            self.rescreen_why,
            self.screened_at,
            self.screening_saved,
        )

    def restore(self, state: dict[str, Any]) -> None:
        """Takes a state as stored; the routine is shared with the store (it is only ever
        replaced, never changed in place), the answers and left-out set are copied."""
        self.answers = dict(state.get("answers") or {})
        routine = state.get("routine")
        self.routine = routine if isinstance(routine, dict) else None
        self.left_out = {str(t) for t in state.get("left_out") or ()}
        self.rescreen = bool(state.get("rescreen"))
        self.rescreen_why = str(state.get("rescreen_why") or "")
        at = state.get("screened_at")
        self.screened_at = at if isinstance(at, str) else None
        self.screening_saved = bool(state.get("screening_saved"))
        self.kept = self.snapshot()


class SessionStore(Protocol):
    def load(self, sid: str) -> dict[str, Any] | None: ...

    def save(self, sid: str, state: dict[str, Any]) -> None: ...

    def peek(self, sid: str) -> tuple[bool, dict[str, Any] | None, datetime | None]:
        """(True, state or None, when that state goes stale) when it is known without waiting
        on I/O, else (False, None, None)."""
        ...

    def generation(self) -> Any:
        """A value that changes whenever any stored state (or, with a journal, its stops) may
        have changed; None when that cannot be told without waiting."""
        ...


class MemoryStore:
    """Sessions with state, in this process; bounded, the least recently used go first."""

    def __init__(
        self, max_sessions: int = MAX_SESSIONS, idle_seconds: float = IDLE_SECONDS
    ) -> None:
        self._items: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()
        self.max_sessions = max_sessions
        self.idle_seconds = idle_seconds
        self._generation = 0

    def load(self, sid: str) -> dict[str, Any] | None:
        item = self._items.get(sid)
        if item is None or time.monotonic() - item[0] > self.idle_seconds:
            self._items.pop(sid, None)
            return None
        self._items[sid] = (time.monotonic(), item[1])
        self._items.move_to_end(sid)
        return item[1]

    def peek(self, sid: str) -> tuple[bool, dict[str, Any] | None, datetime | None]:
        state = self.load(sid)
        if state is None:
            return True, None, None
        return True, state, datetime.now(UTC) + timedelta(seconds=self.idle_seconds)

    def generation(self) -> int:
        return self._generation

    def save(self, sid: str, state: dict[str, Any]) -> None:
        self._items[sid] = (time.monotonic(), json.loads(json.dumps(state)))
        self._items.move_to_end(sid)
        while len(self._items) > self.max_sessions:
            self._items.popitem(last=False)
        self._generation += 1

    def __len__(self) -> int:
        return len(self._items)


class JournalStore:
    """Sessions in the journal database (table web_wizard); in memory if it cannot be opened."""

    def __init__(self, journal: Any) -> None:
        self.journal = journal
        self._fallback: MemoryStore | None = None

    def _engine(self) -> Any:
        if self._fallback is not None:
            return None
        try:
            return self.journal.engine
        except Exception as exc:  # the journal pages report it; the wizard still works
            log.warning("wizard state kept in memory only: %s", exc)
            self._fallback = MemoryStore()
            return None

    def load(self, sid: str) -> dict[str, Any] | None:
        engine = self._engine()
        if engine is None:
            assert self._fallback is not None
            return self._fallback.load(sid)
        state: dict[str, Any] | None = self.journal.watch.load_wizard(sid, datetime.now(UTC))
        return state

    def peek(self, sid: str) -> tuple[bool, dict[str, Any] | None, datetime | None]:
        """(True, state, until) when the state is at hand without waiting on the database."""
        if self._fallback is not None:
            return self._fallback.peek(sid)
        watch = getattr(self.journal, "_watch", None)
        if watch is None:
            return False, None, None
        hit: tuple[bool, dict[str, Any] | None, datetime | None]
        hit = watch.peek_wizard(sid, datetime.now(UTC))
        return hit

    def generation(self) -> Any:
        """The watch's (the wizard states and the journal's stops), or the fallback's."""
        if self._fallback is not None:
            return ("memory", self._fallback.generation())
        watch = getattr(self.journal, "_watch", None)
        return None if watch is None else watch.generation()

    def save(self, sid: str, state: dict[str, Any]) -> None:
        engine = self._engine()
        if engine is None:
            assert self._fallback is not None
            self._fallback.save(sid, state)
            return
        self.journal.watch.save_wizard(sid, state, datetime.now(UTC))


def load_secret(folder: Path) -> bytes:
    """The key behind the CSRF tokens, made once and kept in the data folder (only readable by its
    owner) so forms stay valid across a restart; a fresh one per process if it cannot be kept."""
    path = folder / SECRET_FILE
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("web secret unreadable (%s); forms expire when the server restarts", exc)
        return secrets.token_bytes(32)
    data = secrets.token_bytes(32)
    part = path.with_name(f"{SECRET_FILE}.{os.getpid()}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(part, path)
    except OSError as exc:
        log.warning("web secret not kept (%s); forms expire when the server restarts", exc)
    return data


class Sessions:
    """Opens the session a cookie names (a new one for none or a malformed one) and keeps it."""

    def __init__(self, store: SessionStore, secret: bytes) -> None:
        self.store = store
        self._secret = secret

    def csrf(self, sid: str) -> str:
        return hmac.new(self._secret, sid.encode(), hashlib.sha256).hexdigest()

    def open(self, cookie: str | None) -> WebSession:
        sid = cookie if cookie and SESSION_ID.match(cookie) else secrets.token_urlsafe(32)
        return self._session(sid, self.store.load(sid) if cookie == sid else None)

    def peek(self, cookie: str | None) -> WebSession | None:
        """The session as `open` gives it when that needs no waiting on the database (no cookie,
        or its state kept in memory and current), else None."""
        if not (cookie and SESSION_ID.match(cookie)):
            return self.open(None)
        hit, state, until = self.store.peek(cookie)
        if not hit:
            return None
        sess = self._session(cookie, state)
        sess.kept_until = until
        return sess

    def generation(self) -> Any:
        """The store's generation (SessionStore.generation)."""
        return self.store.generation()

    def _session(self, sid: str, state: dict[str, Any] | None) -> WebSession:
        sess = WebSession(id=sid, csrf=self.csrf(sid))
        if state is not None:
            sess.restore(state)
        else:
            sess.kept = sess.snapshot()  # an empty session is not worth a row
        return sess

    def changed(self, sess: WebSession) -> bool:
        """Whether `keep` would write."""
        return sess.snapshot() != sess.kept

    def keep(self, sess: WebSession) -> None:
        now = sess.snapshot()
        if now != sess.kept:
            self.store.save(sess.id, sess.state())
            sess.kept = now
