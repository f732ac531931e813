"""Accounts of the practice mode: adding users, invites, signing in and out, tokens, deleting an
account. Passwords are hashed with Argon2id; token values are random and only their SHA-256 is
stored, so a copy of the database signs nobody in.

Nothing is kept in process memory: sign-in failures, sessions and invites live in the database,
so any number of workers can serve one practice.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from easeback.storage import practice as repo
from easeback.storage.accounts import ROLES
from easeback.storage.practice import UserRecord
from easeback.usecases.errors import InputError

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from sqlalchemy import Engine

SESSION_DAYS = 14
API_DAYS = 90
INVITE_DAYS = 7
MAX_FAILURES = 10  # per account and per address, in FAILURE_WINDOW
FAILURE_WINDOW = timedelta(minutes=1)
MIN_PASSWORD = 10


class SignInRefused(Exception):
    """Wrong email or password: one answer for both, so it does not tell which accounts exist."""


class TooManyAttempts(Exception):
    """Too many failed sign-ins for this account or from this address in the last minute."""


@dataclass(frozen=True)
class SignedIn:
    user: UserRecord
    token: str
    csrf: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _hasher() -> PasswordHasher:
    try:
        from argon2 import PasswordHasher
    except ImportError:
        raise InputError(
            "the practice mode needs argon2-cffi: pip install 'easeback[practice]'"
        ) from None
    return PasswordHasher()  # Argon2id with the library's current recommended costs


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a password needs at least {MIN_PASSWORD} characters")
    return str(_hasher().hash(password))


def _verify(stored: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    h = _hasher()
    if stored is None:
        # Spend the same work as a real check, so timing does not tell that the account exists.
        h.hash(password)
        return False
    try:
        return bool(h.verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def normal_email(email: str) -> str:
    """The address in lower case, checked by email-validator for its form only (no DNS look-up:
    the server may have no network): `a@b` and an address with a newline are refused."""
    from email_validator import EmailNotValidError, validate_email

    e = email.strip(" ").lower()
    try:
        validate_email(e, check_deliverability=False)
    except EmailNotValidError:
        raise InputError(f"{email!r} is not an email address") from None
    return e


def add_user(
    engine: Engine,
    email: str,
    role: str,
    clinic: str | None,
    password: str | None,
    now: datetime,
    actor_id: int | None = None,
) -> tuple[int, str | None]:
    """A new user; with no password, a one-time invite token (returned) lets them set one."""
    address = normal_email(email)
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if role in ("person", "clinician") and not clinic:
        raise InputError(f"a {role} belongs to a clinic: give --clinic NAME")
    hashed = hash_password(password) if password is not None else None
    clinic_id = repo.clinic_id(engine, clinic.strip(), now) if clinic else None
    try:
        uid = repo.add_user(engine, address, role, clinic_id, hashed, now)
    except repo.Taken:
        raise InputError(f"{address} already has an account") from None
    repo.audit(engine, now, actor_id, "user.add", uid, f"role={role}")
    invite = None
    if password is None:
        invite = secrets.token_urlsafe(32)
        repo.add_token(
            engine, uid, token_hash(invite), "invite", now, now + timedelta(days=INVITE_DAYS)
        )
    return uid, invite


def _admin(actor: UserRecord) -> None:
    if actor.role != "admin":
        from easeback.usecases.practice import NotFound

        raise NotFound()


def users(engine: Engine, actor: UserRecord, now: datetime) -> list[dict[str, Any]]:
    """Every account of the practice, for an admin (anyone else: NotFound)."""
    _admin(actor)
    repo.audit(engine, now, actor.id, "users.list", None)
    return [
        {
            "id": u.id,
            "email": u.email,
            "role": u.role,
            "clinic": u.clinic,
            "can_sign_in": u.password_hash is not None,
        }
        for u in repo.all_users(engine)
    ]


def _other_user(engine: Engine, actor: UserRecord, user_id: int) -> UserRecord:
    """An account an admin may lock or invite again: any but their own (404 when absent)."""
    _admin(actor)
    user = repo.user_by_id(engine, user_id)
    if user is None:
        from easeback.usecases.practice import NotFound

        raise NotFound()
    if user.id == actor.id:
        raise InputError("you cannot lock or re-invite your own account; ask another admin")
    return user


def lock_user(engine: Engine, actor: UserRecord, user_id: int, now: datetime) -> UserRecord:
    """An admin locks an account (someone left, a device was lost): every sign-in, API token and
    invite of it ends at once and its password is removed. Its journal is kept; a new invite
    link opens it again."""
    user = _other_user(engine, actor, user_id)
    repo.revoke_all(engine, user.id, now)
    repo.set_password(engine, user.id, None)
    repo.audit(engine, now, actor.id, "user.lock", user.id)
    return user


def invite_again(engine: Engine, actor: UserRecord, user_id: int, now: datetime) -> str:
    """A new one-time invite link for an account (a forgotten password, a locked account):
    earlier invites stop working; the password stays until the link is used."""
    user = _other_user(engine, actor, user_id)
    repo.revoke_kind(engine, user.id, "invite", now)
    invite = secrets.token_urlsafe(32)
    repo.add_token(
        engine, user.id, token_hash(invite), "invite", now, now + timedelta(days=INVITE_DAYS)
    )
    repo.audit(engine, now, actor.id, "user.invite", user.id)
    return invite


def admin_add_user(
    engine: Engine, actor: UserRecord, email: str, role: str, clinic: str | None, now: datetime
) -> tuple[int, str]:
    """An admin adds a user (and their clinic, if new); they set a password through the
    one-time invite returned."""
    _admin(actor)
    uid, invite = add_user(engine, email, role, clinic or None, None, now, actor.id)
    assert invite is not None  # no password given: always an invite
    return uid, invite


def accept_invite(engine: Engine, invite: str, password: str, now: datetime) -> UserRecord:
    """Set the password of an invited user; the invite works once."""
    found = repo.token_owner(engine, token_hash(invite), ("invite",), now)
    if found is None:
        raise InputError("this invite link is not valid (used, expired or mistyped)")
    user = found[0]
    repo.set_password(engine, user.id, hash_password(password))
    repo.revoke_all(engine, user.id, now)  # a new password ends every earlier sign-in
    repo.audit(engine, now, user.id, "user.password_set", user.id)
    return user


def sign_in(
    engine: Engine, email: str, password: str, address: str, now: datetime, kind: str = "session"
) -> SignedIn:
    """Check the password and open a session (or API token). Ten failures a minute for one
    account, or from one address, refuse even the right password until the minute has passed."""
    address_key = f"addr:{address}"
    email_key = f"email:{email.strip().lower()[:320]}"
    keys = [email_key, address_key]
    if repo.failures_since(engine, keys, now - FAILURE_WINDOW) >= MAX_FAILURES:
        raise TooManyAttempts()
    user = repo.user_by_email(engine, email.strip().lower())
    if not _verify(user.password_hash if user else None, password) or user is None:
        repo.add_failures(engine, keys, now)
        repo.audit(engine, now, None, "sign_in.failed", user.id if user else None)
        raise SignInRefused()
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    days = SESSION_DAYS if kind == "session" else API_DAYS
    repo.add_token(engine, user.id, token_hash(token), kind, now, now + timedelta(days=days), csrf)
    repo.audit(engine, now, user.id, "sign_in", user.id, kind)
    return SignedIn(user, token, csrf)


def authenticate(engine: Engine, token: str, now: datetime) -> tuple[UserRecord, str | None] | None:
    """The user behind a session or API token (with the session's CSRF value), if it is live."""
    if not token or len(token) > 200:
        return None
    return repo.token_owner(engine, token_hash(token), ("session", "api"), now)


def sign_out(engine: Engine, actor: UserRecord, token: str, now: datetime) -> None:
    repo.revoke_token(engine, token_hash(token), now)
    repo.audit(engine, now, actor.id, "sign_out", actor.id)


def delete_account(engine: Engine, actor: UserRecord, now: datetime) -> None:
    """The person's account and all their journal; the audit log keeps that it happened."""
    repo.revoke_all(engine, actor.id, now)
    repo.delete_user(engine, actor.id)
    repo.audit(engine, now, actor.id, "account.delete", actor.id)


# ---- a user's own sign-ins: see them, open an API token, revoke any ----


def sign_ins(engine: Engine, actor: UserRecord, token: str, now: datetime) -> list[dict[str, Any]]:
    """The actor's live sessions and API tokens, marking the one this request came with."""
    current = current_token_id(engine, token)
    return [
        {
            "id": t.id,
            "kind": t.kind,
            "created_at": t.created_at.isoformat() + "Z",
            "expires_at": t.expires_at.isoformat() + "Z",
            "current": t.id == current,
        }
        for t in repo.live_tokens(engine, actor.id, now)
    ]


def current_token_id(engine: Engine, token: str) -> int | None:
    return repo.token_id(engine, token_hash(token))


def new_api_token(engine: Engine, actor: UserRecord, now: datetime) -> str:
    """A new API token for a script or phone app (shown once: only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    repo.add_token(engine, actor.id, token_hash(token), "api", now, now + timedelta(days=API_DAYS))
    repo.audit(engine, now, actor.id, "token.add", actor.id, "api")
    return token


def revoke(engine: Engine, actor: UserRecord, token_id: int, now: datetime) -> None:
    """Revoke one of the actor's own sessions or API tokens; anyone else's is NotFound."""
    entry = repo.Audit(now, actor.id, "token.revoke", actor.id, str(token_id))
    if not repo.revoke_token_of(engine, actor.id, token_id, now, entry):
        from easeback.usecases.practice import NotFound

        raise NotFound()
