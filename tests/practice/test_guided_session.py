"""A person's guided session of their programme in practice mode: the player on the programme
as the safety check allows it now, its timeline, and Stop saved at once with what it means
(a technique stopped for sharp pain left out, nerve signs putting the programme on hold)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient

from easeback.content.loader import default_catalogue
from easeback.storage import practice as repo
from easeback.usecases import practice
from tests.practice.conftest import PASSWORD
from tests.practice.web import BASE, dispose, practice_app, through_second_step
from tests.web.answers import clear_answers

BRIDGE = {"id": "bridge", "hold_seconds": 3, "reps": 5, "sets": 1}
CAT_COW = {"id": "cat-cow", "reps": 5}


@pytest.fixture
def app(db_url, people):
    app = practice_app(db_url)
    yield app
    dispose(app)


def _users(engine, people):
    alice = repo.user_by_id(engine, people["alice"])
    ann = repo.user_by_id(engine, people["ann"])
    assert alice is not None and ann is not None
    return alice, ann


def _signed_in(email: str, app) -> tuple[TestClient, str]:
    c = TestClient(app, base_url=BASE)
    page = c.post("/sign-in", data={"email": email, "password": PASSWORD})
    page = through_second_step(app, c, email, page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    return c, token.group(1)


def _prescribed_and_screened(engine, people, screened: bool = True) -> None:
    cat = default_catalogue()
    alice, ann = _users(engine, people)
    practice.prescribe(engine, cat, alice, ann.id, [BRIDGE, CAT_COW], 3, datetime.now(UTC))
    if screened:
        practice.screen(engine, cat, ann, clear_answers(pain_days=10), datetime.now(UTC))


def test_without_a_safety_check_the_session_waits_on_the_programme_page(app, engine, people):
    _prescribed_and_screened(engine, people, screened=False)
    c, _ = _signed_in("ann@example.org", app)
    resp = c.get("/programme/session", follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"] == "/programme"
    assert c.get("/programme/timeline.json").status_code == 404
    assert "Start a guided session" not in c.get("/programme").text


def test_the_player_runs_the_programme_as_prescribed(app, engine, people):
    _prescribed_and_screened(engine, people)
    c, _ = _signed_in("ann@example.org", app)
    assert 'href="/programme/session"' in c.get("/programme").text
    page = c.get("/programme/session")
    assert page.status_code == 200
    assert 'data-timeline="/programme/timeline.json"' in page.text
    assert 'action="/programme/stop"' in page.text and "Stop: it hurts" in page.text
    assert 'id="camera"' not in page.text  # the camera coach is the personal app's
    assert 'href="/programme#log"' in page.text
    data = c.get("/programme/timeline.json").json()
    assert data["techniques"] == ["Bridge", "Cat-cow"]
    assert data["cues"][0]["offset"] == 0 and data["total"] > 0
    holds = [q for q in data["cues"] if q["kind"] == "hold" and q["technique_id"] == "bridge"]
    assert len(holds) == 5 and {q["duration"] for q in holds} == {3}


def test_stop_for_sharp_pain_is_saved_at_once_and_leaves_that_technique_out(app, engine, people):
    _prescribed_and_screened(engine, people)
    c, token = _signed_in("ann@example.org", app)
    assert c.post("/programme/stop", data={"index": "0", "reason": "sharp_pain"}).status_code == 403
    resp = c.post(
        "/programme/stop", data={"csrf_token": token, "index": "0", "reason": "sharp_pain"}
    )
    assert resp.status_code == 200 and "You stopped" in resp.text
    assert "saved with your programme" in resp.text and 'action="/check-in"' in resp.text
    _alice, ann = _users(engine, people)
    (session,) = practice.history(engine, ann).sessions
    assert session.status == "stopped" and session.pain_before is None
    assert [(r.technique_id, r.outcome) for r in session.results] == [
        ("bridge", "stopped"),
        ("cat-cow", "not_reached"),
    ]
    assert c.get("/programme/timeline.json").json()["techniques"] == ["Cat-cow"]


def test_stop_for_numbness_puts_the_programme_on_hold(app, engine, people):
    _prescribed_and_screened(engine, people)
    c, token = _signed_in("ann@example.org", app)
    resp = c.post("/programme/stop", data={"csrf_token": token, "index": "", "reason": "numbness"})
    assert resp.status_code == 200 and "/safety-check" in resp.text
    assert c.get("/programme/session", follow_redirects=False).status_code == 303
    assert c.get("/programme/timeline.json").status_code == 404


def test_a_stop_sent_again_still_says_what_to_do(app, engine, people):
    _prescribed_and_screened(engine, people)
    c, token = _signed_in("ann@example.org", app)
    first = c.post(
        "/programme/stop", data={"csrf_token": token, "index": "1", "reason": "numbness"}
    )
    assert "saved with your programme" in first.text
    again = c.post(
        "/programme/stop", data={"csrf_token": token, "index": "1", "reason": "numbness"}
    )
    assert again.status_code == 200 and "You stopped: numbness or tingling" in again.text
    assert "This stop was not saved: there is no session of your programme to stop" in again.text
    _alice, ann = _users(engine, people)
    assert len(practice.history(engine, ann).sessions) == 1


def test_a_clinician_has_no_guided_session(app, engine, people):
    _prescribed_and_screened(engine, people)
    c, _ = _signed_in("alice@north.example", app)
    assert c.get("/programme/session").status_code == 404
    assert c.get("/programme/timeline.json").status_code == 404
