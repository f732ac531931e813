"""The journal's tables mapped to classes, for the practice mode and the code that works with
rows as objects. The journal's columns are defined once, in schema.py (Core tables, which the
everyday commands query without the ORM), and only typed here; the practice's own tables (episodes,
notes) are declared here in full."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from easeback.storage import schema
from easeback.storage.schema import DEFAULT_PERSON

__all__ = [
    "DEFAULT_PERSON",
    "Base",
    "CheckInRow",
    "CoachCountRow",
    "EpisodeRow",
    "NoteRow",
    "OutcomeRow",
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


class OutcomeRow(Base):
    __table__ = schema.outcomes

    id: Mapped[int]
    person: Mapped[str]
    user_id: Mapped[int | None]
    at: Mapped[datetime]
    measure: Mapped[str]
    items: Mapped[str]
    score: Mapped[float]


class EpisodeRow(Base):
    """An episode of care in the practice: a person in a clinic, the clinician assigned, from its
    start until discharge (or a move to another clinic)."""

    __tablename__ = "episodes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    clinic_id: Mapped[int | None] = mapped_column(Integer)
    clinician_id: Mapped[int | None] = mapped_column(Integer)  # assigned; None: nobody yet
    started_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_by: Mapped[int | None] = mapped_column(Integer)
    end_reason: Mapped[str | None] = mapped_column(String(16))  # discharged | moved

    __table_args__ = (Index("ix_episodes_person_started", "person_id", "started_at"),)


class NoteRow(Base):
    """A clinician's note about a person: read by their clinic only, never by the person."""

    __tablename__ = "care_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)
    text: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_care_notes_person_at", "person_id", "at"),)


class TemplateRow(Base):
    """A clinic's programme template: techniques and doses, sessions a week, under a name."""

    __tablename__ = "programme_templates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(120))
    per_week: Mapped[int]
    items: Mapped[str] = mapped_column(Text)  # JSON, as a programme's
    created_by: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)


# The practice mode's tables share this metadata (users, clinics, tokens, audit, programmes).
# So does the web wizard's state (storage/wizard.py), and the keys of writes sent from a device
# (storage/received.py).
from easeback.storage import accounts, received, wizard  # noqa: E402, F401
