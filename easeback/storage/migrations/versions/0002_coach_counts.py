"""The camera coach's derived numbers per technique of a recorded session.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coach_counts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "session_id",
            sa.Integer,
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("technique_id", sa.String(64), nullable=False),
        sa.Column("reps", sa.Integer, nullable=False),
        sa.Column("hold_seconds", sa.Float, nullable=False),
        sa.Column("slow_down", sa.Integer, nullable=False),
        sa.Column("bouncing", sa.Integer, nullable=False),
        sa.Column("past_range", sa.Integer, nullable=False),
        sa.Column("setup", sa.Integer, nullable=False),
    )
    op.create_index("ix_coach_counts_session", "coach_counts", ["session_id"])


def downgrade() -> None:
    op.drop_table("coach_counts")
