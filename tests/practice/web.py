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


def signed_in(app, email: str) -> TestClient:
    """A client holding a bearer token (no cookie), as a script or phone app would."""
    c = TestClient(app, base_url=BASE)
    resp = c.post("/api/login", json={"email": email, "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    c.headers["authorization"] = f"Bearer {resp.json()['token']}"
    c.csrf = resp.json()["csrf"]  # type: ignore[attr-defined]  # for the HTML forms
    c.cookies.clear()
    return c
