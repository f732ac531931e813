"""The README's nginx recipe, as written, in front of two `easeback serve --multi-user` processes
on one PostgreSQL: HTTPS with a self-signed certificate made now, sign-in through the proxy
(a Secure cookie), a form with its CSRF token, an invite link that starts with the public
address and works, and requests answered by both processes (nginx's log of its upstreams).
Skips when nginx or openssl is missing, except where EASEBACK_TEST_NGINX=require (CI)."""

from __future__ import annotations

import html
import http.client
import json
import os
import re
import socket
import ssl
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from tests.practice import proxy
from tests.practice.conftest import PASSWORD
from tests.practice.proxy import NAME
from tests.practice.served import free_port, serving, wait_until
from tests.storage import pg


class Browser:
    """HTTPS to the proxy on 127.0.0.1 under the clinic's name, keeping the session cookie and
    sending Origin and Sec-Fetch-Site on writes as a browser's form does."""

    def __init__(self, port: int, context: ssl.SSLContext) -> None:
        self.port = port
        self.origin = f"https://{NAME}:{port}"
        self.context = context
        self.cookie: str | None = None
        self.set_cookie = ""

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        json_body: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], str]:
        # connected to 127.0.0.1, the certificate checked for the clinic's name
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=60)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.sock = self.context.wrap_socket(raw, server_hostname=NAME)
        headers = {"host": f"{NAME}:{self.port}"}
        body = None
        if form is not None or json_body is not None:
            kind = "application/x-www-form-urlencoded" if form is not None else "application/json"
            body = urllib.parse.urlencode(form) if form is not None else json.dumps(json_body)
            headers |= {
                "content-type": kind,
                "origin": self.origin,
                "sec-fetch-site": "same-origin",
            }
        if self.cookie:
            headers["cookie"] = self.cookie
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            got = {k.lower(): v for k, v in resp.getheaders()}
            text = resp.read().decode()
        finally:
            conn.close()
        if "set-cookie" in got and "easeback_session=" in got["set-cookie"]:
            self.set_cookie = got["set-cookie"]
            self.cookie = got["set-cookie"].split(";", 1)[0]
        return resp.status, got, text


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page[:2000]
    return found.group(1)


@pytest.fixture
def proxied(pg_server, tmp_path) -> Iterator[tuple[Browser, Path, list[str], Any]]:
    from easeback.storage import open_engine
    from easeback.usecases import accounts

    found = proxy.binaries()
    if found is None:
        if os.environ.get("EASEBACK_TEST_NGINX") == "require":
            pytest.fail(proxy.HOW_TO_ENABLE)
        pytest.skip(proxy.HOW_TO_ENABLE)
    nginx_bin, openssl = found
    url = pg.create_database(pg_server, f"proxy{os.getpid()}")
    engine = open_engine(url)
    accounts.add_user(
        engine, "admin@clinic.example", "admin", "North Street", PASSWORD, datetime.now(UTC)
    )
    port = free_port()
    cert, key = proxy.certificate(openssl, tmp_path)
    env = {"EASEBACK_PUBLIC_URL": f"https://{NAME}:{port}"}
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    # one after the other: the first migrates, the second finds the database ready
    with serving(url, logs[0], env=env) as (one, _), serving(url, logs[1], env=env) as (two, _):
        upstreams = [one.removeprefix("http://"), two.removeprefix("http://")]
        where = tmp_path / "nginx"
        with proxy.nginx(nginx_bin, where, upstreams, port, cert, key) as access_log:
            browser = Browser(port, ssl.create_default_context(cafile=str(cert)))
            wait_until(lambda: _answers(browser), None, logs[0], "nginx")
            try:
                yield browser, access_log, upstreams, engine
            finally:
                engine.dispose()


def _answers(browser: Browser) -> bool:
    try:
        return browser.request("GET", "/healthz")[0] == 200
    except OSError:
        return False


def test_the_readme_nginx_recipe_serves_the_practice_from_two_processes(proxied):
    from tests.practice.web import authenticator

    browser, access_log, upstreams, engine = proxied
    status, headers, _ = browser.request("GET", "/sign-in")
    assert status == 200
    assert headers["strict-transport-security"].startswith("max-age=")

    # staff sign in with two steps: the password, then the authenticator app's code
    email = "admin@clinic.example"
    status, _, body = browser.request(
        "POST", "/api/login", json_body={"email": email, "password": PASSWORD}
    )
    assert status == 200, body
    step = json.loads(body)
    code = authenticator(engine, email, step)
    status, _, body = browser.request(
        "POST", "/api/login/second", json_body={"ticket": step["ticket"], "code": code}
    )
    assert status == 200, body
    assert "Secure" in browser.set_cookie and "HttpOnly" in browser.set_cookie

    status, _, page = browser.request("GET", "/users")
    assert status == 200
    form = {"email": "pat@example.org", "role": "person", "clinic": "North Street"}
    status, _, page = browser.request("POST", "/users", form | {"csrf_token": csrf_of(page)})
    assert status in (200, 201), page[:2000]
    link = re.search(r'id="invite-link">([^<]+)<', page)
    assert link, page[:2000]
    invite = html.unescape(link.group(1))
    assert invite.startswith(f"{browser.origin}/invite/"), invite

    person = Browser(browser.port, browser.context)
    path = urllib.parse.urlsplit(invite).path
    assert person.request("GET", path)[0] == 200
    status, _, page = person.request("POST", path, {"password": "pat's new password"})
    assert status == 200, page[:2000]
    status, _, _ = person.request(
        "POST", "/sign-in", {"email": "pat@example.org", "password": "pat's new password"}
    )
    assert status == 303
    for _ in range(6):
        assert person.request("GET", "/programme")[0] == 200
        assert browser.request("GET", "/users")[0] == 200

    served_by = {line.split()[1] for line in access_log.read_text().splitlines()}
    assert set(upstreams) <= served_by, served_by
