"""In practice mode a stop, a logged session or a check-in kept on the phone during an outage is
sent again until confirmed, with the phone's key: saved once, on SQLite and PostgreSQL, even when
what it changed (a programme on hold after numbness) would refuse it now."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from easeback.content.loader import default_catalogue
from easeback.usecases import practice
from easeback.usecases.errors import InputError
from tests.practice.test_guided_session import _prescribed_and_screened, _signed_in, _users
from tests.practice.web import dispose, practice_app

KEY = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"
OTHER = "z" * 40


@pytest.fixture
def app(db_url, people):
    app = practice_app(db_url)
    yield app
    dispose(app)


def test_a_numbness_stop_sent_again_is_saved_once_and_says_what_to_do(app, engine, people):
    _prescribed_and_screened(engine, people)
    c, token = _signed_in("ann@example.org", app)
    form = {"csrf_token": token, "index": "1", "reason": "numbness", "key": KEY}
    for _ in range(3):
        resp = c.post("/programme/stop", data=form)
        assert resp.status_code == 200 and resp.url.path == "/programme/stopped/numbness"
        assert "You stopped: numbness or tingling" in resp.text
        assert "saved with your programme" in resp.text and "not saved" not in resp.text
    _alice, ann = _users(engine, people)
    (session,) = practice.history(engine, ann).sessions
    assert [s.reason.value for s in session.stops] == ["numbness"]
    # the clinician's flag for the nerve-sign stop
    alice, _ann = _users(engine, people)
    rows = practice.people(engine, default_catalogue(), alice, datetime.now(UTC))
    (row,) = [r for r in rows if r["id"] == ann.id]
    assert row["flags"], row


def test_a_stop_without_a_programme_to_stop_still_says_so(app, engine, people):
    _prescribed_and_screened(engine, people)
    c, token = _signed_in("ann@example.org", app)
    c.post("/programme/stop", data={"csrf_token": token, "index": "", "reason": "numbness"})
    again = c.post(
        "/programme/stop",
        data={"csrf_token": token, "index": "", "reason": "numbness", "key": KEY},
    )
    assert again.status_code == 200 and "This stop was not saved" in again.text


def test_a_logged_session_and_a_check_in_sent_again_are_saved_once(app, engine, people):
    _prescribed_and_screened(engine, people)
    c, token = _signed_in("ann@example.org", app)
    for _ in range(2):
        resp = c.post(
            "/programme/log",
            data={"csrf_token": token, "pain_before": "4", "pain_after": "2", "key": KEY},
        )
        assert resp.url.path == "/programme"
        resp = c.post(
            "/check-in", data={"csrf_token": token, "pain": "2", "stiffness": "3", "key": KEY[:20]}
        )
        assert resp.url.path == "/programme"
    _alice, ann = _users(engine, people)
    h = practice.history(engine, ann)
    assert len(h.sessions) == 1 and len(h.check_ins) == 1


def test_the_key_is_each_persons_own(engine, people):
    _prescribed_and_screened(engine, people)
    _alice, ann = _users(engine, people)
    bob = practice.repo.user_by_id(engine, people["bob"])
    assert bob is not None
    now = datetime.now(UTC)
    assert practice.check_in(engine, ann, 3, 3, now, KEY) is not None
    assert practice.check_in(engine, ann, 3, 3, now, KEY) is not None  # the earlier id
    assert practice.check_in(engine, bob, 3, 3, now, KEY) is not None
    assert len(practice.history(engine, ann).check_ins) == 1
    assert len(practice.history(engine, bob).check_ins) == 1
    with pytest.raises(InputError, match="key must be 16 to 64"):
        practice.check_in(engine, ann, 3, 3, now, "x" * 65)


def test_the_api_takes_an_idempotency_key(app, engine, people):
    from tests.practice.web import signed_in

    _prescribed_and_screened(engine, people)
    c = signed_in(app, "ann@example.org")
    headers = {"Idempotency-Key": KEY}
    first = c.post("/api/sessions", json={"pain_before": 4, "pain_after": 2}, headers=headers)
    again = c.post("/api/sessions", json={"pain_before": 4, "pain_after": 2}, headers=headers)
    assert first.status_code == again.status_code == 201, again.text
    assert first.json()["session"] == again.json()["session"]
    reused = c.post("/api/check-ins", json={"pain": 2, "stiffness": 2}, headers=headers)
    assert reused.status_code == 400
    assert reused.json() == {
        "detail": "key was used before for a session; make a new key for each write"
    }
    for _ in range(2):
        resp = c.post(
            "/api/check-ins", json={"pain": 2, "stiffness": 2}, headers={"Idempotency-Key": OTHER}
        )
        assert resp.status_code == 201, resp.text
    bad = c.post(
        "/api/check-ins", json={"pain": 2, "stiffness": 2}, headers={"Idempotency-Key": "x"}
    )
    assert bad.status_code == 400
    assert bad.json() == {"detail": "key must be 16 to 64 letters, digits, '-' or '_'"}
    _alice, ann = _users(engine, people)
    h = practice.history(engine, ann)
    assert len(h.sessions) == 1 and len(h.check_ins) == 1


def test_deleting_the_account_deletes_the_keys_its_phone_sent(engine, people):
    from sqlalchemy import text

    _prescribed_and_screened(engine, people)
    _alice, ann = _users(engine, people)
    practice.check_in(engine, ann, 3, 3, datetime.now(UTC), KEY)
    practice.repo.delete_user(engine, ann.id)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM received")).scalar() == 0
