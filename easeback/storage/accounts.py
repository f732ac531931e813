"""The practice mode's tables: clinics, users, hashed sign-in tokens, sign-in failures, the audit
log and prescribed programmes. Journal rows point at their owner through `user_id` (tables.py).

Times are naive UTC like the journal's. Token values are never stored, only their SHA-256.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from easeback.storage.tables import Base

# An admin manages the accounts of their own clinic; the owner (no clinic) manages clinics and
# their admins, and reads nobody's journal.
ROLES = ("person", "clinician", "admin", "owner")
TOKEN_KINDS = ("session", "api", "invite", "reset", "second")


class ClinicRow(Base):
    __tablename__ = "clinics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # the name folded to lower case and trimmed: one clinic whatever the case (migration 0007)
    name_key: Mapped[str | None] = mapped_column(String(200))
    __table_args__ = (Index("ux_clinics_name_key", "name_key", unique=True),)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-cased
    role: Mapped[str] = mapped_column(String(16))  # person | clinician | admin | owner
    clinic_id: Mapped[int | None] = mapped_column(
        ForeignKey("clinics.id", ondelete="RESTRICT"), index=True
    )
    password_hash: Mapped[str | None] = mapped_column(String(200))  # Argon2id; None until set
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # First sign-in: until then an admin may make a password link; after it, only the holder.
    signed_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Two-factor sign-in (RFC 6238): the base32 secret, when enrolment was confirmed, and the
    # last time step accepted (a code works once).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # Changed by the database's triggers with every write to the person's data (migration
    # 0011): a summary cached with one version is current while the row still holds it.
    data_version: Mapped[int] = mapped_column(BigInteger, server_default="0")
    # ... and with the writes a programme's standing reads only (not check-ins, outcomes, notes)
    plan_version: Mapped[int] = mapped_column(BigInteger, server_default="0")


class TokenRow(Base):
    """A sign-in session, an API token or a one-time invite, by the SHA-256 of its value."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    csrf: Mapped[str | None] = mapped_column(String(64))  # form token of a browser session
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class SignInCounterRow(Base):
    """Sign-in attempts of one account or one address in the current window, one row a key,
    raised atomically before the password is checked (so parallel tries cannot all get in).
    The key is the SHA-256 of "email:..." or "addr:...": typed emails are not kept."""

    __tablename__ = "sign_in_counters"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime)
    count: Mapped[int] = mapped_column(Integer)


class RecoveryCodeRow(Base):
    """A single-use recovery code of two-factor sign-in, by its SHA-256."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class AuditRow(Base):
    """Who read or changed whose data. Append-only: no code updates or deletes a row, and on
    PostgreSQL a trigger refuses it. Ids are plain numbers, so the trail outlives an account."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_audit_log_subject_at", "subject_id", "at"),)


class ProgrammeRow(Base):
    """A home programme a clinician prescribed; the newest row of a person is the one in force."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    clinician_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)
    per_week: Mapped[int]
    items: Mapped[str] = mapped_column(Text)  # JSON [{"id", "hold_seconds", "reps", "sets"}]

    __table_args__ = (Index("ix_programmes_person_at", "person_id", "at"),)
