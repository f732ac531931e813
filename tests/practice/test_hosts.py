"""The practice behind a proxy, in process: which host names it answers, which origins may
write, and what the public address changes (invite links, Secure cookies, HSTS)."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient

from easeback.terminal.cli import main
from easeback.web.hosts import public_origin
from tests.practice.conftest import PASSWORD, T0
from tests.practice.web import dispose, practice_app, signed_in

LOGIN = {"email": "ann@example.org", "password": PASSWORD}


@pytest.fixture
def make(db_url, people):
    made = []

    def build(**settings: object):
        app = practice_app(db_url, **settings)
        made.append(app)
        return app

    yield build
    for app in made:
        dispose(app)


def test_the_proxys_host_is_answered_once_named(make):
    plain = TestClient(make(), base_url="http://clinic.example")
    assert plain.get("/sign-in").status_code == 400  # loopback only, as before
    public = make(public_url="https://clinic.example")
    assert TestClient(public, base_url="http://clinic.example").get("/sign-in").status_code == 200
    assert TestClient(public, base_url="http://other.example").get("/sign-in").status_code == 400
    listed = make(allowed_hosts="a.example, B.example")
    for host in ("a.example", "b.example:8080", "127.0.0.1"):
        assert TestClient(listed, base_url=f"http://{host}").get("/sign-in").status_code == 200
    assert TestClient(listed, base_url="http://c.example").get("/sign-in").status_code == 400


def test_writes_from_the_public_origin_pass_and_others_do_not(make):
    app = make(public_url="https://clinic.example:8443")
    # nginx's `proxy_set_header Host $host` drops the port the browser's Origin keeps
    c = TestClient(app, base_url="http://clinic.example")
    ok = c.post("/api/login", json=LOGIN, headers={"origin": "https://clinic.example:8443"})
    assert ok.status_code == 200
    for origin in ("https://evil.example", "http://clinic.example:8443", "null"):
        assert c.post("/api/login", json=LOGIN, headers={"origin": origin}).status_code == 403


def test_an_https_public_address_marks_cookies_secure_and_sends_hsts(make):
    c = TestClient(make(public_url="https://clinic.example"), base_url="http://clinic.example")
    resp = c.post("/api/login", json=LOGIN)
    assert "Secure" in resp.headers["set-cookie"]
    assert resp.headers["strict-transport-security"].startswith("max-age=")


def test_invite_links_start_with_the_public_address(make, engine, password_hash):
    from easeback.storage import practice as repo

    north = repo.clinic_id(engine, "North", T0)
    repo.add_user(engine, "root@north.example", "admin", north, password_hash, T0)
    c = signed_in(make(public_url="https://clinic.example/"), "root@north.example")
    page = c.post(
        "/users",
        data={
            "email": "dan@example.org",
            "role": "person",
            "clinic": "North",
            "csrf_token": c.csrf,
        },
    )
    assert page.status_code in (200, 201), page.text
    assert "https://clinic.example/invite/" in page.text


def test_a_public_url_that_is_not_an_address_is_named():
    assert public_origin("https://Clinic.example:8443/") == ("https", "clinic.example:8443")
    for bad in ("clinic.example", "https://clinic.example/app", "ftp://x.example", "https://"):
        with pytest.raises(ValueError, match="EASEBACK_PUBLIC_URL must be an address"):
            public_origin(bad)


def test_serve_refuses_a_bad_public_url(capsys, monkeypatch):
    monkeypatch.setattr(os, "environ", {**os.environ})  # serve passes settings to its workers here
    argv = ["serve", "--multi-user", "--public-url", "clinic.example", "--database", "sqlite://"]
    assert main(argv) == 2
    assert "EASEBACK_PUBLIC_URL must be an address" in capsys.readouterr().err


def test_users_add_prints_the_invite_at_the_public_address(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("EASEBACK_PUBLIC_URL", "https://clinic.example")
    url = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    argv = ["users", "add", "pat@example.org", "--role", "person", "--clinic", "North"]
    assert main([*argv, "--database", url]) == 0
    assert "https://clinic.example/invite/" in capsys.readouterr().out
