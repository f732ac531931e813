"""Outcome measures (PEG, PSFS) a person records, in the journal and in the practice; episodes
of care (assigned clinician, start, discharge) and clinicians' notes in the practice.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("measure", sa.String(8), nullable=False),
        sa.Column("items", sa.Text, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
    )
    op.create_index("ix_outcomes_user_id", "outcomes", ["user_id"])
    op.create_index("ix_outcomes_person_at", "outcomes", ["person", "at"])
    op.create_index("ix_outcomes_user_at", "outcomes", ["user_id", "at"])
    op.create_table(
        "episodes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("clinic_id", sa.Integer),
        sa.Column("clinician_id", sa.Integer),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime),
        sa.Column("ended_by", sa.Integer),
        sa.Column("end_reason", sa.String(16)),
    )
    op.create_index("ix_episodes_person_started", "episodes", ["person_id", "started_at"])
    op.create_table(
        "care_notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("author_id", sa.Integer),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_index("ix_care_notes_person_at", "care_notes", ["person_id", "at"])


def downgrade() -> None:
    op.drop_table("care_notes")
    op.drop_table("episodes")
    op.drop_table("outcomes")
