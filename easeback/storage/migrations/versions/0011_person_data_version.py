"""A version of each person's data, changed by the database itself in the same transaction as
every write to a row that is theirs (check-ins, sessions and their technique results, stops,
put-backs, screenings, outcomes, programmes, episodes, notes): the practice keeps a person's
progress summary until it changes, and a reader that finds the version it cached knows the
summary is current, on any server process. Triggers rather than the app's own writes, so a
write path added later cannot forget it.

A second version, plan_version, changes only with the rows a programme's standing reads
(programmes, screenings, sessions, stops, put-backs, episodes): a check-in, an outcome or a
note leaves the programme a person may do as it was, and what is kept of it stands.

A new account starts at random versions, so an account made with the id of one deleted
before (SQLite may reuse the highest id) never meets the summary cached for the other one.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# table -> the column naming the user whose data the row is
OWNED = {
    "check_ins": "user_id",
    "sessions": "user_id",
    "stops": "user_id",
    "restores": "user_id",
    "screenings": "user_id",
    "outcomes": "user_id",
    "programmes": "person_id",
    "episodes": "person_id",
    "care_notes": "person_id",
}
RESULTS = "technique_results"  # no user column: its session's
# the tables a programme's standing reads (storage.practice.kept_standing): plan_version too
PLAN = frozenset({"programmes", "screenings", "sessions", "stops", "restores", "episodes"})

PG_FUNCTION = """
CREATE FUNCTION easeback_person_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  uid bigint;
BEGIN
  IF TG_OP <> 'DELETE' THEN
    IF TG_ARGV[0] = 'session_id' THEN
      SELECT user_id INTO uid FROM sessions WHERE id = NEW.session_id;
    ELSE
      uid := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
    END IF;
    IF uid IS NOT NULL THEN
      UPDATE users SET data_version = data_version + 1,
        plan_version = plan_version + (CASE WHEN TG_ARGV[1] = 'plan' THEN 1 ELSE 0 END)
        WHERE id = uid;
    END IF;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    IF TG_ARGV[0] = 'session_id' THEN
      SELECT user_id INTO uid FROM sessions WHERE id = OLD.session_id;
    ELSE
      uid := (to_jsonb(OLD) ->> TG_ARGV[0])::bigint;
    END IF;
    IF uid IS NOT NULL THEN
      UPDATE users SET data_version = data_version + 1,
        plan_version = plan_version + (CASE WHEN TG_ARGV[1] = 'plan' THEN 1 ELSE 0 END)
        WHERE id = uid;
    END IF;
  END IF;
  RETURN NULL;
END $$
"""
VERSIONS = ("data_version", "plan_version")
# a random 53-bit start (exact in a float and a JSON number)
PG_RANDOM = "(floor(random() * 9007199254740991))::bigint"


def _sqlite_owner(row: str, column: str | None) -> str:
    if column is None:
        return f"(SELECT user_id FROM sessions WHERE id = {row}.session_id)"
    return f"{row}.{column}"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for name in VERSIONS:
            op.add_column(
                "users", sa.Column(name, sa.BigInteger, nullable=False, server_default="0")
            )
        start = ", ".join(f"{c} = abs(random() % 9007199254740991)" for c in VERSIONS)
        op.execute(f"UPDATE users SET {start}")
        op.execute(
            "CREATE TRIGGER users_data_version_start AFTER INSERT ON users BEGIN "
            f"UPDATE users SET {start} WHERE id = NEW.id; END"
        )
        tables: dict[str, str | None] = {**OWNED, RESULTS: None}
        for table, column in tables.items():
            for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")),
                                ("DELETE", ("OLD",))):  # fmt: skip
                owners = ", ".join(_sqlite_owner(r, column) for r in rows)
                plan = ", plan_version = plan_version + 1" if table in PLAN else ""
                op.execute(
                    f"CREATE TRIGGER {table}_person_changed_{event.lower()} AFTER {event} "
                    f"ON {table} BEGIN UPDATE users SET data_version = data_version + 1{plan} "
                    f"WHERE id IN ({owners}); END"
                )
        return
    for name in VERSIONS:
        op.add_column(
            "users",
            sa.Column(name, sa.BigInteger, nullable=False, server_default=sa.text(PG_RANDOM)),
        )
    op.execute(PG_FUNCTION)
    for table, column in {**OWNED, RESULTS: "session_id"}.items():
        plan = "plan" if table in PLAN else ""
        op.execute(
            f"CREATE TRIGGER {table}_person_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION easeback_person_changed('{column}', '{plan}')"
        )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    tables = [*OWNED, RESULTS]
    if sqlite:
        op.execute("DROP TRIGGER users_data_version_start")
        for table in tables:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_person_changed_{event}")
    else:
        for table in tables:
            op.execute(f"DROP TRIGGER {table}_person_changed ON {table}")
        op.execute("DROP FUNCTION easeback_person_changed()")
    # SQLite drops the column in place (3.35+): a batch copy of users would drop the table,
    # and with it (foreign keys on) every account's tokens
    for column in VERSIONS:
        op.execute(f"ALTER TABLE users DROP COLUMN {column}")
