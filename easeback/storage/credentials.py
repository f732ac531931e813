"""Repository functions of sign-in itself: the attempt counters that hold under concurrency,
first sign-ins, password links, two-factor secrets and recovery codes, and the audit lines of
reads that list many people. The use cases (easeback.usecases.accounts) decide who may do what.

Times go in as aware datetimes and are stored as naive UTC, like the journal's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, case, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from easeback.storage.accounts import (
    AuditRow,
    RecoveryCodeRow,
    SignInCounterRow,
    TokenRow,
    UserRow,
)
from easeback.storage.practice import Audit, _append
from easeback.storage.times import to_utc

KEEP_COUNTERS = timedelta(hours=1)


# ---- attempt counters: one row a (hashed) key, raised atomically ----


def take_attempt(engine: Engine, keys: Sequence[str], now: datetime, window: timedelta) -> int:
    """Count one more attempt for each key and answer the highest count in its window.

    One UPSERT a key: the row lock (PostgreSQL) or the write lock (SQLite) makes parallel
    attempts count one after another, so each sees the attempts before it, the ones not yet
    decided included. A window older than `window` starts again at 1."""
    utc = to_utc(now)
    c = SignInCounterRow.__table__.c
    highest = 0
    with engine.begin() as conn:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        for key in sorted(set(keys)):  # the same order in every transaction: no deadlock
            stale = c.window_start < utc - window
            stmt = (
                dialect.insert(SignInCounterRow)
                .values(key=key, window_start=utc, count=1)
                .on_conflict_do_update(
                    index_elements=["key"],
                    set_={
                        "count": case((stale, 1), else_=c.count + 1),
                        "window_start": case((stale, utc), else_=c.window_start),
                    },
                )
                .returning(c.count)
            )
            highest = max(highest, int(conn.execute(stmt).scalar_one()))
    if highest == 1:
        _forget_old_counters(engine, utc)
    return highest


def give_back(engine: Engine, keys: Sequence[str]) -> None:
    """An attempt that succeeded does not count against the account or the address."""
    c = SignInCounterRow.__table__.c
    with engine.begin() as conn:
        for key in sorted(set(keys)):
            conn.execute(
                update(SignInCounterRow).where(c.key == key, c.count > 0).values(count=c.count - 1)
            )


def forget_counter(engine: Engine, key: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(SignInCounterRow).where(SignInCounterRow.key == key))


def _forget_old_counters(engine: Engine, utc: datetime) -> None:
    """Housekeeping, now and then (when a window starts): rows idle for an hour go. A clash
    with another worker doing the same is harmless, so it is not retried."""
    try:
        with engine.begin() as conn:
            conn.execute(
                delete(SignInCounterRow).where(SignInCounterRow.window_start < utc - KEEP_COUNTERS)
            )
    except DBAPIError:
        pass


# ---- first sign-in, password links ----


def mark_signed_in(engine: Engine, user_id: int, now: datetime) -> bool:
    """Record the first sign-in (later ones change nothing); True if this was the first. Every
    password link still open for the account ends with it."""
    with engine.begin() as conn:
        done = conn.execute(
            update(UserRow)
            .where(UserRow.id == user_id, UserRow.signed_in_at.is_(None))
            .values(signed_in_at=to_utc(now))
        )
        first = bool(done.rowcount)
        if first:
            conn.execute(
                update(TokenRow)
                .where(
                    TokenRow.user_id == user_id,
                    TokenRow.kind == "invite",
                    TokenRow.revoked_at.is_(None),
                )
                .values(revoked_at=to_utc(now))
            )
    return first


def signed_in_at(engine: Engine, user_ids: Sequence[int]) -> dict[int, datetime | None]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(UserRow.id, UserRow.signed_in_at).where(UserRow.id.in_(list(user_ids)))
        ).all()
    return {i: at for i, at in rows}


def set_password(
    engine: Engine, user_id: int, password_hash: str, now: datetime, keep: int | None, entry: Audit
) -> None:
    """A new password; every sign-in and password link of the account ends, but the token
    `keep` (the session that changed it), in one transaction with its audit line."""
    with engine.begin() as conn:
        conn.execute(
            update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash)
        )
        ended = update(TokenRow).where(TokenRow.user_id == user_id, TokenRow.revoked_at.is_(None))
        if keep is not None:
            ended = ended.where(TokenRow.id != keep)
        conn.execute(ended.values(revoked_at=to_utc(now)))
        _append(conn, entry)


# ---- two-factor sign-in ----


@dataclass(frozen=True)
class SecondFactor:
    secret: str | None
    enabled: bool
    last_step: int | None


def second_factor(engine: Engine, user_id: int) -> SecondFactor:
    with engine.connect() as conn:
        row = conn.execute(
            select(UserRow.totp_secret, UserRow.totp_enabled_at, UserRow.totp_last_step).where(
                UserRow.id == user_id
            )
        ).first()
    if row is None:
        return SecondFactor(None, False, None)
    return SecondFactor(row[0], row[1] is not None, row[2])


def set_pending_secret(engine: Engine, user_id: int, secret: str) -> None:
    """A secret being enrolled: it counts only once a code from it is confirmed."""
    with engine.begin() as conn:
        conn.execute(
            update(UserRow)
            .where(UserRow.id == user_id, UserRow.totp_enabled_at.is_(None))
            .values(totp_secret=secret, totp_last_step=None)
        )


def use_step(engine: Engine, user_id: int, step: int) -> bool:
    """Accept a code's time step once: True unless that step (or a later one) was used."""
    with engine.begin() as conn:
        done = conn.execute(
            update(UserRow)
            .where(
                UserRow.id == user_id,
                (UserRow.totp_last_step.is_(None)) | (UserRow.totp_last_step < step),
            )
            .values(totp_last_step=step)
        )
        return bool(done.rowcount)


def enable_second_factor(
    engine: Engine, user_id: int, code_hashes: Sequence[str], now: datetime, entry: Audit
) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(UserRow).where(UserRow.id == user_id).values(totp_enabled_at=to_utc(now))
        )
        conn.execute(delete(RecoveryCodeRow).where(RecoveryCodeRow.user_id == user_id))
        conn.execute(
            insert(RecoveryCodeRow),
            [{"user_id": user_id, "code_hash": h, "used_at": None} for h in code_hashes],
        )
        _append(conn, entry)


def use_recovery_code(engine: Engine, user_id: int, code_hash: str, now: datetime) -> bool:
    """Spend one unused recovery code: True once, False ever after (or for a wrong one)."""
    with engine.begin() as conn:
        done = conn.execute(
            update(RecoveryCodeRow)
            .where(
                RecoveryCodeRow.user_id == user_id,
                RecoveryCodeRow.code_hash == code_hash,
                RecoveryCodeRow.used_at.is_(None),
            )
            .values(used_at=to_utc(now))
        )
        return bool(done.rowcount)


def recovery_codes_left(engine: Engine, user_id: int) -> int:
    with engine.connect() as conn:
        found = conn.execute(
            select(RecoveryCodeRow.id).where(
                RecoveryCodeRow.user_id == user_id, RecoveryCodeRow.used_at.is_(None)
            )
        ).all()
    return len(found)


# ---- the audit log: many lines at once, and a trail that names its readers ----


def audit_many(engine: Engine, entries: Sequence[Audit]) -> None:
    """Lines about many people (a list read names each person listed), in one transaction."""
    with engine.begin() as conn:
        for entry in entries:
            _append(conn, entry)


def named_trail(engine: Engine, subject_id: int) -> list[dict[str, Any]]:
    """Every line about the subject, oldest first, each naming who did it (email and role;
    a deleted account by its number, as the log outlives accounts)."""
    a, u = AuditRow, UserRow
    with engine.connect() as conn:
        rows = conn.execute(
            select(a.at, a.actor_id, a.action, a.subject_id, a.detail, u.email, u.role)
            .outerjoin(u, u.id == a.actor_id)
            .where(a.subject_id == subject_id)
            .order_by(a.id)
        ).all()
    return [
        {
            "at": at.isoformat(),
            "actor_id": actor,
            "actor": _who(actor, email, role),
            "actor_role": role,
            "action": action,
            "subject_id": subject,
            "detail": detail,
        }
        for at, actor, action, subject, detail, email, role in rows
    ]


def _who(actor: int | None, email: str | None, role: str | None) -> str:
    if actor is None:
        return "nobody signed in"
    if email is None:
        return f"a deleted account (#{actor})"
    return f"{email} ({role})"
