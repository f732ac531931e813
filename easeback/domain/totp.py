"""Time-based one-time passwords (RFC 6238, HOTP of RFC 4226 underneath): the six-digit codes of
an authenticator app, from a shared secret and a time step. Pure: the time is an argument."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP = 30  # seconds a code lasts
DIGITS = 6
DRIFT = 1  # steps either side accepted: a phone clock a little off, a code typed slowly


def new_secret() -> str:
    """160 random bits in base32 without padding, as authenticator apps take them."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def _key(secret: str) -> bytes:
    clean = secret.replace(" ", "").upper()
    return base64.b32decode(clean + "=" * (-len(clean) % 8))


def hotp(key: bytes, counter: int, digits: int = DIGITS, digest: str = "sha1") -> str:
    mac = hmac.new(key, struct.pack(">Q", counter), getattr(hashlib, digest)).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def step_of(unix_seconds: float) -> int:
    return int(unix_seconds // STEP)


def code(secret: str, unix_seconds: float) -> str:
    """The code an authenticator app shows at that time."""
    return hotp(_key(secret), step_of(unix_seconds))


def matching_step(secret: str, typed: str, unix_seconds: float) -> int | None:
    """The time step whose code was typed (within DRIFT steps of now), or None."""
    typed = typed.replace(" ", "")
    if len(typed) != DIGITS or not typed.isdigit():
        return None
    key, now = _key(secret), step_of(unix_seconds)
    for step in range(now - DRIFT, now + DRIFT + 1):
        if hmac.compare_digest(hotp(key, step), typed):
            return step
    return None


def uri(secret: str, account: str, issuer: str = "easeback") -> str:
    """The otpauth:// address an authenticator app reads (Key Uri Format)."""
    label = quote(f"{issuer}:{account}")
    query = urlencode({"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP})
    return f"otpauth://totp/{label}?{query}"
