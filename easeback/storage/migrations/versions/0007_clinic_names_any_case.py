"""A clinic's name is one name whatever its case: "north street" is "North Street". Clinics
already told apart only by case or spacing are merged into the oldest, their users moved with
them; a new column holds the folded name (lower case, single spaces) under a unique index.

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
    op.add_column("clinics", sa.Column("name_key", sa.String(200)))
    kept: dict[str, int] = {}
    for clinic, name in bind.execute(sa.text("SELECT id, name FROM clinics ORDER BY id")):
        key = name_key(name)
        if key not in kept:
            kept[key] = clinic
            bind.execute(
                sa.text("UPDATE clinics SET name_key = :key WHERE id = :id"),
                {"key": key, "id": clinic},
            )
            continue
        bind.execute(
            sa.text("UPDATE users SET clinic_id = :keep WHERE clinic_id = :gone"),
            {"keep": kept[key], "gone": clinic},
        )
        bind.execute(sa.text("DELETE FROM clinics WHERE id = :gone"), {"gone": clinic})
    op.create_index("ux_clinics_name_key", "clinics", ["name_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_clinics_name_key", table_name="clinics")
    op.drop_column("clinics", "name_key")


def name_key(name: str) -> str:
    """As easeback.storage.practice.clinic_key, frozen here as this revision knew it."""
    return " ".join(name.split()).lower()
