"""The first journal schema: screenings, check-ins, sessions, technique results, stops, restores.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _person() -> sa.Column[str]:
    return sa.Column("person", sa.String(64), nullable=False)


def upgrade() -> None:
    op.create_table(
        "screenings",
        sa.Column("id", sa.Integer, primary_key=True),
        _person(),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("disposition", sa.String(32), nullable=True),
        sa.Column("answers", sa.Text, nullable=False),
        sa.Column("reasons", sa.Text, nullable=False),
    )
    op.create_index("ix_screenings_person_at", "screenings", ["person", "at"])
    op.create_table(
        "check_ins",
        sa.Column("id", sa.Integer, primary_key=True),
        _person(),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("pain", sa.Integer, nullable=False),
        sa.Column("stiffness", sa.Integer, nullable=False),
        sa.Column("peg_pain", sa.Integer, nullable=True),
        sa.Column("peg_enjoyment", sa.Integer, nullable=True),
        sa.Column("peg_activity", sa.Integer, nullable=True),
        sa.Column("activities", sa.Text, nullable=False),
    )
    op.create_index("ix_check_ins_person_at", "check_ins", ["person", "at"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        _person(),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime, nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("routine", sa.Text, nullable=False),
        sa.Column("pain_before", sa.Integer, nullable=True),
        sa.Column("pain_after", sa.Integer, nullable=True),
        sa.Column("soreness", sa.String(8), nullable=True),
    )
    op.create_index("ix_sessions_person_started", "sessions", ["person", "started_at"])
    op.create_table(
        "technique_results",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "session_id",
            sa.Integer,
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("technique_id", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_technique_results_session", "technique_results", ["session_id", "position"])
    op.create_table(
        "stops",
        sa.Column("id", sa.Integer, primary_key=True),
        _person(),
        sa.Column(
            "session_id",
            sa.Integer,
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("technique_id", sa.String(64), nullable=True),
        sa.Column("reason", sa.String(32), nullable=False),
    )
    op.create_index("ix_stops_person_at", "stops", ["person", "at"])
    op.create_index("ix_stops_session", "stops", ["session_id"])
    op.create_table(
        "restores",
        sa.Column("id", sa.Integer, primary_key=True),
        _person(),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("technique_id", sa.String(64), nullable=False),
    )
    op.create_index("ix_restores_person_at", "restores", ["person", "at"])


def downgrade() -> None:
    for table in ("restores", "stops", "technique_results", "sessions", "check_ins", "screenings"):
        op.drop_table(table)
