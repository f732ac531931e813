"""A clinic's name is one name whatever its case: "north street" is "North Street". Clinics
already told apart only by case (or by spaces around the name) are merged into the oldest, its
users moved with them, before a unique index on the lower-case name keeps it so.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    kept: dict[str, int] = {}
    for clinic, name in bind.execute(sa.text("SELECT id, name FROM clinics ORDER BY id")):
        key = name.strip().lower()
        if key not in kept:
            kept[key] = clinic
            continue
        bind.execute(
            sa.text("UPDATE users SET clinic_id = :keep WHERE clinic_id = :gone"),
            {"keep": kept[key], "gone": clinic},
        )
        bind.execute(sa.text("DELETE FROM clinics WHERE id = :gone"), {"gone": clinic})
    op.create_index("ux_clinics_name_any_case", "clinics", [sa.text("lower(name)")], unique=True)


def downgrade() -> None:
    op.drop_index("ux_clinics_name_any_case", table_name="clinics")
