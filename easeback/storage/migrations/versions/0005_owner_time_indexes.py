"""Indexes on (owner, time) for the journal tables, so that a practice's queries for one
person's entries since a day (and their newest page) read the index in order instead of every
row the person has.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_screenings_user_at", "screenings", "at"),
    ("ix_check_ins_user_at", "check_ins", "at"),
    ("ix_sessions_user_started", "sessions", "started_at"),
    ("ix_stops_user_at", "stops", "at"),
    ("ix_restores_user_at", "restores", "at"),
)


def upgrade() -> None:
    for name, table, time in INDEXES:
        op.create_index(name, table, ["user_id", time])


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table)
