"""The audit log is append-only on SQLite too: triggers refuse any UPDATE or DELETE of its rows
(PostgreSQL has had its trigger since 0003). A household or single practitioner on SQLite gets
the same promise as a practice on PostgreSQL.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

GUARDS = {
    "audit_log_no_update": "UPDATE",
    "audit_log_no_delete": "DELETE",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, event in GUARDS.items():
        op.execute(
            f"CREATE TRIGGER {name} BEFORE {event} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in GUARDS:
        op.execute(f"DROP TRIGGER {name}")
