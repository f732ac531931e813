"""Practice pages without a browser: forms refuse a missing CSRF token, the invite link sets a
password once, sign-in shows one message for both kinds of mistake, pages need sign-in."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient

from easeback.usecases import accounts
from tests.practice.conftest import PASSWORD
from tests.practice.web import BASE, dispose, practice_app


@pytest.fixture
def app(db_url, people):
    app = practice_app(db_url)
    yield app
    dispose(app)


def sign_in(client: TestClient, email: str, password: str = PASSWORD):
    return client.post("/sign-in", data={"email": email, "password": password})


def test_pages_send_strangers_to_sign_in(app):
    c = TestClient(app, base_url=BASE)
    for url in ("/", "/programme", "/people", "/people/1", "/safety-check", "/pictures/bridge.svg"):
        resp = c.get(url, follow_redirects=False)
        assert resp.status_code == 303 and resp.headers["location"] == "/sign-in", url


def test_sign_in_page_gives_one_message_for_both_mistakes(app):
    c = TestClient(app, base_url=BASE)
    wrong, unknown = sign_in(c, "ann@example.org", "nope"), sign_in(c, "who@example.org", "nope")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong email or password." in wrong.text and "Wrong email or password." in unknown.text
    resp = sign_in(c, "ann@example.org")
    assert resp.url.path == "/programme" and "My programme" in resp.text


def test_forms_refuse_a_missing_or_wrong_csrf_token(app):
    c = TestClient(app, base_url=BASE)
    page = sign_in(c, "ann@example.org")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    for data in (
        {"pain": "3", "stiffness": "2"},
        {"pain": "3", "stiffness": "2", "csrf_token": "x"},
    ):
        assert c.post("/check-in", data=data).status_code == 403
    ok = c.post("/check-in", data={"pain": "3", "stiffness": "2", "csrf_token": token.group(1)})
    assert ok.status_code == 200 and "Saved. Well done." in ok.text


def test_a_cross_site_sign_in_is_refused(app):
    c = TestClient(app, base_url=BASE)
    resp = c.post(
        "/sign-in",
        data={"email": "ann@example.org", "password": PASSWORD},
        headers={"origin": "https://evil.example", "sec-fetch-site": "cross-site"},
    )
    assert resp.status_code == 403


def test_the_invite_link_sets_a_password_once(app, engine):
    now = datetime.now(UTC)  # the invite is checked against the real clock
    _, invite = accounts.add_user(engine, "dan@example.org", "person", "North", None, now)
    c = TestClient(app, base_url=BASE)
    assert c.get(f"/invite/{invite}").status_code == 200
    short = c.post(f"/invite/{invite}", data={"password": "short"})
    assert short.status_code == 400 and "at least 10 characters" in short.text
    assert c.post(f"/invite/{invite}", data={"password": "my new password"}).status_code == 200
    again = c.post(f"/invite/{invite}", data={"password": "another password"})
    assert again.status_code == 400 and "not valid" in again.text
    assert sign_in(c, "dan@example.org", "my new password").url.path == "/programme"


def test_head_answers_as_get_without_the_body(app):
    c = TestClient(app, base_url=BASE)
    for url in ("/", "/programme"):  # strangers are sent to sign in, by HEAD as by GET
        head, got = c.head(url, follow_redirects=False), c.get(url, follow_redirects=False)
        assert head.status_code == got.status_code == 303, url
        assert head.headers["location"] == got.headers["location"] == "/sign-in"
    head, got = c.head("/sign-in"), c.get("/sign-in")
    assert head.status_code == got.status_code == 200
    assert head.content == b"" and int(head.headers["content-length"]) == len(got.content)
    assert c.head("/static/nav.js").status_code == 200


def test_pages_and_answers_about_people_are_never_kept_but_static_files_are(app):
    """A shared clinic computer or a phone keeps no copy of a person's page or data."""
    from tests.practice.web import signed_in

    person = signed_in(app, "ann@example.org")
    clinician = signed_in(app, "alice@north.example")
    answers = [
        person.get("/programme"),
        person.get("/outcomes"),
        person.get("/api/programme"),
        person.get("/api/progress"),
        clinician.get("/people"),
        clinician.get("/api/people"),
        TestClient(app, base_url=BASE).get("/sign-in"),
    ]
    for resp in answers:
        assert resp.status_code == 200, (resp.request.url, resp.text[:200])
        assert resp.headers["cache-control"] == "no-store", resp.request.url
    style = TestClient(app, base_url=BASE).get("/static/style.css")
    assert style.status_code == 200 and "no-store" not in style.headers.get("cache-control", "")
