"""The journal's tables. Times are stored as naive UTC; every row belongs to one person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

DEFAULT_PERSON = "me"


class Base(DeclarativeBase):
    pass


class ScreeningRow(Base):
    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person: Mapped[str] = mapped_column(String(64), default=DEFAULT_PERSON)
    user_id: Mapped[int | None] = mapped_column(  # practice mode: the owner; None for one person
        ForeignKey("users.id"), default=None, index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime)
    complete: Mapped[bool]
    disposition: Mapped[str | None] = mapped_column(String(32))
    answers: Mapped[str] = mapped_column(Text)  # JSON object keyed by question id
    reasons: Mapped[str] = mapped_column(Text)  # JSON list, as screening_public gives it

    __table_args__ = (
        Index("ix_screenings_person_at", "person", "at"),
        Index("ix_screenings_user_at", "user_id", "at"),
    )


class CheckInRow(Base):
    __tablename__ = "check_ins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person: Mapped[str] = mapped_column(String(64), default=DEFAULT_PERSON)
    user_id: Mapped[int | None] = mapped_column(  # practice mode: the owner; None for one person
        ForeignKey("users.id"), default=None, index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime)
    pain: Mapped[int]
    stiffness: Mapped[int]
    peg_pain: Mapped[int | None]
    peg_enjoyment: Mapped[int | None]
    peg_activity: Mapped[int | None]
    activities: Mapped[str] = mapped_column(Text, default="[]")  # JSON [[name, 0-10], ...]

    __table_args__ = (
        Index("ix_check_ins_person_at", "person", "at"),
        Index("ix_check_ins_user_at", "user_id", "at"),
    )


class SessionRow(Base):
    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person: Mapped[str] = mapped_column(String(64), default=DEFAULT_PERSON)
    user_id: Mapped[int | None] = mapped_column(  # practice mode: the owner; None for one person
        ForeignKey("users.id"), default=None, index=True
    )
    started_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(String(16))  # timer | logged
    status: Mapped[str] = mapped_column(String(16))  # in_progress|completed|stopped|interrupted
    routine: Mapped[str] = mapped_column(Text)  # JSON, as routine_public gives it
    pain_before: Mapped[int | None]
    pain_after: Mapped[int | None]
    soreness: Mapped[str | None] = mapped_column(String(8))  # low | medium | high

    __table_args__ = (
        Index("ix_sessions_person_started", "person", "started_at"),
        Index("ix_sessions_user_started", "user_id", "started_at"),
    )


class TechniqueResultRow(Base):
    """What happened to one routine item: done, skipped, stopped or not reached."""

    __tablename__ = "technique_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    position: Mapped[int]
    technique_id: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_technique_results_session", "session_id", "position"),)


class StopRow(Base):
    __tablename__ = "stops"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person: Mapped[str] = mapped_column(String(64), default=DEFAULT_PERSON)
    user_id: Mapped[int | None] = mapped_column(  # practice mode: the owner; None for one person
        ForeignKey("users.id"), default=None, index=True
    )
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime)
    technique_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(32))

    __table_args__ = (
        Index("ix_stops_person_at", "person", "at"),
        Index("ix_stops_user_at", "user_id", "at"),
        Index("ix_stops_session", "session_id"),
    )


class RestoreRow(Base):
    """The person put a technique left out for sharp pain back into their plans."""

    __tablename__ = "restores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person: Mapped[str] = mapped_column(String(64), default=DEFAULT_PERSON)
    user_id: Mapped[int | None] = mapped_column(  # practice mode: the owner; None for one person
        ForeignKey("users.id"), default=None, index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime)
    technique_id: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_restores_person_at", "person", "at"),
        Index("ix_restores_user_at", "user_id", "at"),
    )


class CoachCountRow(Base):
    """What the camera coach measured of one technique in a recorded session: derived numbers
    only (the frames themselves are never kept)."""

    __tablename__ = "coach_counts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    technique_id: Mapped[str] = mapped_column(String(64))
    reps: Mapped[int]
    hold_seconds: Mapped[float] = mapped_column(Float)
    slow_down: Mapped[int]
    bouncing: Mapped[int]
    past_range: Mapped[int]
    setup: Mapped[int]

    __table_args__ = (Index("ix_coach_counts_session", "session_id"),)


class OutcomeRow(Base):
    """An outcome measure the person recorded: the PEG (items pain, enjoyment, activity) or the
    PSFS (the activities they named), each item 0-10, and its score (the items' mean)."""

    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person: Mapped[str] = mapped_column(String(64), default=DEFAULT_PERSON)
    user_id: Mapped[int | None] = mapped_column(  # practice mode: the owner; None for one person
        ForeignKey("users.id"), default=None, index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime)
    measure: Mapped[str] = mapped_column(String(8))  # peg | psfs
    items: Mapped[str] = mapped_column(Text)  # JSON [[label, 0-10], ...]
    score: Mapped[float] = mapped_column(Float)

    __table_args__ = (
        Index("ix_outcomes_person_at", "person", "at"),
        Index("ix_outcomes_user_at", "user_id", "at"),
    )


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


# The practice mode's tables share this metadata (users, clinics, tokens, audit, programmes).
# So does the web wizard's state (storage/wizard.py), and the keys of writes sent from a device
# (storage/received.py).
from easeback.storage import accounts, received, wizard  # noqa: E402, F401
