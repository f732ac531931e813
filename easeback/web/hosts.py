"""Which addresses count as this computer only. No web imports: `easeback serve` uses it early."""

from __future__ import annotations

import ipaddress

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def split_names(value: str | None) -> list[str]:
    """A comma-separated list of the settings (host names, proxy addresses), blanks dropped."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def public_origin(url: str | None) -> tuple[str, str] | None:
    """The public URL's scheme and host[:port] ('https', 'clinic.example'); ValueError naming the
    setting for anything that is not an http(s) address without path, query or credentials."""
    if not url:
        return None
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ValueError(
            f"EASEBACK_PUBLIC_URL must be an address such as https://clinic.example, got {url!r}"
        )
    return parts.scheme, parts.netloc.lower()


def hostname(netloc: str) -> str:
    """The host part of a Host header or URL netloc, lower case ('[::1]' keeps its brackets)."""
    netloc = netloc.lower()
    if netloc.startswith("["):
        return netloc.split("]")[0] + "]"
    return netloc.rsplit(":", 1)[0] if netloc.count(":") == 1 else netloc
