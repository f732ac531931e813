"""Every setting easeback reads, declared once with its help text. Built from explicit arguments or
the environment by the doors; nothing reads the environment at import time."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from easeback.domain.values import TYPE_CHECKING, Frozen, value

if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")


class _Declared:
    """A setting's default, environment variable and help text, as declared in Settings."""

    __slots__ = ("default", "env", "help")

    def __init__(self, default: object, env: str, help: str) -> None:
        self.default, self.env, self.help = default, env, help


def _setting(default: object, env: str, help: str) -> object:
    return _Declared(default, env, help)


def _declared(cls: type[T]) -> type[T]:
    """Keep each setting's environment variable and help text (in `__settings__`, in order)
    and leave its plain default for @value. A frozen value rather than a dataclass: the
    dataclasses module imports inspect, and every command reads the settings."""
    table: dict[str, tuple[str, str]] = {}
    for name, d in list(vars(cls).items()):
        if isinstance(d, _Declared):
            table[name] = (d.env, d.help)
            setattr(cls, name, d.default)
    cls.__settings__ = table  # type: ignore[attr-defined]
    return cls


class SettingError(ValueError):
    """A setting from the environment that cannot be used; the message names the variable."""


_NUMBERS = {  # the numeric settings' ranges, for from_env's one-line refusals
    "port": (1, 65535, "a port number from 1 to 65535"),
    "workers": (1, 1024, "a number of worker processes from 1 to 1024"),
}


@value
@_declared
class Settings(Frozen):
    database_url: str | None = _setting(  # type: ignore[assignment]
        None,
        "EASEBACK_DATABASE_URL",
        "SQLAlchemy URL of the journal database; default a SQLite file in the user data folder.",
    )
    data_dir: str | None = _setting(  # type: ignore[assignment]
        None, "EASEBACK_DATA_DIR", "Folder for easeback's own files (default: platform data dir)."
    )
    host: str = _setting(  # type: ignore[assignment]
        "127.0.0.1", "EASEBACK_HOST", "Address the web app binds to (loopback unless told)."
    )
    port: int = _setting(8765, "EASEBACK_PORT", "Port of the web app.")  # type: ignore[assignment]
    camera_source: str = _setting(  # type: ignore[assignment]
        "0",
        "EASEBACK_CAMERA_SOURCE",
        "Camera for the web player's coach: a webcam number, or a video file standing in for it.",
    )
    pose_web_dir: str | None = _setting(  # type: ignore[assignment]
        None,
        "EASEBACK_POSE_WEB_DIR",
        "Folder of the in-page pose model the browser coach uses (default: pose-web in the data "
        "folder); `python -m easeback.web.pose_assets` fetches it.",
    )
    multi_user: bool = _setting(  # type: ignore[assignment]
        False,
        "EASEBACK_MULTI_USER",
        "Serve a practice: sign-in, people, clinicians and clinics (see Running a practice).",
    )
    workers: int = _setting(  # type: ignore[assignment]
        1, "EASEBACK_WORKERS", "Worker processes of `serve --multi-user` (they share no memory)."
    )
    tls_certfile: str | None = _setting(  # type: ignore[assignment]
        None, "EASEBACK_TLS_CERT", "TLS certificate file (PEM); with the key, serve HTTPS."
    )
    tls_keyfile: str | None = _setting(  # type: ignore[assignment]
        None, "EASEBACK_TLS_KEY", "TLS private key file (PEM) that goes with the certificate."
    )
    public_url: str | None = _setting(  # type: ignore[assignment]
        None,
        "EASEBACK_PUBLIC_URL",
        "Address people reach the practice at behind a proxy (https://clinic.example): its host "
        "is allowed, invite links use it, and https marks cookies Secure.",
    )
    allowed_hosts: str | None = _setting(  # type: ignore[assignment]
        None,
        "EASEBACK_ALLOWED_HOSTS",
        "More host names the app answers to, comma-separated (loopback names and the public "
        "URL's host always are).",
    )
    trusted_proxies: str = _setting(  # type: ignore[assignment]
        "127.0.0.1,::1",
        "EASEBACK_TRUSTED_PROXIES",
        "Addresses of the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto count, "
        "comma-separated.",
    )
    owner_database_url: str | None = _setting(  # type: ignore[assignment]
        None,
        "EASEBACK_OWNER_DATABASE_URL",
        "PostgreSQL URL of the role that owns the tables, for `easeback db migrate`; the app's "
        "own role then may only add to the audit log.",
    )
    emergency_number: str | None = _setting(  # type: ignore[assignment]
        None,
        "EASEBACK_EMERGENCY_NUMBER",
        "Number the emergency page's call button dials; default: the browser's region "
        "(911 US/CA, 999 UK, 000 AU, 111 NZ), else 112.",
    )

    # Settings from the environment that could not be read, as (name, message): a command
    # that uses one calls require(name) and stops there; the others never notice (a stray
    # EASEBACK_PORT must not stop a check-in).
    unreadable: tuple[tuple[str, str], ...] = ()
    two_factor: str = _setting(  # type: ignore[assignment]
        "staff",
        "EASEBACK_TWO_FACTOR",
        "Who must sign in with an authenticator code as well as a password (practice mode): "
        "staff (clinicians, admins, the owner; they enrol at first sign-in) or everyone.",
    )
    smtp_host: str | None = _setting(  # type: ignore[assignment]
        None,
        "EASEBACK_SMTP_HOST",
        "SMTP server that sends password-reset emails (practice mode); unset, no email is sent.",
    )
    smtp_port: int = _setting(  # type: ignore[assignment]
        587, "EASEBACK_SMTP_PORT", "Port of the SMTP server (587 STARTTLS, 465 TLS, 25 plain)."
    )
    smtp_security: str = _setting(  # type: ignore[assignment]
        "starttls",
        "EASEBACK_SMTP_SECURITY",
        "How to reach the SMTP server: starttls, tls, or none (only for a relay on loopback).",
    )
    smtp_user: str | None = _setting(  # type: ignore[assignment]
        None, "EASEBACK_SMTP_USER", "User name at the SMTP server, if it asks for one."
    )
    smtp_password: str | None = _setting(  # type: ignore[assignment]
        None, "EASEBACK_SMTP_PASSWORD", "Password at the SMTP server, with the user name."
    )
    smtp_from: str = _setting(  # type: ignore[assignment]
        "easeback@localhost",
        "EASEBACK_SMTP_FROM",
        "Sender address of the practice's emails (an address the SMTP server may send from).",
    )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        unreadable: list[tuple[str, str]] = []
        kinds = cls.__annotations__
        for name, (variable, _help) in _TABLE.items():
            raw = env.get(variable)
            if raw is not None:
                if kinds[name] == "int":
                    low, high, what = _NUMBERS.get(name, (0, 2**31, "a whole number"))
                    number = int(raw) if raw.strip().isdigit() else -1
                    if low <= number <= high:
                        values[name] = number
                    elif overrides.get(name) is None:
                        unreadable.append((name, f"{variable}={raw!r} is not {what}"))
                elif kinds[name] == "bool":
                    values[name] = raw.strip().lower() in ("1", "true", "yes", "on")
                else:
                    values[name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values, unreadable=tuple(unreadable))

    def require(self, *names: str) -> None:
        """SettingError (one line naming the variable) if a setting this command uses could
        not be read from the environment."""
        for name, message in self.unreadable:
            if name in names:
                raise SettingError(message)

    def pose_web_folder(self) -> Path:
        if self.pose_web_dir:
            return Path(self.pose_web_dir)
        from easeback.web.pose_assets import default_dir

        return default_dir(self.resolved_data_dir())

    def resolved_data_dir(self) -> Path:
        if self.data_dir:
            return Path(self.data_dir)
        plain = _xdg_data_dir()
        if plain is not None:
            return Path(plain)
        from platformdirs import user_data_dir

        return Path(user_data_dir("easeback", appauthor=False))


def _xdg_data_dir() -> str | None:
    """platformdirs' user_data_dir on plain Linux, where it is the XDG rule (an absolute
    $XDG_DATA_HOME, else ~/.local/share), without importing it (10-20 ms of every command's
    start); None where anything is less plain, for platformdirs to decide."""
    if sys.platform != "linux" or "ANDROID_DATA" in os.environ:
        return None
    xdg = os.environ.get("XDG_DATA_HOME", "")
    if xdg:
        return os.path.join(xdg, "easeback") if xdg.startswith("/") else None
    home = os.environ.get("HOME", "")
    return os.path.join(home, ".local", "share", "easeback") if home.startswith("/") else None


_TABLE: dict[str, tuple[str, str]] = Settings.__settings__  # type: ignore[attr-defined]


def documented() -> list[tuple[str, str, str]]:
    """(name, env variable, help) for each setting; the README table is checked against it."""
    return [(name, env, help_text) for name, (env, help_text) in _TABLE.items()]
