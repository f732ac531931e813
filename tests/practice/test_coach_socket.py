"""The browser camera coach's socket in a practice: the signed-in person's own (session cookie,
its CSRF value, the page's Origin), coaching the techniques of their programme; refused to anyone
else. The counting itself is the personal app's socket's (tests/web/test_coach_socket.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from easeback.content.loader import default_catalogue
from easeback.storage import practice as repo
from easeback.usecases import practice
from tests.practice.conftest import PASSWORD
from tests.practice.web import BASE, dispose, practice_app, through_second_step
from tests.web.answers import clear_answers

ORIGIN = {"origin": BASE}


@pytest.fixture
def app(db_url, people):
    app = practice_app(db_url)
    yield app
    dispose(app)


def signed_in(app, email: str) -> tuple[TestClient, str]:
    """A browser-like client: the session cookie, and the CSRF value its pages carry."""
    c = TestClient(app, base_url=BASE)
    page = c.post("/sign-in", data={"email": email, "password": PASSWORD})
    page = through_second_step(app, c, email, page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    return c, token.group(1)


def connect(c: TestClient, csrf: str, headers: dict[str, str] | None = None):
    return c.websocket_connect(
        f"ws://127.0.0.1/programme/coach?csrf={csrf}",
        headers=ORIGIN if headers is None else headers,
    )


def refused(c: TestClient, csrf: str, headers: dict[str, str] | None = None) -> bool:
    try:
        with connect(c, csrf, headers) as ws:
            ws.send_json({"type": "start"})
            ws.receive_json()
    except WebSocketDisconnect as exc:
        return exc.code == 1008
    return False


def test_the_signed_in_person_is_coached_on_their_programme(app, engine, people):
    cat = default_catalogue()
    now = datetime.now(UTC)
    alice = repo.user_by_id(engine, people["alice"])
    ann = repo.user_by_id(engine, people["ann"])
    assert alice is not None and ann is not None
    practice.prescribe(
        engine,
        cat,
        alice,
        ann.id,
        [{"id": "bridge", "hold_seconds": 3, "reps": 5, "sets": 1}],
        3,
        now,
    )
    practice.screen(engine, cat, ann, clear_answers(pain_days=10), now)
    c, csrf = signed_in(app, "ann@example.org")
    page = c.get("/programme/session")
    assert 'data-socket="/programme/coach"' in page.text and "coach-web.js" in page.text
    with connect(c, csrf) as ws:
        ws.send_json({"type": "start", "index": 0, "aspect": 0.75})
        assert ws.receive_json() == {"type": "started", "technique": "bridge", "mode": "bridge"}
        ws.send_json({"type": "frame", "t": 0.0, "landmarks": None})
        status = ws.receive_json()
        assert status["type"] == "status" and status["events"][0]["kind"] == "setup"
    assert refused(c, "forged")
    assert refused(c, csrf, headers={"origin": "http://evil.example"})
    c.cookies.clear()
    assert refused(c, csrf)


def test_staff_and_strangers_are_refused(app, people):
    c, csrf = signed_in(app, "alice@north.example")  # a clinician: no guided session
    assert refused(c, csrf)
    assert refused(TestClient(app, base_url=BASE), "none")
