"""Headers, CSRF, host and origin checks, and the request size limit."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from easeback.settings import Settings
from easeback.web import create_app
from easeback.web.app import allowed_hosts, is_loopback

PAGES = ["/", "/screening/1", "/techniques", "/techniques/cat-cow", "/learn", "/docs", "/stop"]


def test_strict_headers_on_every_page(client):
    for path in PAGES:
        resp = client.get(path)
        csp = resp.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert resp.headers["x-content-type-options"] == "nosniff"
        assert resp.headers["referrer-policy"] == "no-referrer"


def test_pages_reference_only_this_server(client):
    for path in PAGES:
        html = client.get(path).text
        for url in re.findall(r'(?:src|href|action)="([^"]+)"', html):
            assert url.startswith("/") or url.startswith("#"), (path, url)
        assert "<script>" not in html and " style=" not in html and "<style" not in html
        assert not re.search(r"\son[a-z]+=", html), f"inline handler in {path}"


def test_forms_carry_a_csrf_token_and_posts_without_it_are_refused(client):
    html = client.get("/").text
    assert 'name="csrf_token"' in html
    assert client.post("/screening/start").status_code == 403
    assert client.post("/screening/start", data={"csrf_token": "forged"}).status_code == 403
    assert client.post("/stop", data={"reason": "other"}).status_code == 403
    assert client.post("/plan", data={"place": "floor"}).status_code == 403


def test_a_token_from_another_session_is_refused(app):
    with (
        TestClient(app, base_url="http://127.0.0.1") as a,
        TestClient(app, base_url="http://127.0.0.1") as b,
    ):
        token_a = re.search(r'name="csrf_token" value="([^"]+)"', a.get("/").text).group(1)
        b.get("/")
        assert b.post("/screening/start", data={"csrf_token": token_a}).status_code == 403


def test_cross_site_writes_are_refused(visitor):
    for headers in ({"origin": "http://evil.example"}, {"sec-fetch-site": "cross-site"}):
        resp = visitor.post("/screening/start", headers=headers)
        assert resp.status_code == 403
        resp = visitor.client.post("/api/screening", json={"answers": {}}, headers=headers)
        assert resp.status_code == 403
    ok = visitor.post("/screening/start", headers={"origin": "http://127.0.0.1"})
    assert ok.status_code == 200


def test_foreign_host_names_are_refused(app):
    with TestClient(app, base_url="http://attacker.example") as c:
        assert c.get("/").status_code == 400
    with TestClient(app, base_url="http://localhost:8765") as c:
        assert c.get("/").status_code == 200


def test_request_size_is_limited(client):
    big = {"answers": {f"q{i}": "x" * 100 for i in range(1000)}}
    assert client.post("/api/screening", json=big).status_code == 413
    raw = b"x" * 70_000
    resp = client.post("/api/screening", content=raw, headers={"content-type": "text/plain"})
    assert resp.status_code == 413


def test_session_cookie_is_http_only_and_same_site(client):
    cookie = client.get("/").headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")


def test_loopback_detection():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")
    assert not is_loopback("example.com")
    assert "*" not in allowed_hosts(Settings())
    assert allowed_hosts(Settings(host="0.0.0.0")) == {"*"}


def test_app_is_built_from_settings_not_at_import():
    import easeback.web.app as module

    assert not hasattr(module, "app")
    assert create_app(Settings(), journal=False) is not create_app(Settings(), journal=False)
