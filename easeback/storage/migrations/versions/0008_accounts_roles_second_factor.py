"""Accounts that cannot be abused: an owner role (an admin with no clinic becomes the owner;
an admin with a clinic manages only that clinic), the first sign-in of each account (an admin
may make a password link only before it), two-factor sign-in (a TOTP secret and single-use
recovery codes, hashed), and sign-in counters raised atomically under a hashed key in place of
sign_in_failures (which kept typed emails in plain text; its rows are dropped with it).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS: dict[str, Callable[[], Any]] = {
    "signed_in_at": sa.DateTime,
    "totp_secret": lambda: sa.String(64),
    "totp_enabled_at": sa.DateTime,
    "totp_last_step": sa.Integer,
}


def upgrade() -> None:
    for name, kind in COLUMNS.items():
        op.add_column("users", sa.Column(name, kind()))
    # An account has signed in if the audit log says so (every sign-in has written a line).
    op.execute(
        "UPDATE users SET signed_in_at = (SELECT min(a.at) FROM audit_log a "
        "WHERE a.action = 'sign_in' AND a.actor_id = users.id)"
    )
    # An invite still open for an account that has signed in could set its password: ended.
    op.execute(
        "UPDATE auth_tokens SET revoked_at = CURRENT_TIMESTAMP WHERE kind = 'invite' "
        "AND revoked_at IS NULL "
        "AND user_id IN (SELECT id FROM users WHERE signed_in_at IS NOT NULL)"
    )
    # Admins of no clinic managed every clinic: they are the practice's owners now.
    op.execute("UPDATE users SET role = 'owner' WHERE role = 'admin' AND clinic_id IS NULL")
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("used_at", sa.DateTime),
    )
    op.create_index("ix_recovery_codes_user_id", "recovery_codes", ["user_id"])
    op.create_table(
        "sign_in_counters",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("window_start", sa.DateTime, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.drop_index("ix_sign_in_failures_key_at", table_name="sign_in_failures")
    op.drop_table("sign_in_failures")


def downgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_sign_in_failures_key_at", "sign_in_failures", ["key", "at"])
    op.drop_table("sign_in_counters")
    op.drop_index("ix_recovery_codes_user_id", table_name="recovery_codes")
    op.drop_table("recovery_codes")
    op.execute("UPDATE users SET role = 'admin' WHERE role = 'owner'")
    # Plain ALTER TABLE on SQLite too (3.35+): a batch copy of users would cascade-delete
    # their tokens and programmes.
    for name in reversed(COLUMNS):
        op.execute(f"ALTER TABLE users DROP COLUMN {name}")
