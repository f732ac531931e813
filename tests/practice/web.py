"""Helpers of the practice web tests: an app on a test database, signed-in clients."""

from __future__ import annotations

from fastapi.testclient import TestClient

from easeback.settings import Settings
from easeback.web import create_app
from tests.practice.conftest import PASSWORD

BASE = "http://127.0.0.1"


def practice_app(db_url: str, **settings: object):
    return create_app(Settings(database_url=db_url, multi_user=True, **settings))  # type: ignore[arg-type]


def dispose(app) -> None:
    """Close the app's database connections (a TestClient outside `with` runs no lifespan)."""
    app.state.practice.engine.dispose()


def signed_in(app, email: str, password: str = PASSWORD) -> TestClient:
    """A client holding a bearer token (no cookie), as a script or phone app would. Staff
    accounts go through the second step as an authenticator app would (see authenticator)."""
    c = TestClient(app, base_url=BASE)
    resp = c.post("/api/login", json={"email": email, "password": password})
    assert resp.status_code == 200, resp.text
    if "ticket" in resp.json():
        code = authenticator(app.state.practice.engine, email, resp.json())
        resp = c.post("/api/login/second", json={"ticket": resp.json()["ticket"], "code": code})
        assert resp.status_code == 200, resp.text
    c.headers["authorization"] = f"Bearer {resp.json()['token']}"
    c.csrf = resp.json()["csrf"]  # type: ignore[attr-defined]  # for the HTML forms
    c.cookies.clear()
    return c


def authenticator(engine, email: str, step: dict | None = None) -> str:
    """The code an authenticator app shows now for the account: from the secret being enrolled
    (in `step`, the login's answer) or the one stored. A code works once per 30-second step, and
    tests sign the same account in several times a step: the step used last is forgotten here
    (test_second_factor checks that the app refuses a code used twice)."""
    import time

    from sqlalchemy import text

    from easeback.domain import totp

    with engine.begin() as conn:
        conn.execute(text("UPDATE users SET totp_last_step = NULL WHERE email = :e"), {"e": email})
        stored = conn.execute(
            text("SELECT totp_secret FROM users WHERE email = :e"), {"e": email}
        ).scalar()
    enrol = (step or {}).get("enrol")
    secret = enrol["secret"] if enrol else stored
    return totp.code(secret, time.time())


def through_second_step(app, c: TestClient, email: str, page):
    """After the sign-in form: the second step's form, if the page asks for it, with the code
    an authenticator app shows (the page's own secret while enrolling)."""
    import re

    ticket = re.search(r'name="ticket" value="([^"]+)"', page.text)
    if ticket is None:
        return page
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text)
    step = {"enrol": {"secret": secret[1]}} if secret else None
    code = authenticator(app.state.practice.engine, email, step)
    return c.post("/sign-in/second", data={"ticket": ticket[1], "code": code})
