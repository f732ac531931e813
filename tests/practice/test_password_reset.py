"""A password reset reaches the account holder and nobody else: 'Forgot password' and the
admin's 'Email a reset link' send it through a real SMTP server on loopback (aiosmtpd), the
same answer whether or not the address has an account; the admin's screen never shows it. No
admin takes over an account: the owner touches no person's account, an admin nothing outside
their clinic, and nobody gets a password link for an account that has signed in. A person
changes their password on their Account page with the current one. SQLite and PostgreSQL."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message

import pytest

pytest.importorskip("aiosmtpd", reason="the test extra is not installed")
pytest.importorskip("fastapi", reason="the web extra is not installed")

from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from easeback.storage import practice as repo
from tests.practice.conftest import PASSWORD, T0
from tests.practice.web import BASE, dispose, practice_app, signed_in

NEW = "a brand new long password"


class Inbox:
    """What the SMTP server received, each message with its envelope's recipients."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        # answered before the sender's send returns: nothing to wait for in the tests
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for rcpt, m in self.messages if address in rcpt]


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def mail(smtp) -> Inbox:
    inbox, _port = smtp
    inbox.messages.clear()
    return inbox


@pytest.fixture
def app(db_url, people, smtp, password_hash, engine):
    north = repo.clinic_id(engine, "North", T0)
    repo.add_user(engine, "nora@north.example", "admin", north, password_hash, T0)
    repo.add_user(engine, "adam@practice.example", "owner", None, password_hash, T0)
    _inbox, port = smtp
    app = practice_app(
        db_url, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
        smtp_from="practice@north.example",
    )  # fmt: skip
    yield app
    dispose(app)


def _link(message: Message) -> str:
    body = message.get_content() if hasattr(message, "get_content") else message.get_payload()
    found = re.search(r"http://127\.0\.0\.1(/reset/[\w-]+)", str(body))
    assert found, body
    return found[1]


def _login(app, email: str, password: str) -> int:
    body = {"email": email, "password": password}
    return TestClient(app, base_url=BASE).post("/api/login", json=body).status_code


def test_forgot_password_emails_the_holder_and_answers_the_same_for_anyone(app, people, mail):
    anon = TestClient(app, base_url=BASE)
    ann = signed_in(app, "ann@example.org")
    known = anon.post("/api/password/forgot", json={"email": "Ann@Example.org"})
    unknown = anon.post("/api/password/forgot", json={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert [rcpt for rcpt, _m in mail.messages] == [["ann@example.org"]]
    message = mail.to("ann@example.org")[0]
    assert message["From"] == "practice@north.example" and "password" in message["Subject"]
    link = _link(message)
    page = anon.get(link)
    assert page.status_code == 200 and f'action="{link}"' in page.text
    short = anon.post(link, data={"password": "short"})
    assert short.status_code == 400 and "at least 10 characters" in short.text
    assert anon.post(link, data={"password": NEW}).status_code == 200
    assert ann.get("/api/me").status_code == 401  # every earlier sign-in ended
    assert _login(app, "ann@example.org", NEW) == 200
    assert _login(app, "ann@example.org", PASSWORD) == 401
    again = anon.post(link, data={"password": "yet another long password"})
    assert again.status_code == 400 and "not valid" in again.text  # the link works once
    # the sign-in page offers it, and its form gives the same answer
    assert 'href="/forgot-password"' in anon.get("/sign-in").text
    sent = anon.post("/forgot-password", data={"email": "nobody@example.org"})
    assert sent.status_code == 200 and "If an account has this address" in sent.text


def test_reset_emails_are_limited(app, people, mail):
    anon = TestClient(app, base_url=BASE)
    answers = [
        anon.post("/api/password/forgot", json={"email": "bob@example.org"}).status_code
        for _ in range(4)
    ]
    assert answers == [202, 202, 202, 429] and len(mail.to("bob@example.org")) == 3


def test_an_admin_sends_a_reset_and_never_sees_the_link(app, people, mail, engine):
    nora = signed_in(app, "nora@north.example")
    ann = signed_in(app, "ann@example.org")  # ann has signed in: no invite link for her now
    ann_id = people["ann"]
    refused = nora.post(f"/api/users/{ann_id}/invite")
    assert refused.status_code == 400 and "reset email" in refused.json()["detail"]
    assert nora.post(f"/api/users/{ann_id}/lock").status_code == 200
    assert ann.get("/api/me").status_code == 401
    # a locked account is not opened again by 'forgot password', only by the admin's reset
    TestClient(app, base_url=BASE).post("/api/password/forgot", json={"email": "ann@example.org"})
    assert mail.to("ann@example.org") == []
    sent = nora.post(f"/api/users/{ann_id}/reset")
    assert sent.status_code == 200 and sent.json() == {"id": ann_id, "sent_to": "ann@example.org"}
    assert "/reset/" not in sent.text
    page = nora.post(f"/users/{ann_id}/reset", data={"csrf_token": nora.csrf})  # type: ignore[attr-defined]
    assert page.status_code == 200 and "/reset/" not in page.text
    assert "emailed to <strong>ann@example.org</strong>" in page.text
    links = [_link(m) for m in mail.to("ann@example.org")]
    assert len(links) == 2
    anon = TestClient(app, base_url=BASE)
    assert anon.post(links[0], data={"password": NEW}).status_code == 400  # the later one counts
    assert anon.post(links[1], data={"password": NEW}).status_code == 200
    assert _login(app, "ann@example.org", NEW) == 200
    trail = [(r["actor_id"], r["action"]) for r in repo.audit_trail(engine, ann_id)]
    assert (
        trail.count((repo.user_by_email(engine, "nora@north.example").id, "user.reset_sent")) == 2
    )


def test_no_admin_takes_over_an_account(app, people, engine):
    """The critical finding: any admin could mint a password link for any account. Now the
    owner (no clinic) reaches no person's account, an admin no other clinic's, and nobody gets
    a link for an account that has signed in; what is allowed stays within the clinic."""
    adam, nora = signed_in(app, "adam@practice.example"), signed_in(app, "nora@north.example")
    alice = signed_in(app, "alice@north.example")  # she has signed in
    ann, cat, carol = people["ann"], people["cat"], people["carol"]
    for route in ("invite", "lock", "reset"):
        assert adam.post(f"/api/users/{ann}/{route}").status_code == 404, route  # a person
        assert nora.post(f"/api/users/{cat}/{route}").status_code == 404, route  # South
        assert nora.post(f"/api/users/{carol}/{route}").status_code == 404, route
    for admin in (adam, nora):
        staff = admin.post(f"/api/users/{people['alice']}/invite")
        assert staff.status_code == 400 and "signed in before" in staff.json()["detail"]
    assert alice.get("/api/me").status_code == 200  # still signed in
    # the owner sees the staff, not the people; nora her clinic only
    assert {u["role"] for u in adam.get("/api/users").json()} <= {"clinician", "admin", "owner"}
    assert "cat@example.org" not in str(nora.get("/api/users").json())
    assert adam.get("/api/people").status_code == 404
    assert adam.get(f"/api/people/{ann}/progress").status_code == 404
    assert "ann@example.org" not in adam.get("/users").text
    # the owner adds a clinic's admin; that admin's accounts join their clinic only
    east = adam.post(
        "/api/users", json={"email": "eli@east.example", "role": "admin", "clinic": "East"}
    )
    assert east.status_code == 201
    other = nora.post(
        "/api/users", json={"email": "x@example.org", "role": "person", "clinic": "South"}
    )
    assert other.status_code == 400 and "your own clinic" in other.json()["detail"]
    mine = nora.post("/api/users", json={"email": "x@example.org", "role": "person"})
    assert mine.status_code == 201
    assert repo.user_by_email(engine, "x@example.org").clinic == "North"


def test_a_person_changes_their_password_with_the_current_one(app, people):
    phone, laptop = signed_in(app, "ann@example.org"), signed_in(app, "ann@example.org")
    wrong = phone.post("/api/password", json={"current": "not my password", "new": NEW})
    assert wrong.status_code == 403
    short = phone.post("/api/password", json={"current": PASSWORD, "new": "short"})
    assert short.status_code == 400
    done = phone.post("/api/password", json={"current": PASSWORD, "new": NEW})
    assert done.status_code == 200
    assert phone.get("/api/me").status_code == 200  # this sign-in stays
    assert laptop.get("/api/me").status_code == 401  # every other one ended
    assert _login(app, "ann@example.org", NEW) == 200
    # the Account page's form
    csrf = phone.csrf  # type: ignore[attr-defined]
    page = phone.get("/account").text
    assert 'action="/account/password"' in page and 'autocomplete="current-password"' in page
    bad = phone.post("/account/password", data={"csrf_token": csrf, "current": "x", "new": NEW})
    assert bad.status_code == 403 and "Wrong current password" in bad.text
    ok = phone.post(
        "/account/password",
        data={"csrf_token": csrf, "current": NEW, "new": "the third long password"},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/account?message=password"
    assert phone.post("/account/password", data={"current": NEW, "new": NEW}).status_code == 403


def test_without_smtp_the_practice_says_what_to_set(db_url, people):
    app = practice_app(db_url)
    resp = TestClient(app, base_url=BASE).post(
        "/api/password/forgot", json={"email": "ann@example.org"}
    )
    assert resp.status_code == 400 and "EASEBACK_SMTP_HOST" in resp.json()["detail"]
    dispose(app)
