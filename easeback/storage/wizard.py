"""The web wizard's state (screening answers, planned routine, what a stop changed), one row per
browser, so it survives a server restart and no other visitor can push it out.

Rows are keyed by the SHA-256 of the browser's cookie, never the cookie itself. A row is written
only when the visitor has something to keep, and rows idle for longer than a screening stays valid
are pruned when another row is written.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, Engine, String, Text, bindparam, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from easeback.storage.tables import Base
from easeback.storage.times import to_utc

IDLE = timedelta(days=7)  # a screening is valid for 7 days (safety.md)


class WizardRow(Base):
    __tablename__ = "web_wizard"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the cookie
    touched_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    state: Mapped[str] = mapped_column(Text)  # JSON object, as WebSession.state() gives it


def key_of(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


_LOAD = select(WizardRow.touched_at, WizardRow.state).where(WizardRow.key == bindparam("key"))


def load_wizard(engine: Engine, cookie: str, now: datetime) -> dict[str, Any] | None:
    """The state kept for this cookie, or None when there is none or it went stale."""
    with engine.connect() as conn:  # one indexed read by primary key, no ORM unit of work
        row = conn.execute(_LOAD, {"key": key_of(cookie)}).first()
    if row is None or to_utc(now) - row.touched_at > IDLE:
        return None
    state: dict[str, Any] = json.loads(row.state)
    return state


def save_wizard(engine: Engine, cookie: str, state: dict[str, Any], now: datetime) -> None:
    """Keep this cookie's state (replacing what was there) and drop rows idle beyond IDLE."""
    at = to_utc(now)
    with Session(engine) as s, s.begin():
        s.execute(delete(WizardRow).where(WizardRow.touched_at < at - IDLE))
        row = s.get(WizardRow, key_of(cookie))
        if row is None:
            s.add(WizardRow(key=key_of(cookie), touched_at=at, state=json.dumps(state)))
        else:
            row.touched_at, row.state = at, json.dumps(state)


def count_wizards(engine: Engine) -> int:
    with Session(engine) as s:
        return len(s.scalars(select(WizardRow.key)).all())
