"""Keys of writes sent from a device (stops, sessions, check-ins kept on a phone during an outage
and sent again), so a resend is never saved twice.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "received",
        sa.Column("person", sa.String(64), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("ref", sa.Integer, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("received")
