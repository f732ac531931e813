"""The web wizard's state per browser (answers, routine, what a stop changed), kept on disk.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_wizard",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("touched_at", sa.DateTime, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("ix_web_wizard_touched_at", "web_wizard", ["touched_at"])


def downgrade() -> None:
    op.drop_table("web_wizard")
