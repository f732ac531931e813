"""The key a device makes for a write it may send more than once (a stop, a finished session or a
check-in kept on a phone while the server could not be reached): saved with the write, so a resend
is never saved twice (easeback.storage.received)."""

from __future__ import annotations

import re

from easeback.usecases.errors import InputError

KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def valid_key(key: str) -> bool:
    return bool(KEY.match(key))


def checked_key(key: str | None) -> str | None:
    """The key as sent (None or empty: no key, the write is saved as it comes); InputError for
    anything else than 16 to 64 letters, digits, '-' or '_'."""
    if key is None or key == "":
        return None
    if not valid_key(key):
        raise InputError("key must be 16 to 64 letters, digits, '-' or '_'")
    return key


def reused(kind: str) -> InputError:
    """The error for a key sent before with another kind of write (storage's KeyReused)."""
    return InputError(
        f"key was used before for a {kind.replace('_', '-')}; make a new key for each write"
    )
