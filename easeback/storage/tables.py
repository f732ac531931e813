"""The journal's tables mapped to classes, for the practice mode and the code that works with
rows as objects. The columns are defined once, in schema.py (Core tables, which the everyday
commands query without the ORM); the annotations here only type the attributes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import DeclarativeBase, Mapped

from easeback.storage import schema
from easeback.storage.schema import DEFAULT_PERSON

__all__ = [
    "DEFAULT_PERSON",
    "Base",
    "CheckInRow",
    "CoachCountRow",
    "RestoreRow",
    "ScreeningRow",
    "SessionRow",
    "StopRow",
    "TechniqueResultRow",
]


class Base(DeclarativeBase):
    metadata = schema.metadata


class ScreeningRow(Base):
    __table__ = schema.screenings

    id: Mapped[int]
    person: Mapped[str]
    user_id: Mapped[int | None]  # practice mode: the owner; None for one person
    at: Mapped[datetime]
    complete: Mapped[bool]
    disposition: Mapped[str | None]
    answers: Mapped[str]
    reasons: Mapped[str]


class CheckInRow(Base):
    __table__ = schema.check_ins

    id: Mapped[int]
    person: Mapped[str]
    user_id: Mapped[int | None]
    at: Mapped[datetime]
    pain: Mapped[int]
    stiffness: Mapped[int]
    peg_pain: Mapped[int | None]
    peg_enjoyment: Mapped[int | None]
    peg_activity: Mapped[int | None]
    activities: Mapped[str]


class SessionRow(Base):
    __table__ = schema.sessions

    id: Mapped[int]
    person: Mapped[str]
    user_id: Mapped[int | None]
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    source: Mapped[str]
    status: Mapped[str]
    routine: Mapped[str]
    pain_before: Mapped[int | None]
    pain_after: Mapped[int | None]
    soreness: Mapped[str | None]


class TechniqueResultRow(Base):
    __table__ = schema.technique_results

    id: Mapped[int]
    session_id: Mapped[int]
    position: Mapped[int]
    technique_id: Mapped[str]
    outcome: Mapped[str]
    at: Mapped[datetime]


class StopRow(Base):
    __table__ = schema.stops

    id: Mapped[int]
    person: Mapped[str]
    user_id: Mapped[int | None]
    session_id: Mapped[int]
    at: Mapped[datetime]
    technique_id: Mapped[str | None]
    reason: Mapped[str]


class RestoreRow(Base):
    __table__ = schema.restores

    id: Mapped[int]
    person: Mapped[str]
    user_id: Mapped[int | None]
    at: Mapped[datetime]
    technique_id: Mapped[str]


class CoachCountRow(Base):
    __table__ = schema.coach_counts

    id: Mapped[int]
    session_id: Mapped[int]
    technique_id: Mapped[str]
    reps: Mapped[int]
    hold_seconds: Mapped[float]
    slow_down: Mapped[int]
    bouncing: Mapped[int]
    past_range: Mapped[int]
    setup: Mapped[int]


# The practice mode's tables share this metadata (users, clinics, tokens, audit, programmes).
# So does the web wizard's state (storage/wizard.py).
from easeback.storage import accounts, wizard  # noqa: E402, F401
