"""Server-side web sessions keyed by a random id in a cookie: no accounts, nothing on disk.

A session holds the screening answers, the planned routine and what a stop changed. The store is
bounded, so a flood of new cookies cannot grow memory without limit; the oldest sessions go first.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from easeback.domain.screening import AnswerValue

COOKIE = "easeback_session"
MAX_SESSIONS = 2000
IDLE_SECONDS = 7 * 24 * 3600  # a screening is valid for 7 days (safety.md)


@dataclass
class WebSession:
    id: str
    csrf: str
    touched: float
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    routine: dict[str, Any] | None = None
    left_out: set[str] = field(default_factory=set)
    rescreen: bool = False  # a stop asked for the screening to be answered again
    screening_saved: bool = False  # the current answers' result is in the journal


class SessionStore:
    def __init__(
        self, max_sessions: int = MAX_SESSIONS, idle_seconds: float = IDLE_SECONDS
    ) -> None:
        self._items: OrderedDict[str, WebSession] = OrderedDict()
        self.max_sessions = max_sessions
        self.idle_seconds = idle_seconds

    def get(self, sid: str | None) -> WebSession | None:
        if not sid:
            return None
        sess = self._items.get(sid)
        now = time.monotonic()
        if sess is None or now - sess.touched > self.idle_seconds:
            self._items.pop(sid, None)
            return None
        sess.touched = now
        self._items.move_to_end(sid)
        return sess

    def create(self) -> WebSession:
        while len(self._items) >= self.max_sessions:
            self._items.popitem(last=False)
        sess = WebSession(
            id=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32), touched=time.monotonic()
        )
        self._items[sess.id] = sess
        return sess

    def __len__(self) -> int:
        return len(self._items)
