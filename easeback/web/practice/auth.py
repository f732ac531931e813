"""Who is asking: a session cookie or an `Authorization: Bearer` token, looked up (hashed) in the
database on every request, so any worker can serve any request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import HTTPException, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from easeback.mail import Mailer
from easeback.storage.practice import UserRecord
from easeback.usecases import accounts
from easeback.web.practice.state import practice_state
from easeback.web.security import same_token

COOKIE = "easeback_session"


@dataclass(frozen=True)
class Caller:
    user: UserRecord
    token: str
    csrf: str | None
    via_cookie: bool


def now() -> datetime:
    return datetime.now(UTC)


def mailer(request: Request) -> Mailer | None:
    """The practice's SMTP sender, or None when no server is set."""
    return Mailer.from_settings(practice_state(request).settings)


def two_factor(request: Request) -> str:
    return practice_state(request).settings.two_factor


def base_url(request: Request) -> str:
    """Where people reach the practice, for links in emails (the Host is on the allow-list)."""
    return str(request.base_url).rstrip("/")


def presented(request: Request) -> tuple[str | None, bool]:
    """The token the request carries and whether it came in the cookie."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    cookie = request.cookies.get(COOKIE)
    return (cookie, True) if cookie else (None, False)


def caller(request: Request) -> Caller:
    """The signed-in user; 401 otherwise (pages turn it into a redirect to the sign-in page)."""
    token, via_cookie = presented(request)
    found = accounts.authenticate(practice_state(request).engine, token or "", now())
    if found is None or token is None:
        raise HTTPException(401, "Sign in first.", headers={"www-authenticate": "Bearer"})
    user, csrf = found
    return Caller(user, token, csrf, via_cookie)


def writer(request: Request) -> Caller:
    """The signed-in user of a JSON write: a cookie session must also send its CSRF token in
    X-CSRF-Token (a bearer token is never sent by a browser on its own, so it needs none)."""
    c = caller(request)
    if c.via_cookie and not same_token(request.headers.get("x-csrf-token"), c.csrf):
        raise HTTPException(403, "Missing or wrong X-CSRF-Token for this session.")
    return c


async def checked_form(request: Request, c: Caller) -> FormData:
    form = await request.form()
    token = form.get("csrf_token")
    if not same_token(token if isinstance(token, str) else None, c.csrf):
        raise HTTPException(403, "This form has expired. Go back, reload the page and try again.")
    return form


def is_https(request: Request) -> bool:
    return request.url.scheme == "https" or practice_state(request).tls


def set_session(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=is_https(request),
        path="/",
        max_age=accounts.SESSION_DAYS * 24 * 3600,
    )


def clear_session(request: Request, response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", secure=is_https(request), httponly=True)
