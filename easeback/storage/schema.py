"""The journal's tables as SQLAlchemy Core tables: the one definition of their columns, which the
queries of the everyday commands use without the ORM (importing sqlalchemy.orm and mapping the
classes cost a check-in or `history` about 40% of its time), and which tables.py maps to classes
for the practice mode. Times are stored as naive UTC; every row belongs to one person."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

DEFAULT_PERSON = "me"

metadata = MetaData()


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def _person() -> tuple[Column[str], Column[int]]:
    """Whose row: `person` in a personal journal; `user_id`, the owner, in the practice mode."""
    return (
        Column("person", String(64), nullable=False, default=DEFAULT_PERSON),
        Column("user_id", Integer, ForeignKey("users.id"), default=None, index=True),
    )


screenings = Table(
    "screenings",
    metadata,
    _id(),
    *_person(),
    Column("at", DateTime, nullable=False),
    Column("complete", Boolean, nullable=False),
    Column("disposition", String(32)),
    Column("answers", Text, nullable=False),  # JSON object keyed by question id
    Column("reasons", Text, nullable=False),  # JSON list, as screening_public gives it
    Index("ix_screenings_person_at", "person", "at"),
    Index("ix_screenings_user_at", "user_id", "at"),
)

check_ins = Table(
    "check_ins",
    metadata,
    _id(),
    *_person(),
    Column("at", DateTime, nullable=False),
    Column("pain", Integer, nullable=False),
    Column("stiffness", Integer, nullable=False),
    Column("peg_pain", Integer),
    Column("peg_enjoyment", Integer),
    Column("peg_activity", Integer),
    Column("activities", Text, nullable=False, default="[]"),  # JSON [[name, 0-10], ...]
    Index("ix_check_ins_person_at", "person", "at"),
    Index("ix_check_ins_user_at", "user_id", "at"),
)

sessions = Table(
    "sessions",
    metadata,
    _id(),
    *_person(),
    Column("started_at", DateTime, nullable=False),
    Column("ended_at", DateTime),
    Column("source", String(16), nullable=False),  # timer | logged
    Column("status", String(16), nullable=False),  # in_progress|completed|stopped|interrupted
    Column("routine", Text, nullable=False),  # JSON, as routine_public gives it
    Column("pain_before", Integer),
    Column("pain_after", Integer),
    Column("soreness", String(8)),  # low | medium | high
    Index("ix_sessions_person_started", "person", "started_at"),
    Index("ix_sessions_user_started", "user_id", "started_at"),
)

technique_results = Table(  # what happened to one routine item: done, skipped, stopped, not reached
    "technique_results",
    metadata,
    _id(),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("technique_id", String(64), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("at", DateTime, nullable=False),
    Index("ix_technique_results_session", "session_id", "position"),
)

stops = Table(
    "stops",
    metadata,
    _id(),
    *_person(),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("technique_id", String(64)),
    Column("reason", String(32), nullable=False),
    Index("ix_stops_person_at", "person", "at"),
    Index("ix_stops_user_at", "user_id", "at"),
    Index("ix_stops_session", "session_id"),
)

restores = Table(  # the person put a technique left out for sharp pain back into their plans
    "restores",
    metadata,
    _id(),
    *_person(),
    Column("at", DateTime, nullable=False),
    Column("technique_id", String(64), nullable=False),
    Index("ix_restores_person_at", "person", "at"),
    Index("ix_restores_user_at", "user_id", "at"),
)

# What the camera coach measured of one technique in a recorded session: derived numbers only
# (the frames themselves are never kept).
coach_counts = Table(
    "coach_counts",
    metadata,
    _id(),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("technique_id", String(64), nullable=False),
    Column("reps", Integer, nullable=False),
    Column("hold_seconds", Float, nullable=False),
    Column("slow_down", Integer, nullable=False),
    Column("bouncing", Integer, nullable=False),
    Column("past_range", Integer, nullable=False),
    Column("setup", Integer, nullable=False),
    Index("ix_coach_counts_session", "session_id"),
)

# An outcome measure the person recorded: the PEG (items pain, enjoyment, activity) or the PSFS
# (the activities they named), each item 0-10, and its score (the items' mean).
outcomes = Table(
    "outcomes",
    metadata,
    _id(),
    *_person(),
    Column("at", DateTime, nullable=False),
    Column("measure", String(8), nullable=False),  # peg | psfs
    Column("items", Text, nullable=False),  # JSON [[label, 0-10], ...]
    Column("score", Float, nullable=False),
    Index("ix_outcomes_person_at", "person", "at"),
    Index("ix_outcomes_user_at", "user_id", "at"),
)
