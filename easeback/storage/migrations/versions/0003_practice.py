"""The practice mode: clinics, users, hashed tokens, sign-in failures, the audit log, programmes,
and an owner (`user_id`, empty in single-person mode) on every journal table.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OWNED = ("screenings", "check_ins", "sessions", "stops", "restores")

# The audit log is append-only: PostgreSQL refuses any UPDATE or DELETE on it (TRUNCATE too).
AUDIT_GUARD = """
CREATE FUNCTION easeback_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION easeback_audit_append_only();
"""


def upgrade() -> None:
    op.create_table(
        "clinics",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinics.id", ondelete="RESTRICT")),
        sa.Column("password_hash", sa.String(200)),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_users_clinic_id", "users", ["clinic_id"])
    op.create_table(
        "auth_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("csrf", sa.String(64)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime),
    )
    op.create_index("ix_auth_tokens_user_id", "auth_tokens", ["user_id"])
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_sign_in_failures_key_at", "sign_in_failures", ["key", "at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor_id", sa.Integer),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject_id", sa.Integer),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_log_subject_at", "audit_log", ["subject_id", "at"])
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("clinician_id", sa.Integer),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("per_week", sa.Integer, nullable=False),
        sa.Column("items", sa.Text, nullable=False),
    )
    op.create_index("ix_programmes_person_at", "programmes", ["person_id", "at"])
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in OWNED:
        if sqlite:
            # A plain ADD COLUMN: batch mode would copy and drop the table, and dropping it
            # with foreign keys on would cascade-delete the rows that point at it. Deleting an
            # account deletes its rows first (storage/practice.py), so no cascade is needed.
            op.execute(f"ALTER TABLE {table} ADD COLUMN user_id INTEGER REFERENCES users(id)")
        else:
            op.add_column(table, sa.Column("user_id", sa.Integer))
            op.create_foreign_key(f"fk_{table}_user_id", table, "users", ["user_id"], ["id"])
        op.create_index(f"ix_{table}_user_id", table, ["user_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(AUDIT_GUARD)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Dropping the owner column means copying each journal table (see upgrade): refuse
        # rather than risk the journal; restore a backup taken before the upgrade instead.
        raise RuntimeError("downgrading below 0003 is not supported on SQLite")
    op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
    op.execute("DROP FUNCTION easeback_audit_append_only()")
    for table in OWNED:
        op.drop_index(f"ix_{table}_user_id", table)
        op.drop_constraint(f"fk_{table}_user_id", table, type_="foreignkey")
        op.drop_column(table, "user_id")
    for table in ("programmes", "audit_log", "sign_in_failures", "auth_tokens", "users", "clinics"):
        op.drop_table(table)
