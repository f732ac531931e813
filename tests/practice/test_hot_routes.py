"""The practice API's busiest requests are answered before FastAPI (easeback.web.fast): the same
bytes, status and headers as the FastAPI route gives (a query string hands a request on to it),
every refusal still the route's own (no caller, a wrong CSRF token, a body the model refuses),
and each answer still audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from easeback.content.loader import default_catalogue
from easeback.storage import practice as repo
from easeback.usecases import practice
from tests.practice.test_progress_kept import BRIDGE, CAT_COW, _cookie_client
from tests.practice.web import BASE, dispose, practice_app, signed_in
from tests.web.answers import clear_answers

HEADERS = ("content-type", "content-length", "cache-control", "x-content-type-options")


@pytest.fixture
def app(db_url, people):
    app = practice_app(db_url)
    engine = app.state.practice.engine
    cat = default_catalogue()
    alice = repo.user_by_id(engine, people["alice"])
    ann = repo.user_by_id(engine, people["ann"])
    assert alice is not None and ann is not None
    now = datetime.now(UTC)
    practice.prescribe(engine, cat, alice, ann.id, [BRIDGE, CAT_COW], 3, now)
    practice.screen(engine, cat, ann, clear_answers(pain_days=10), now)
    practice.check_in(engine, ann, 5, 3, now)
    yield app
    dispose(app)


def _same(hot, routed) -> None:
    assert (hot.status_code, hot.content) == (routed.status_code, routed.content)
    for name in HEADERS:
        assert hot.headers.get(name) == routed.headers.get(name), name


def test_the_hot_answers_are_the_routes_own(app, people):
    ann = signed_in(app, "ann@example.org")
    alice = signed_in(app, "alice@north.example")
    for client, path in ((ann, "/api/programme"), (ann, "/api/progress"), (alice, "/api/people")):
        _same(client.get(path), client.get(path + "?via=route"))
    for path, body in (
        ("/api/check-ins", {"pain": 4, "stiffness": 2}),
        ("/api/sessions", {"pain_before": 4, "pain_after": 3, "skipped": ["bridge"]}),
    ):
        hot, routed = ann.post(path, json=body), ann.post(path + "?via=route", json=body)
        assert hot.status_code == 201
        if "session" in hot.json():  # two sessions saved: each its own id
            assert routed.json()["session"] == hot.json()["session"] + 1
            hot._content = hot.content.replace(b'"session":1', b'"session":2')
        _same(hot, routed)
    # the writes and reads happened, and each read of a person's data is in their trail
    trail = [r["action"] for r in repo.audit_trail(app.state.practice.engine, people["ann"])]
    assert trail.count("progress.read") == 2 and trail.count("people.list") == 2
    assert trail.count("check_in.add") == 3 and trail.count("session.add") == 2


def test_refusals_are_the_routes_own(app, people):
    from fastapi.testclient import TestClient

    nobody = TestClient(app, base_url=BASE)
    for path in ("/api/programme", "/api/progress", "/api/people"):
        _same(nobody.get(path), nobody.get(path + "?via=route"))
        assert nobody.get(path).status_code == 401
    for body in ({"pain": 4, "stiffness": 2}, {"pain": 11, "stiffness": 2}, {"pain": "4"}):
        _same(nobody.post("/api/check-ins", json=body), nobody.post("/api/check-ins?x", json=body))
        assert nobody.post("/api/check-ins", json=body).status_code == 401
    ann, csrf = _cookie_client(app, "ann@example.org")
    body = {"pain": 4, "stiffness": 2}
    # a cookie session without its CSRF token is refused; with it, saved
    no_token = ann.post("/api/check-ins", json=body)
    assert no_token.status_code == 403
    _same(no_token, ann.post("/api/check-ins?x", json=body))
    assert ann.post("/api/check-ins", json=body, headers={"x-csrf-token": csrf}).status_code == 201
    # a body the model refuses, an oversized device key: the route's 422
    bearer = signed_in(app, "ann@example.org")
    for body, headers in (
        ({"pain": 11, "stiffness": 2}, {}),
        ({"pain": 4, "stiffness": 2, "extra": 1}, {}),
        ({"pain": 4, "stiffness": 2}, {"idempotency-key": "k" * 65}),
    ):
        hot = bearer.post("/api/check-ins", json=body, headers=headers)
        assert hot.status_code == 422
        _same(hot, bearer.post("/api/check-ins?x", json=body, headers=headers))
    # a person is not a clinician: the list is not theirs
    assert bearer.get("/api/people").status_code == 404


def test_a_persons_progress_for_a_clinician_is_answered_hot(app, people):
    from fastapi.testclient import TestClient

    from easeback.web.practice import api

    pid = people["ann"]
    path = f"/api/people/{pid}/progress"
    scope = {"type": "http", "method": "GET", "path": path, "root_path": ""}
    assert api.find_hot(app, scope) is api._PERSON_PROGRESS
    assert api.find_hot(app, scope | {"path": "/api/people/1/programme"}) is None
    assert api.find_hot(app, scope | {"method": "POST"}) is None
    alice = signed_in(app, "alice@north.example")
    hot = alice.get(path)
    assert hot.status_code == 200 and hot.json()["id"] == pid
    _same(hot, alice.get(path + "?via=route"))
    # refusals are the route's: another clinic's person, a person, nobody, no such id
    carol = signed_in(app, "carol@south.example")
    ann = signed_in(app, "ann@example.org")
    nobody = TestClient(app, base_url=BASE)
    for client, status in ((carol, 404), (ann, 404), (nobody, 401)):
        refused = client.get(path)
        assert refused.status_code == status
        _same(refused, client.get(path + "?via=route"))
    for other in ("999999", "0", "007", "99999999999999999999999"):
        _same(
            alice.get(f"/api/people/{other}/progress"), alice.get(f"/api/people/{other}/progress?x")
        )
    assert alice.get("/api/people/x1/progress").status_code == 422  # FastAPI's own refusal
    trail = [r["action"] for r in repo.audit_trail(app.state.practice.engine, pid)]
    assert trail.count("progress.read") == 2  # the hot read and the route's, each audited
