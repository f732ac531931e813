"""Two-factor sign-in for staff: a clinician enrols at first sign-in (the secret and otpauth://
address shown as text, confirmed by a first code, ten recovery codes shown once and stored
hashed), then signs in with a password and a code, a code working once and a recovery code
once; the API answers a "second factor" step; a setting asks it of everyone. SQLite and
PostgreSQL."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient
from sqlalchemy import text

from easeback.domain import totp
from easeback.usecases import accounts
from easeback.usecases.errors import InputError
from tests.practice.conftest import PASSWORD, T0
from tests.practice.web import BASE, dispose, practice_app, signed_in

ALICE = {"email": "alice@north.example", "password": PASSWORD}


@pytest.fixture
def app(db_url, people):
    app = practice_app(db_url)
    yield app
    dispose(app)


def _login(c: TestClient, body=ALICE):
    resp = c.post("/api/login", json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_a_clinician_enrols_at_first_sign_in_then_needs_a_code(app, people, engine):
    c = TestClient(app, base_url=BASE)
    step = _login(c)
    assert "token" not in step and step["second_factor"] == "totp"
    assert "easeback_session" not in c.cookies  # nothing signed in yet
    secret = step["enrol"]["secret"]
    assert step["enrol"]["otpauth"].startswith("otpauth://totp/easeback%3Aalice%40north.example?")
    assert f"secret={secret}" in step["enrol"]["otpauth"]
    # the ticket alone opens nothing
    assert (
        c.get("/api/me", headers={"authorization": f"Bearer {step['ticket']}"}).status_code == 401
    )
    wrong = c.post("/api/login/second", json={"ticket": step["ticket"], "code": "000000"})
    if wrong.status_code != 401:  # one chance in a million that 000000 is the code
        assert totp.code(secret, time.time()) == "000000"
    done = c.post(
        "/api/login/second", json={"ticket": step["ticket"], "code": totp.code(secret, time.time())}
    )
    assert done.status_code == 200, done.text
    codes = done.json()["recovery_codes"]
    assert len(codes) == accounts.RECOVERY_CODES and len(set(codes)) == len(codes)
    me = c.get("/api/me", headers={"authorization": f"Bearer {done.json()['token']}"})
    assert me.json()["email"] == "alice@north.example"
    with engine.connect() as conn:
        stored = repr(conn.execute(text("SELECT * FROM recovery_codes")).all())
    assert not any(code.replace("-", "") in stored or code in stored for code in codes)
    # the ticket was used up; the same code again is refused even with a new ticket
    again = c.post("/api/login/second", json={"ticket": step["ticket"], "code": "123456"})
    assert again.status_code == 400 and "expired" in again.json()["detail"]
    step2 = _login(c)
    assert step2["enrol"] is None  # enrolled: no new secret is shown
    replay = c.post(
        "/api/login/second",
        json={"ticket": step2["ticket"], "code": totp.code(secret, time.time())},
    )
    assert replay.status_code == 401  # RFC 6238 5.2: a code is accepted once
    # a recovery code signs in once
    first = c.post("/api/login/second", json={"ticket": step2["ticket"], "code": codes[0]})
    assert first.status_code == 200 and "recovery_codes" not in first.json()
    step3 = _login(c)
    used = c.post("/api/login/second", json={"ticket": step3["ticket"], "code": codes[0]})
    assert used.status_code == 401
    upper = c.post("/api/login/second", json={"ticket": step3["ticket"], "code": codes[1].upper()})
    assert upper.status_code == 200
    assert (
        accounts.recovery_codes_left(engine, accounts.repo.user_by_id(engine, people["alice"])) == 8
    )


def test_wrong_codes_are_limited_like_passwords(app, people):
    c = TestClient(app, base_url=BASE)
    signed_in(app, "alice@north.example")  # enrolled
    step = _login(c)
    answers = [
        c.post(
            "/api/login/second", json={"ticket": step["ticket"], "code": "not a code"}
        ).status_code
        for _ in range(accounts.MAX_ATTEMPTS + 1)
    ]
    assert answers == [401] * accounts.MAX_ATTEMPTS + [429]


def test_a_person_signs_in_with_a_password_unless_everyone_must_use_two(db_url, people):
    app = practice_app(db_url)
    person = _login(
        TestClient(app, base_url=BASE), {"email": "ann@example.org", "password": PASSWORD}
    )
    assert "token" in person
    dispose(app)
    strict = practice_app(db_url, two_factor="everyone")
    step = _login(
        TestClient(strict, base_url=BASE), {"email": "ann@example.org", "password": PASSWORD}
    )
    assert step["second_factor"] == "totp" and step["enrol"]["secret"]
    dispose(strict)


def test_the_second_step_expires(engine, people):
    step = accounts.sign_in(engine, "alice@north.example", PASSWORD, "10.0.0.1", T0)
    assert isinstance(step, accounts.SecondStep) and step.secret
    late = T0 + timedelta(minutes=accounts.SECOND_MINUTES, seconds=1)
    with pytest.raises(InputError, match="expired"):
        accounts.second_step(
            engine, step.ticket, totp.code(step.secret, late.timestamp()), "x", late
        )
    on_time = T0 + timedelta(minutes=1)
    signed = accounts.second_step(
        engine, step.ticket, totp.code(step.secret, on_time.timestamp()), "x", on_time
    )
    assert signed.user.id == people["alice"] and len(signed.recovery_codes) == 10


def test_the_pages_enrol_a_clinician_and_show_the_recovery_codes_once(app, people):
    c = TestClient(app, base_url=BASE)
    page = c.post("/sign-in", data=ALICE)
    assert page.status_code == 200 and "Set up two-step sign-in" in page.text
    assert page.headers["cache-control"] == "no-store"
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text)
    uri = re.search(r'id="totp-uri">(otpauth://[^<]+)<', page.text)
    ticket = re.search(r'name="ticket" value="([^"]+)"', page.text)
    assert secret and uri and ticket
    assert c.get("/people", follow_redirects=False).headers["location"] == "/sign-in"
    wrong = c.post("/sign-in/second", data={"ticket": ticket[1], "code": "abc"})
    assert wrong.status_code == 401 and 'role="alert"' in wrong.text and secret[1] in wrong.text
    done = c.post(
        "/sign-in/second", data={"ticket": ticket[1], "code": totp.code(secret[1], time.time())}
    )
    assert done.status_code == 200 and done.headers["cache-control"] == "no-store"
    codes = re.findall(r'<li><code class="token">([0-9a-f]{5}-[0-9a-f]{5})</code></li>', done.text)
    assert len(codes) == 10
    assert c.get("/people").status_code == 200  # signed in by the cookie
    assert "10 recovery codes left" in c.get("/account").text
