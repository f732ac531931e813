"""Accounts of the practice mode: adding users, password links, signing in (with a second
factor for staff) and out, tokens, deleting an account. Passwords are hashed with Argon2id; token
values and recovery codes are random and only their SHA-256 is stored, so a copy of the database
signs nobody in.

Who manages whom: the owner (no clinic) manages the clinics' staff, an admin the accounts of
their own clinic. A link that sets a password is shown to them only for an account that has
never signed in; after that, a reset reaches the account holder alone (by email, or their own
Account page).

Nothing is kept in process memory: attempt counters, sessions and links live in the database,
so any number of workers can serve one practice.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from easeback.domain import totp
from easeback.mail import MailError
from easeback.storage import credentials as creds
from easeback.storage import practice as repo
from easeback.storage.accounts import ROLES
from easeback.storage.practice import UserRecord
from easeback.usecases.errors import InputError

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from sqlalchemy import Engine

    from easeback.mail import Mailer

SESSION_DAYS = 14
API_DAYS = 90
INVITE_DAYS = 7
RESET_HOURS = 1
SECOND_MINUTES = 5  # to type the authenticator code after the password
MAX_ATTEMPTS = 10  # per account and per address, in ATTEMPT_WINDOW
ATTEMPT_WINDOW = timedelta(minutes=1)
MAX_RESET_EMAILS = 3  # per account and per address, in RESET_WINDOW
RESET_WINDOW = timedelta(hours=1)
MIN_PASSWORD = 10
RECOVERY_CODES = 10
TWO_FACTOR = ("staff", "everyone")
STAFF = ("clinician", "admin", "owner")


class SignInRefused(Exception):
    """Wrong email or password: one answer for both, so it does not tell which accounts exist."""


class TooManyAttempts(Exception):
    """Too many sign-in attempts for this account or from this address in the last minute."""


@dataclass(frozen=True)
class SignedIn:
    user: UserRecord
    token: str
    csrf: str
    recovery_codes: tuple[str, ...] = ()  # shown once, when two-factor sign-in was just enrolled


@dataclass(frozen=True)
class SecondStep:
    """The password was right; an authenticator code (or a recovery code) is needed next, sent
    with `ticket` (valid SECOND_MINUTES). `secret` and `uri` are set when the account must
    enrol first: its first code from that secret confirms it."""

    user: UserRecord
    ticket: str
    secret: str | None = None
    uri: str | None = None


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
    if role in ("person", "clinician", "admin") and not clinic:
        raise InputError(f"a {role} belongs to a clinic: give --clinic NAME")
    if role == "owner" and clinic:
        raise InputError("the owner manages every clinic and belongs to none: leave out --clinic")
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


def _not_found() -> Exception:
    from easeback.usecases.practice import NotFound

    return NotFound()


def _manager(actor: UserRecord) -> None:
    if actor.role not in ("admin", "owner"):
        raise _not_found()


def manages(actor: UserRecord, user: UserRecord) -> bool:
    """The owner manages the staff of every clinic (never a person's account, nor an owner's);
    an admin every account of their own clinic."""
    if actor.role == "owner":
        return user.role in ("clinician", "admin")
    mine = actor.clinic_id is not None and user.clinic_id == actor.clinic_id
    return actor.role == "admin" and mine


def users(engine: Engine, actor: UserRecord, now: datetime) -> list[dict[str, Any]]:
    """The accounts the actor manages (anyone else: NotFound); each one listed gets an audit
    line, as the list shows their email."""
    _manager(actor)
    found = [u for u in repo.all_users(engine) if manages(actor, u) or u.id == actor.id]
    first = creds.signed_in_at(engine, [u.id for u in found])
    creds.audit_many(
        engine, [repo.Audit(now, actor.id, "users.list", u.id) for u in found if u.id != actor.id]
    )
    return [
        {
            "id": u.id,
            "email": u.email,
            "role": u.role,
            "clinic": u.clinic,
            "can_sign_in": u.password_hash is not None,
            "has_signed_in": first.get(u.id) is not None,
        }
        for u in found
    ]


def _other_user(engine: Engine, actor: UserRecord, user_id: int) -> UserRecord:
    """An account the actor manages, other than their own (404 when absent or not theirs)."""
    _manager(actor)
    user = repo.user_by_id(engine, user_id)
    if user is None or not (manages(actor, user) or user.id == actor.id):
        raise _not_found()
    if user.id == actor.id:
        raise InputError("you cannot lock or re-invite your own account; ask another admin")
    return user


def lock_user(engine: Engine, actor: UserRecord, user_id: int, now: datetime) -> UserRecord:
    """An admin locks an account (someone left, a device was lost): every sign-in, API token and
    password link of it ends at once and its password is removed. Its journal is kept; a reset
    email to the holder opens it again."""
    user = _other_user(engine, actor, user_id)
    repo.revoke_all(engine, user.id, now)
    repo.set_password(engine, user.id, None)
    repo.audit(engine, now, actor.id, "user.lock", user.id)
    return user


def _has_signed_in(engine: Engine, user_id: int) -> bool:
    return creds.signed_in_at(engine, [user_id]).get(user_id) is not None


def invite_again(engine: Engine, actor: UserRecord, user_id: int, now: datetime) -> str:
    """A new one-time invite link for an account that has never signed in (the first link
    lost): earlier invites stop working. An account that has signed in is refused: a link shown
    to the admin would let them become that person; a reset goes to the holder instead."""
    user = _other_user(engine, actor, user_id)
    if _has_signed_in(engine, user.id):
        raise InputError(
            f"{user.email} has signed in before, so a password link goes to them alone: "
            "send them a reset email"
        )
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
    """An admin adds an account to their clinic, the owner a clinician or admin to any clinic
    (a new name makes the clinic); they set a password through the one-time invite returned."""
    _manager(actor)
    if actor.role == "admin":
        if clinic and clinic.strip() != actor.clinic:
            raise InputError(f"you add accounts to your own clinic ({actor.clinic}) only")
        clinic = actor.clinic
        if role == "owner":
            raise InputError("an admin adds people, clinicians and admins of their clinic")
    elif role not in ("clinician", "admin") and role in ROLES:
        raise InputError(
            "the owner adds clinicians and admins; a clinic's admin adds its people"
            if role == "person"
            else "an owner is added on the server: easeback users add EMAIL --role owner"
        )
    uid, invite = add_user(engine, email, role, clinic or None, None, now, actor.id)
    assert invite is not None  # no password given: always an invite
    return uid, invite


# ---- password links: an invite (never signed in) or a reset (to the holder, by email) ----


def send_reset(
    engine: Engine, actor: UserRecord, user_id: int, now: datetime, mailer: Mailer | None,
    base_url: str,
) -> UserRecord:  # fmt: skip
    """An admin sends a password-reset link to the account's own email address (a forgotten
    password, a locked account opened again); the admin never sees the link."""
    user = _other_user(engine, actor, user_id)
    _mail_reset(engine, user, now, _needs(mailer), base_url)
    repo.audit(engine, now, actor.id, "user.reset_sent", user.id)
    return user


def forgot_password(
    engine: Engine, email: str, address: str, now: datetime, mailer: Mailer | None,
    base_url: str,
) -> None:  # fmt: skip
    """'Forgot password' on the sign-in page: a reset link by email if the address has an
    account that may sign in; the same answer (none) either way. A few a hour per account and
    per address, so nobody floods a mailbox."""
    sender = _needs(mailer)
    typed = email.strip().lower()[:320]
    keys = [_key("reset", typed), _key("reset-addr", address)]
    if creds.take_attempt(engine, keys, now, RESET_WINDOW) > MAX_RESET_EMAILS:
        raise TooManyAttempts()
    user = repo.user_by_email(engine, typed)
    if user is None or (user.password_hash is None and _has_signed_in(engine, user.id)):
        return  # nobody, or locked by an admin: only an admin opens it again
    try:
        _mail_reset(engine, user, now, sender, base_url)
    except MailError as exc:  # the same answer as for no account; the server's log says why
        logging.getLogger("easeback.mail").warning("password reset not sent: %s", exc)
        return
    repo.audit(engine, now, None, "user.reset_sent", user.id, "forgot password")


def _needs(mailer: Mailer | None) -> Mailer:
    if mailer is None:
        raise InputError(
            "this practice sends no email yet: its server needs EASEBACK_SMTP_HOST "
            "(see Running a practice)"
        )
    return mailer


def _mail_reset(
    engine: Engine, user: UserRecord, now: datetime, mailer: Mailer, base_url: str
) -> None:
    repo.revoke_kind(engine, user.id, "reset", now)
    link = secrets.token_urlsafe(32)
    repo.add_token(
        engine, user.id, token_hash(link), "reset", now, now + timedelta(hours=RESET_HOURS)
    )
    mailer.send(
        user.email,
        "Choose a new easeback password",
        f"Someone asked for a new password for your easeback account ({user.email}).\n\n"
        f"To choose one, open this link within {RESET_HOURS} hour (it works once):\n"
        f"{base_url.rstrip('/')}/reset/{link}\n\n"
        "If it was not you, ignore this email: your password stays as it is.\n",
    )


def accept_invite(
    engine: Engine, invite: str, password: str, now: datetime, kind: str = "invite"
) -> UserRecord:
    """Set the password through a one-time link: an invite (only while the account has never
    signed in) or a reset. Every sign-in and link of the account ends with it."""
    found = repo.token_owner(engine, token_hash(invite), (kind,), now)
    if found is None or (kind == "invite" and _has_signed_in(engine, found[0].id)):
        raise InputError("this link is not valid (used, expired or mistyped)")
    user = found[0]
    entry = repo.Audit(now, user.id, "user.password_set", user.id, kind)
    creds.set_password(engine, user.id, hash_password(password), now, None, entry)
    return user


def _key(kind: str, value: str) -> str:
    """A counter's key: hashed, so what someone typed into the email box is not kept."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def _checked(engine: Engine, user: UserRecord | None, password: str, keys: list[str],
             now: datetime) -> UserRecord:  # fmt: skip
    """The user if the password is theirs. The attempt is counted before the check, atomically,
    so parallel tries get at most MAX_ATTEMPTS checks a window; a right one is given back."""
    if creds.take_attempt(engine, keys, now, ATTEMPT_WINDOW) > MAX_ATTEMPTS:
        raise TooManyAttempts()
    if not _verify(user.password_hash if user else None, password) or user is None:
        repo.audit(engine, now, None, "sign_in.failed", user.id if user else None)
        raise SignInRefused()
    creds.give_back(engine, keys)
    return user


def needs_second_factor(user: UserRecord, policy: str) -> bool:
    return policy == "everyone" or user.role in STAFF


def sign_in(
    engine: Engine,
    email: str,
    password: str,
    address: str,
    now: datetime,
    kind: str = "session",
    two_factor: str = "staff",
) -> SignedIn | SecondStep:
    """Check the password; then open a session (or API token), or, for an account that signs
    in with two factors, answer the second step. Ten attempts a minute for one account, or from
    one address, refuse even the right password until the minute has passed."""
    typed = email.strip().lower()[:320]
    keys = [_key("email", typed), _key("addr", address)]
    user = _checked(engine, repo.user_by_email(engine, typed), password, keys, now)
    if not needs_second_factor(user, two_factor):
        return _open(engine, user, kind, now)
    ticket = secrets.token_urlsafe(32)
    repo.add_token(
        engine, user.id, token_hash(ticket), "second", now, now + timedelta(minutes=SECOND_MINUTES)
    )
    factor = creds.second_factor(engine, user.id)
    if factor.enabled:
        return SecondStep(user, ticket)
    secret = totp.new_secret()
    creds.set_pending_secret(engine, user.id, secret)
    return SecondStep(user, ticket, secret, totp.uri(secret, user.email))


def _open(engine: Engine, user: UserRecord, kind: str, now: datetime, detail: str = "",
          codes: tuple[str, ...] = ()) -> SignedIn:  # fmt: skip
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    days = SESSION_DAYS if kind == "session" else API_DAYS
    repo.add_token(engine, user.id, token_hash(token), kind, now, now + timedelta(days=days), csrf)
    creds.mark_signed_in(engine, user.id, now)
    repo.audit(engine, now, user.id, "sign_in", user.id, f"{kind} {detail}".strip())
    return SignedIn(user, token, csrf, codes)


def second_step(engine: Engine, ticket: str, code: str, address: str, now: datetime) -> SignedIn:
    """The authenticator code (or, once enrolled, a recovery code) after the password. The
    first code of a new secret confirms enrolment and makes the recovery codes, shown once."""
    found = repo.token_owner(engine, token_hash(ticket), ("second",), now) if ticket else None
    if found is None:
        raise InputError("this sign-in has expired: enter your email and password again")
    user = found[0]
    keys = [_key("second", str(user.id)), _key("addr", address)]
    if creds.take_attempt(engine, keys, now, ATTEMPT_WINDOW) > MAX_ATTEMPTS:
        raise TooManyAttempts()
    factor = creds.second_factor(engine, user.id)
    typed = code.strip()[:40]
    step = totp.matching_step(factor.secret, typed, now.timestamp()) if factor.secret else None
    if step is not None and creds.use_step(engine, user.id, step):
        how = "code"
    elif factor.enabled and creds.use_recovery_code(engine, user.id, _recovery_hash(typed), now):
        how = "recovery code"
    else:
        repo.audit(engine, now, None, "sign_in.failed", user.id, "second factor")
        raise SignInRefused()
    creds.give_back(engine, keys)
    repo.revoke_token(engine, token_hash(ticket), now)
    codes: tuple[str, ...] = ()
    if not factor.enabled:
        codes = tuple(_recovery_code() for _ in range(RECOVERY_CODES))
        entry = repo.Audit(now, user.id, "second_factor.enrol", user.id)
        creds.enable_second_factor(engine, user.id, [_recovery_hash(c) for c in codes], now, entry)
    return _open(engine, user, "session", now, how, codes)


def pending_enrolment(engine: Engine, ticket: str, now: datetime) -> tuple[str, str] | None:
    """The secret (and its otpauth:// address) still being enrolled behind a live ticket, to
    show again after a wrong first code; None once enrolled or when the ticket is gone."""
    found = repo.token_owner(engine, token_hash(ticket), ("second",), now) if ticket else None
    if found is None:
        return None
    factor = creds.second_factor(engine, found[0].id)
    if factor.enabled or factor.secret is None:
        return None
    return factor.secret, totp.uri(factor.secret, found[0].email)


def _recovery_code() -> str:
    raw = secrets.token_hex(5)  # 40 bits, typed once
    return f"{raw[:5]}-{raw[5:]}"


def _recovery_hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").replace(" ", "").lower().encode()).hexdigest()


def recovery_codes_left(engine: Engine, actor: UserRecord) -> int:
    return creds.recovery_codes_left(engine, actor.id)


def authenticate(engine: Engine, token: str, now: datetime) -> tuple[UserRecord, str | None] | None:
    """The user behind a session or API token (with the session's CSRF value), if it is live."""
    if not token or len(token) > 200:
        return None
    return repo.token_owner(engine, token_hash(token), ("session", "api"), now)


def sign_out(engine: Engine, actor: UserRecord, token: str, now: datetime) -> None:
    repo.revoke_token(engine, token_hash(token), now)
    repo.audit(engine, now, actor.id, "sign_out", actor.id)


def change_password(
    engine: Engine, actor: UserRecord, current: str, new: str, token: str, address: str,
    now: datetime,
) -> None:  # fmt: skip
    """From the person's own Account page: the current password, then the new one. Every other
    sign-in and API token of the account ends; this one stays."""
    keys = [_key("email", actor.email), _key("addr", address)]
    user = repo.user_by_id(engine, actor.id)
    _checked(engine, user, current, keys, now)
    hashed = hash_password(new)
    entry = repo.Audit(now, actor.id, "user.password_change", actor.id)
    creds.set_password(engine, actor.id, hashed, now, current_token_id(engine, token), entry)


def delete_account(
    engine: Engine, actor: UserRecord, password: str, address: str, now: datetime
) -> None:
    """The person's account and all their journal, once they give their password again (a
    stolen token alone cannot erase a record); the audit log keeps that it happened."""
    keys = [_key("email", actor.email), _key("addr", address)]
    _checked(engine, repo.user_by_id(engine, actor.id), password, keys, now)
    repo.revoke_all(engine, actor.id, now)
    repo.delete_user(engine, actor.id)
    creds.forget_counter(engine, keys[0])
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
